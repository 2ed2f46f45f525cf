"""Find the cycle's skills in what a trainee wrote, with the evidence span, a confidence, a source and details.

Three sources of evidence, combined per sentence:
- the language pipeline (bot.language, one spaCy parse per text): question form, clauses with their
  modality and negation, times and dates, feelings and whose they are;
- meaning (sentence-transformers): similarity to the examples under data/skills/;
- the context: restating is judged against what the customer actually said (bot.skills.restating).
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.language import Sentence, swap_person, understand_many
from bot.language.reading import without_declined_promises
from bot.skills.decisions import Message, decide, span_of
from bot.skills.details import CLOSING_QUESTIONS, MEANING_LABELS, QUESTION_LABELS, details_of, source_of
from bot.skills.labels import Detection
from bot.skills.learned import LearnedDecisions, Reading, load_learned, read
from bot.skills.reflection_form import ReflectionForm
from bot.skills.restating import (
    _REFLECTIVE_FRAME,
    Context,
    Heard,
    about_the_customer,
    content_lemmas,
    facts_beside_feeling,
    families_of,
    known_family,
    messages_of,
    restates_fact,
    restates_feeling,
    said_text,
)

DEFAULT_THRESHOLDS: dict[str, float] = {
    "greet_acknowledge": 0.62, "thank": 0.62, "bridge": 0.66, "check_satisfaction": 0.62,
    "seek_agreement": 0.62, "offer_options": 0.55, "set_expectation": 0.55, "overpromise": 0.60,
    "follow_up": 0.60, "dismissive": 0.60,
    "scenario_overpromise": 0.90, "restate_shape": 0.2,
    "restate_shape_thin_context": 0.4,
    # Meaning alone, without a shared word: the same kind of complaint about other facts ("left at the wrong
    # address" against "charged twice for the order") reaches 0.52 with one customer message.
    "restate_similarity": 0.55,
}

_GREETING = re.compile(r"^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening)|welcome|morning|afternoon|evening)\b", re.I)
_ACK_WAIT = re.compile(r"\b(thanks?( you)? (so much )?for (waiting|holding|hanging on)|sorry (about|for) (the|your|keeping you) ?(wait|waiting)|(be )?(right|just) with you|keep(ing)? you waiting)\b", re.I)
#: Passing the buck, belittling and rudeness that the examples' meaning alone can miss.
_DISMISSIVE = re.compile(
    r"\b(not (my|our) (job|department|problem|fault|responsibility|call|concern)|(that's|that is|it's|it is) (the )?\w+'s problem"
    r"|(ask|call|ring|phone|try|contact|email) (someone|somebody|anyone) else|(i|we) don't make the rules"
    r"|that's (just )?(how it is|the way it is|policy|the policy)|take it up with|calm down|overreact\w*|deal with it"
    r"|(it's|that's|it is) not (that )?(a )?big (of a )?deal|everyone else (manages|copes|seems fine)|not my problem)\b|^\W*(whatever|so what)\b(?![\s'’]*\w)|\bnothing (i|we) can do( about (it|that))?\W*$",
    re.I,
)
#: what makes an offer of help a bridge: help with something else, more, or a related need.
_FURTHER = re.compile(r"\b(else|other|more|also|too|another|as well|while (you'?re|i have you|we'?re)|before you go|further|related)\b", re.I)
#: a question about an outcome still to come, not the one the customer has got.
_HYPOTHETICAL = re.compile(r"\b(would|could|might|ideally|ideal|if)\b", re.I)
#: a sentence that sums up what the customer said: "I see, so it was…", "Right, so the parcel…".
_SUMMING_UP = re.compile(r"^\W*(?:(?:i see|right|ok(?:ay)?|oh|ah)\W+)*so\b(?!\s+what\b)", re.I)
#: Saying sorry or thanks is never dismissive, whatever it resembles ("Sorry for the wait, busy night!").
_COURTEOUS = re.compile(r"\b(sorry|apologi[sz]e|thank|thanks|appreciate|bear with)\b", re.I)
_THANKS = re.compile(r"\b(thank(s| you)|thx|ty|cheers|(i|we) (really |do )?appreciate (it|that|your|you))\b", re.I)
_ABSOLUTE = re.compile(r"\b(never|always|guarantee[ds]?|promise|instantly|immediately|straight away|right away|100 ?(%|percent)|definitely|forever|ever again|perfect(ly)?|nothing (will|can) (ever )?go wrong|swear|no matter what|for sure|certainly)\b", re.I)
#: words that look ahead beside a future clause (which the parse gives: "will", "'ll", "going to").
_AHEAD = re.compile(r"\b(should|usually|normally|typically|gonna|expect(ed)?|takes?|within|by|due|scheduled|next|lands?|arrives?|comes? (in|back|on)|goes (out|back))\b", re.I)
_CONTACT = re.compile(r"\b(call|ring|phone|email|e-mail|text|message|contact|update|follow(ing)? up|check in|get back|let you know|drop you|send you an? (update|message|email|note)|keep you (posted|updated|informed))\b", re.I)
#: an offer by its wording, beside what the parse gives (the speaker saying what they can or will do).
_OFFER_WORDS = re.compile(r"\b(option|options|alternatively|either|instead|what i can do|let me (offer|get|bring|give|arrange|book|send|refund|replace|remake|move|waive))\b|\b(would you like (me|us) to)\b", re.I)
_ACTION = re.compile(r"\b(refund|replace|remake|re-make|send|book|give|offer|waive|move|arrange|credit|exchange|repair|swap|upgrade|pack|bring|courier|deliver|fix|reset|reissue|cancel|discount|compensate|cover|pay|process|rebook|reschedule|seat|find|set up|escalate|raise|prioriti[sz]e|sort|take (it )?off|put|remove|reverse|cancel|credit|dispatch|ship|post|collect|void)\b", re.I)
@dataclass(frozen=True)
class Example:
    """One example line for a label (context: the customer's words, for restating labels)."""

    label: str
    text: str
    context: str | None = None


def load_examples(directory: Path) -> list[Example]:
    """Every example under data/skills/ (one YAML file per label)."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        label = data.get("label", path.stem)
        for item in data.get("examples", []):
            if isinstance(item, str):
                examples.append(Example(label, item))
            elif isinstance(item, dict) and item.get("text"):
                examples.append(Example(label, str(item["text"]), item.get("context")))
    return examples


def load_reflection_form(path: Path) -> ReflectionForm | None:
    """The restatement-shape model `bot skills fit` stored beside the thresholds, if any."""
    if not path.exists():
        return None
    stored = json.loads(path.read_text(encoding="utf-8")).get("reflection_form")
    return ReflectionForm.from_dict(stored) if stored else None


def load_thresholds(path: Path) -> dict[str, float]:
    """Fitted thresholds if `bot skills fit` has stored them, else the defaults."""
    thresholds = dict(DEFAULT_THRESHOLDS)
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        thresholds.update({k: float(v) for k, v in stored.get("thresholds", {}).items()})
    return thresholds


#: customer messages whose reading the detector keeps (a few hundred conversations' worth).
HEARD_KEPT = 4096


class SkillDetector:
    """Detects skills in trainee messages; build one per process with :func:`get_detector`."""

    def __init__(self, nlp: Any, encoder: Any, examples: Sequence[Example], thresholds: dict[str, float],
                 reflection_form: ReflectionForm | None = None, learned: LearnedDecisions | None = None) -> None:
        self.nlp = nlp
        self.learned = learned
        self.encoder = encoder
        self.thresholds = thresholds
        self.reflection_form = reflection_form
        self._cache: dict[tuple[str, ...], np.ndarray] = {}
        #: what each customer message gives a restatement (read once per process, not again every turn).
        self._heard: OrderedDict[str, Heard] = OrderedDict()
        kept = [e for e in examples if e.label in MEANING_LABELS or e.label == "none"]
        self.example_labels = np.array([e.label for e in kept])
        self.example_vectors = self._encode([e.text for e in kept]) if kept else np.zeros((0, 384))

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self.encoder.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False))

    def detect(self, text: str, context: Context = None, felt: Sequence[str] = ()) -> list[Detection]:
        """The skills in one message; context is what the customer said before it: their last message, or
        every message so far in order (a restatement may say back any of it), or None. `felt`: feelings
        the customer has without having named them yet (a scenario's "frustrated", "rushed"): naming one
        back restates their feeling, once they have said something."""
        return self.detect_many([(text, context)], felt)[0]

    def detect_many(self, items: Sequence[tuple[str, Context]], felt: Sequence[str] = ()) -> list[list[Detection]]:
        """The skills in many messages at once (batched parsing and encoding); `felt` as for :meth:`detect`."""
        found, readings, messages = self.read_many(items, felt)
        probabilities = self.learned.probabilities(readings) if self.learned else [{} for _ in found]
        return [decide(f, p, self.learned, m) for f, p, m in zip(found, probabilities, messages, strict=True)]

    def read_many(self, items: Sequence[tuple[str, Context]], felt: Sequence[str] = ()) -> tuple[
            list[list[Detection]], list[Reading], list[Message]]:
        """One pass over many messages: the rules' detections, the readings the learned decisions take, and each
        message as read (for placing a learned detection on its evidence)."""
        felt_families = frozenset(f for f in (known_family(feeling) for feeling in felt) if f)
        texts = [t or "" for t, _ in items]
        histories = [messages_of(c) for _, c in items]
        analyses = understand_many(texts)
        heard = self._hear({m for history in histories for m in history})
        sentences = [list(analysis.sentences) for analysis in analyses]
        flat = [said_text(s.span) for sents in sentences for s in sents]
        vectors = self._encode(flat)
        shapes = self.reflection_form.probability(vectors) if self.reflection_form else np.zeros(len(flat))
        found: list[list[Detection]] = []
        readings: list[Reading] = []
        messages: list[Message] = []
        at = 0
        for sents, history, original in zip(sentences, histories, texts, strict=True):
            said = Heard.of([heard[m] for m in history])
            if said.informative:
                said = replace(said, felt=felt_families)
            own = vectors[at : at + len(sents)]
            sims = tuple(self._similarities(v) for v in own)
            detections: list[Detection] = []
            for index, sent in enumerate(sents):
                detections.extend(self._sentence(sent, own[index], float(shapes[at + index]), index, said, original, sims[index]))
            at += len(sents)
            merged = _merge(detections)
            found.append(merged)
            closeness = tuple(float((v @ said.vectors.T).max()) if len(said.vectors) else 0.0 for v in own)
            readings.append(read(sents, own, [float(x) for x in shapes[at - len(sents) : at]], sims,
                                 {d.label: d.confidence for d in merged}, said, closeness))
            messages.append(Message(original, tuple(sents), sims, said.lemmas, closeness, bool(said.messages)))
        return found, readings, messages

    def _hear(self, messages: set[str]) -> dict[str, Heard]:
        """What each customer message gives a restatement to be checked against: each read once per process (a
        conversation's earlier messages come back every turn), the most recent HEARD_KEPT kept."""
        unique = sorted(m for m in messages if m not in self._heard)
        analyses = understand_many(unique)  # read once: content words, feelings and the words said from the trainee's side
        vectors = self._encode([swap_person(a) for a in analyses])
        for i, (message, a) in enumerate(zip(unique, analyses, strict=True)):
            self._heard[message] = Heard(1, frozenset(content_lemmas(a.doc)), families_of(a), vectors[i : i + 1])
        for message in messages:
            self._heard.move_to_end(message)
        while len(self._heard) > HEARD_KEPT:
            self._heard.popitem(last=False)
        return {message: self._heard[message] for message in messages}

    def judge_promises(self, detections: Sequence[Detection], realistic: Sequence[str], overpromises: Sequence[str]) -> list[Detection]:
        """Judge promises against what this scenario declares: an expectation that all but repeats one of its
        over-promises is one; an over-promise the learned decision found (no absolute word the rules saw) that all
        but repeats one of its realistic expectations is a realistic expectation after all.

        Similarity follows wording more than times ("ready in five minutes" is close to "ready
        instantly"), so only near-paraphrases flip: a wrong penalty costs more trust than a miss.
        """
        judged = ("set_expectation", "overpromise")
        if not (overpromises or realistic) or not any(d.label in judged for d in detections):
            return list(detections)
        real = self._cached(tuple(realistic))
        over = self._cached(tuple(overpromises))
        out = []
        for detection in detections:
            if detection.label in judged:
                vector = self._encode([detection.span])[0]
                best_over = float((over @ vector).max()) if len(over) else 0.0
                best_real = float((real @ vector).max()) if len(real) else 0.0
                flip = self.thresholds["scenario_overpromise"]
                if detection.label == "set_expectation" and best_over >= flip and best_over - best_real >= 0.25:
                    detection = replace(detection, label="overpromise", confidence=round(best_over, 3))
                elif detection.label == "overpromise" and detection.source == "learned" and best_real >= flip and best_real - best_over >= 0.25:
                    detection = replace(detection, label="set_expectation", confidence=round(best_real, 3))
            out.append(detection)
        return _merge(out)

    def _cached(self, texts: tuple[str, ...]) -> np.ndarray:
        if texts not in self._cache:
            self._cache[texts] = self._encode(list(texts))
        return self._cache[texts]

    def _similarities(self, vector: np.ndarray) -> dict[str, float]:
        if not len(self.example_vectors):
            return {}
        sims = self.example_vectors @ vector
        best: dict[str, float] = {}
        for label, sim in zip(self.example_labels, sims, strict=False):
            if sim > best.get(label, -1.0):
                best[str(label)] = float(sim)
        return best

    def _sentence(self, sentence: Sentence, vector: np.ndarray, shape: float, index: int, said: Heard, original: str,
                  sims: dict[str, float]) -> list[Detection]:
        sent = sentence.span
        text = said_text(sent)
        lower = text.lower()
        form = sentence.question
        labels: dict[str, float] = {label: 0.9 for label in form.labels}
        none_sim = sims.get("none", 0.0)
        for label in MEANING_LABELS:
            sim = sims.get(label, 0.0)
            if sim >= self.thresholds[label] and sim >= none_sim:
                labels[label] = round(sim, 3)

        if form.choosing:
            labels["seek_agreement"] = max(labels.get("seek_agreement", 0), 0.75)  # picking an option agrees on a course
        # Grammar and wording that the examples alone can miss or over-match.
        greets = _GREETING.search(text) or _ACK_WAIT.search(text)
        if index == 0 and greets:
            labels["greet_acknowledge"] = max(labels.get("greet_acknowledge", 0), 0.9)
        elif not greets and re.search(r"\banything else\b", lower):
            labels.pop("greet_acknowledge", None)  # "Anything else I can do for you?" bridges at the end; it greets no one
        if _THANKS.search(text) and not re.search(r"\b(thanks? to|no thanks|appreciate it if)\b", lower):
            labels["thank"] = max(labels.get("thank", 0), 0.9)
        elif "thank" in labels and not _THANKS.search(text):
            labels.pop("thank")
        _helping(labels, sentence, text)
        _dismissive_and_closing(labels, sentence, text, bool(greets), sims)
        if said.messages:
            self._restating(labels, sentence, vector, shape, said)
        evidence, start, end = span_of(original, sentence)
        return [Detection(label, evidence, start, end, conf, source_of(label, conf, sims), details_of(label, sentence, said.lemmas))
                for label, conf in labels.items()]

    def _restating(self, labels: dict[str, float], sentence: Sentence, vector: np.ndarray, shape: float, said: Heard) -> None:
        """Restating the customer's feeling or facts, judged against what they said."""
        sent, form, text = sentence.span, sentence.question, said_text(sentence.span)
        about = about_the_customer(sent, form)
        if about and not _offers(sentence, text):
            labels.pop("offer_options", None)  # "So you paid on the 3rd…" reads like an offer only to the similarity
        feeling = restates_feeling(sentence, said, about)
        if feeling:
            labels["restate_feeling"] = feeling
            if labels.get("dismissive", 0) < 0.85:
                # Not by resemblance alone: "You must be in a real rush on your lunch break" is near
                # "It's your fault for ordering at lunchtime" only in its topic.
                labels.pop("dismissive", None)
        fact = restates_fact(sent, vector, shape, said, form, labels, about, self.thresholds)
        if fact and not feeling:
            labels["restate_fact"] = fact
        elif feeling and (beside := facts_beside_feeling(sentence, said)):
            labels["restate_fact"] = beside


def _helping(labels: dict[str, float], sentence: Sentence, text: str) -> None:
    """Follow-up, offers, expectations and over-promises: grammar and wording the examples alone can miss or over-match."""
    sent, form, lower = sentence.span, sentence.question, text.lower()
    has_time = sentence.says_when  # "soon" or "in a bit" says no when: no concrete expectation rests on it
    future = _future(sentence) or bool(_AHEAD.search(text))
    # what will happen, beyond finding out: "I'll see if a table is free" commits to checking only (skills.md)
    outcome = any(c.tense == "future" and not c.checks for c in sentence.clauses) or bool(_AHEAD.search(text))
    declarative = not form.is_question
    promised = any(c.person == "speaker" and c.tense == "future" and not c.negated for c in sentence.clauses)
    contact = bool(_CONTACT.search(text)) and (promised or "let me" in lower)
    if contact and declarative:
        labels["follow_up"] = max(labels.get("follow_up", 0), 0.85)
    elif "follow_up" in labels and not _CONTACT.search(text):
        labels.pop("follow_up")
    decided = declarative and not contact and _decided_plan(sentence, text)
    if declarative and _offers(sentence, text) and _ACTION.search(text) and not contact and not decided:
        labels["offer_options"] = max(labels.get("offer_options", 0), 0.8)
    elif "offer_options" in labels and (decided or (contact and not _CHOICE_WORDS & {t.lower_ for t in sent}) or (
            not declarative and not re.search(r"\bwould you like (me|us) to\b|\bor\b", lower))):
        labels.pop("offer_options")  # skills.md: a single plan already decided on sets an expectation; it offers no option
    narrated = _narrates(sentence, text)
    if declarative and ((has_time and future) or (decided and _ACTION.search(text))) and not narrated:
        labels["set_expectation"] = max(labels.get("set_expectation", 0), 0.8)
    elif "set_expectation" in labels and (form.is_question or not (has_time or outcome or decided) or narrated):
        # "When will it arrive?" asks for an expectation and "They sent it on Monday" tells what happened: neither sets one
        labels.pop("set_expectation")
    # "It never turned up" tells what happened; "It will never happen again" promises.
    told_past = any(t.lower_ in {"never", "always"} and t.head.tag_ in {"VBD", "VBN"} for t in sent) and not future
    absolute = bool(_ABSOLUTE.search(without_declined_promises(sent)))  # "I can't guarantee it" promises nothing
    if absolute and declarative and not told_past and (
        future or "overpromise" in labels or any(c.negated and c.tense == "future" for c in sentence.clauses) or "never" in lower.split()
    ):
        labels["overpromise"] = max(labels.get("overpromise", 0), 0.8)
    elif "overpromise" in labels and (told_past or not absolute):
        labels.pop("overpromise")
    if "overpromise" in labels or ("follow_up" in labels and not has_time):
        labels.pop("set_expectation", None)  # skills.md: a follow-up with a time also sets an expectation


def _dismissive_and_closing(labels: dict[str, float], sentence: Sentence, text: str, greets: bool, sims: dict[str, float]) -> None:
    """Dismissive lines, and the closing questions (agreement, satisfaction, bridge) a sentence can ask."""
    sent, form, lower = sentence.span, sentence.question, text.lower()
    if _DISMISSIVE.search(text) or _blames(sent):
        labels["dismissive"] = max(labels.get("dismissive", 0), 0.85)
    elif "dismissive" in labels and (_COURTEOUS.search(text) or _REFLECTIVE_FRAME.search(text) or _SUMMING_UP.match(text)):
        # by meaning alone, "I'm hearing you've been passed between departments" is not, nor "I see, so it was a
        # present and you don't have the receipt"
        labels.pop("dismissive")
    if form.is_question and labels.get("dismissive", 0) < 0.85:  # blaming questions must be unmistakable
        labels.pop("dismissive", None)
    if "dismissive" in labels and not greets:
        labels.pop("greet_acknowledge", None)  # "You'll have to wait like everyone else" mentions the wait; it acknowledges nothing
    if not form.is_question:
        for label in CLOSING_QUESTIONS:
            if label != "bridge" or not re.search(r"\banything else\b", lower):
                labels.pop(label, None)
    if "bridge" in labels and not _FURTHER.search(lower):
        labels.pop("bridge")  # "How can I help today?" opens; a bridge offers help with something else
    if form.high_gain and _HYPOTHETICAL.search(lower):
        # "What would a good outcome look like?" asks them to imagine: it checks no outcome and asks no agreement.
        labels.pop("check_satisfaction", None)
        labels.pop("seek_agreement", None)
    closing = [label for label in CLOSING_QUESTIONS if label in labels]
    if len(closing) > 1:
        keep = max(closing, key=lambda label: sims.get(label, 0.0))
        for label in closing:
            if label != keep:
                labels.pop(label)


def _future(sentence: Sentence) -> bool:
    """A clause about what will happen: "It will arrive", "I'll call", "we're going to send"."""
    return any(c.tense == "future" for c in sentence.clauses)


def _offers(sentence: Sentence, text: str) -> bool:
    """The speaker says what they can or will do for the customer (by the parse, not "I can't…"), or offers by wording."""
    return any(c.commits for c in sentence.clauses) or bool(_OFFER_WORDS.search(text))


#: what makes an offer more than one decided plan: a choice, an extra, a route the customer can take.
_CHOICE_WORDS = frozenset({"or", "either", "alternatively", "instead", "option", "options", "also", "otherwise"})


def _decided_plan(sentence: Sentence, text: str) -> bool:
    """One plan the speaker has decided on ("I'll remove the late fee", "We're going to send a new one"): their
    future, with no choice, no optional extra, no condition the customer acts on and no 'I can' to take or leave."""
    own = [c for c in sentence.clauses if c.person == "speaker" and not c.negated and c.modal]
    if not own or any(c.modal not in {"will", "going to", "shall"} for c in own):
        return False
    words = {t.lower_ for t in sentence.span}
    routed = any(t.lower_ in {"if", "once", "when"} and t.dep_ == "mark" for t in sentence.span)
    return not (words & _CHOICE_WORDS) and not routed and not _OFFER_WORDS.search(text)


def _narrates(sentence: Sentence, text: str) -> bool:
    """Tells what happened to the customer ("They promised it by Friday and it came on Monday"): a past-tense
    verb, no word that looks ahead but "by" or "next" (which can point back too), and not the trainee's own
    doing ("I booked the engineer for Thursday" sets an expectation)."""
    ahead = _future(sentence) or bool({m.group(0).lower() for m in _AHEAD.finditer(text)} - {"by", "next"})
    own = any(t.dep_ in {"nsubj", "nsubjpass"} and t.lower_ in {"i", "we"} for t in sentence.span)
    return not ahead and not own and any(t.tag_ == "VBD" for t in sentence.span)


def _blames(sent: Any) -> bool:
    """Blaming the customer for what they did: "you should have checked it", "you ought to have read the terms"."""
    return any(
        token.lower_ == "you" and token.dep_ == "nsubj" and token.head.tag_ == "VBN"
        and {"should", "ought", "must"} & {c.lower_ for c in token.head.children if c.dep_ == "aux"}
        and any(c.lower_ in {"have", "'ve"} for c in token.head.children if c.dep_ == "aux")
        for token in sent
    )


def _merge(found: Iterable[Detection]) -> list[Detection]:
    """One detection per label per message: the most confident one. Of equals, a question's last (the customer
    answers a turn's last question); anything else's first (the main offer, before "I'll also put a note on it")."""
    best: dict[str, Detection] = {}
    order: list[str] = []
    for detection in found:
        if detection.label not in best:
            order.append(detection.label)
            best[detection.label] = detection
        elif detection.confidence > best[detection.label].confidence or (
                detection.confidence == best[detection.label].confidence and detection.label in QUESTION_LABELS):
            best[detection.label] = detection
    return [best[label] for label in order]


_detector: SkillDetector | None = None


def get_detector() -> SkillDetector:
    """The process-wide detector, built on first use."""
    global _detector
    if _detector is None:
        from bot.settings import get_settings
        from bot.skills.models import encoder, nlp

        settings = get_settings()
        stored = settings.models_dir / "skills" / "thresholds.json"
        _detector = SkillDetector(
            nlp(), encoder(), load_examples(settings.skills_dir), load_thresholds(stored), load_reflection_form(stored),
            load_learned(settings.models_dir / "skills" / "learned.json"),
        )
    return _detector
