"""Find the cycle's skills in what a trainee wrote, with the evidence span, a confidence, a source and details.

Three sources of evidence, combined per sentence:
- the language pipeline (bot.language, one spaCy parse per text): question form, clauses with their
  modality and negation, times and dates, feelings and whose they are;
- meaning (sentence-transformers): similarity to the examples under data/skills/;
- the context: restating is judged against what the customer actually said (bot.skills.restating).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.language import Sentence, swap_person, understand_many
from bot.skills.decisions import Message, decide, span_of
from bot.skills.details import MEANING_LABELS, QUESTION_LABELS, details_of, source_of
from bot.skills.labels import Details, Detection
from bot.skills.learned import LearnedDecisions, Reading, load_learned, read
from bot.skills.promises import absolute_parts, absolute_words, as_soon_as
from bot.skills.reflection_form import ReflectionForm
from bot.skills.restating import (
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
from bot.skills.wording import apply_wording, greets_warmly, offers

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
#: how close to a declared over-promise an expectation must be for a time as soon as its own to make it one (a
#: promise to get in touch is never one of the scenario's over-promises of what will be done: "ring you back within
#: the hour" is as close to "it will be with you within the hour" as "have a new one with you within the hour").
PROMISE_LIKE = 0.55
#: how close to a realistic expectation saying the same absolute word a part of a line must be to be that expectation.
REALISTIC_LIKE = 0.65


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
        return [_greeting_weighed(decide(f, p, self.learned, m), m.sentences)
                for f, p, m in zip(found, probabilities, messages, strict=True)]

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
        instantly"), so only near-paraphrases flip, or an expectation closer to an over-promise than to any
        realistic one that promises it as soon as that over-promise does ("I'll have a new one with you within the
        hour" where "it will be with you within the hour" is declared one): a wrong penalty costs more trust than a miss.
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
                closest = overpromises[int((over @ vector).argmax())] if len(over) else ""
                contact = any(d.label == "follow_up" and d.span == detection.span for d in detections)
                timed_like = (best_over >= PROMISE_LIKE and best_over - best_real >= 0.15 and not contact
                              and as_soon_as(detection, closest))
                if detection.label == "set_expectation" and ((best_over >= flip and best_over - best_real >= 0.25) or timed_like):
                    detection = replace(detection, label="overpromise", confidence=round(best_over, 3))
                elif detection.label == "overpromise" and ((detection.source == "learned" and best_real >= flip and best_real - best_over >= 0.25)
                                                         or (best_over < PROMISE_LIKE and self._declared_realistic(detection.span, realistic, real, over))):
                    detection = replace(detection, label="set_expectation", confidence=round(best_real, 3))
            out.append(detection)
        return _merge(out)

    def _declared_realistic(self, text: str, realistic: Sequence[str], real: np.ndarray, over: np.ndarray) -> bool:
        """Every absolute word the rules saw sits in a part of the line close to a realistic expectation of the
        scenario's that says it too ("store credit u can use straight away" where "store credit goes on a card you
        can use straight away" is declared realistic): the scenario says that speed is true, so it promises no more."""
        parts = absolute_parts(text)
        if not parts or not len(real):
            return False
        for word, part in parts:
            vector = self._encode([part])[0]
            sims = real @ vector
            closest = int(sims.argmax())
            beyond = float((over @ vector).max()) if len(over) else 0.0
            if not (sims[closest] >= REALISTIC_LIKE and sims[closest] - beyond >= 0.15 and word in absolute_words(realistic[closest])):
                return False
        return True

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
        apply_wording(labels, sentence, index, sims)
        if said.messages:
            self._restating(labels, sentence, vector, shape, said)
        evidence, start, end = span_of(original, sentence)
        return [Detection(label, evidence, start, end, conf, source_of(label, conf, sims), details_of(label, sentence, said.lemmas))
                for label, conf in labels.items()]

    def _restating(self, labels: dict[str, float], sentence: Sentence, vector: np.ndarray, shape: float, said: Heard) -> None:
        """Restating the customer's feeling or facts, judged against what they said."""
        sent, form = sentence.span, sentence.question
        about = about_the_customer(sent, form)
        if about and not offers(sentence):
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



def _greeting_weighed(found: list[Detection], sentences: Sequence[Sentence]) -> list[Detection]:
    """A greeting marked when it only says hello ("Hi. Name?"): it welcomes no one and acknowledges nothing, so the
    scorecard gives it the greeting's partial points (skills.md: a greeting that acknowledges)."""
    labels = {d.label for d in found}
    # saying back how they feel or what happened acknowledges them too ("Evening. Bit of a rotten end to a flight.")
    if "greet_acknowledge" not in labels or {"restate_feeling", "restate_fact"} & labels or greets_warmly(sentences):
        return found
    return [replace(d, details=Details(salutation_only=True)) if d.label == "greet_acknowledge" else d for d in found]


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
