"""Restating: whether a trainee's sentence says back what the customer said or showed (their facts, their feelings).

Judged against the customer's words read once by the language pipeline (bot.language): their content words, the
feelings they named or showed, and one meaning vector per message said from the trainee's side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.language import Analysis, Sentence, known_feeling
from bot.language.parse import feeling_words, lexicon
from bot.language.patterns import wording
from bot.language.questions import AUX_START, LEADING_FILLERS

#: feelings a restatement can name to a complaint that names none.
COMPLAINT_FEELINGS = lexicon().fits_complaint
POSITIVE = frozenset(f for f, polarity in lexicon().polarity.items() if polarity == "positive")


def known_family(feeling: str) -> str | None:
    """The lexicon family of a scenario's feeling word."""
    return known_feeling(feeling)


def families_of(analysis: Analysis) -> frozenset[str]:
    """The feelings a customer message names or shows, whoever they are said of ("you ignored me", "it's a joke")."""
    return analysis.families

#: words a sentence needs before its shape alone counts where the customer's words are thin ("Mmh." does not).
THIN_CONTEXT_WORDS = 3
#: words a part of a sentence beside a reflected feeling needs to count as facts said back.
FACT_PART_WORDS = 4
_ADVICE = frozenset({"should", "must", "need", "have", "ought", "can", "could", "might", "may", "'ll", "will"})
_NOT_RESTATING = ("offer_options", "set_expectation", "overpromise", "follow_up", "thank", "greet_acknowledge",
                  "seek_agreement", "check_satisfaction", "bridge", "dismissive")
_GENERIC_LEMMAS = frozenset({"be", "have", "do", "get", "go", "make", "say", "tell", "know", "think", "thing", "way", "just", "really", "also", "like", "want", "need", "see", "look", "okay", "ok", "yes", "no", "sorry", "thank", "thanks", "please", "right", "well", "lot", "bit"})

#: content words the customer's words need before a restatement can be checked against them.
INFORMATIVE_LEMMAS = 2


def informative(lemmas: Iterable[str]) -> bool:
    """Whether content words carry something to check a restatement against: numbers alone do not ("Maybe a 7.")."""
    return sum(not lemma.isdigit() for lemma in lemmas) >= INFORMATIVE_LEMMAS


#: what the customer said before a message: their last message, every message so far in order, or None.
Context = str | Sequence[str] | None


@dataclass(frozen=True)
class Heard:
    """What the customer has said, as a restatement is checked against it: content words, feelings and
    one meaning vector per message (said from the trainee's side: "my order" -> "your order")."""

    messages: int
    lemmas: frozenset[str]
    feelings: frozenset[str]
    vectors: np.ndarray
    #: feelings the customer has not put into words but is known to have (the scenario's), once they have spoken.
    felt: frozenset[str] = frozenset()

    @property
    def informative(self) -> bool:
        """Whether it carries content to check a restatement against ("Mm." does not)."""
        return informative(self.lemmas)

    @classmethod
    def of(cls, parts: Sequence[Heard]) -> Heard:
        """Several messages heard together; only those with content lend their meaning ("I am." means nothing to restate)."""
        meaningful = [p.vectors for p in parts if p.informative]
        vectors = np.vstack(meaningful) if meaningful else np.zeros((0, 384), dtype=np.float32)
        return cls(sum(p.messages for p in parts), frozenset().union(*(p.lemmas for p in parts)),
                   frozenset().union(*(p.feelings for p in parts)), vectors)


def messages_of(context: Context) -> list[str]:
    """The customer's messages in a context, blank ones left out."""
    parts = [context] if isinstance(context, str) else list(context or [])
    return [m for m in (str(p).strip() for p in parts) if m]


def restates_feeling(sentence: Sentence, said: Heard, about: bool) -> float | None:
    """A feeling the customer said or showed, reflected back to them (not asked about, not the trainee's own).

    The feeling is theirs by the parse ("you're livid", "u must be so fed up", "I'd be furious too") or the
    situation's ("That must be frustrating", "What an awful shock"). It must fit what they said: the same
    family as a feeling they named or the scenario gives them, or, to a complaint that names none, a feeling
    any complaint can carry (data/language/feelings.yml: `fits_complaint`)."""
    form = sentence.question
    if form.is_question and form.open:
        return None
    theirs = [f for f in sentence.feelings if not f.negated and (f.whose == "listener" or (
        f.whose == "situation" and (about or wording(sentence.span).has("customer_ref") or _exclaims(sentence))))]
    named = {f.family for f in theirs}
    if not named:
        return None
    upset = said.feelings - POSITIVE  # "I was so excited and now it's ruined" names no upset of its own
    if named & said.feelings:
        return 0.9
    if _kin(named) & _kin(upset):
        return 0.85  # "I'd be gutted too" to "I'm so annoyed": another word for the same upset
    if named & said.felt:
        return 0.8  # shown, not said: "I've rung three times this week" from a customer who is frustrated
    if not said.feelings and not said.informative:
        return 0.6  # nothing to check against ("Mm."): the form alone, with less confidence
    if said.informative and not upset and named & COMPLAINT_FEELINGS:
        return 0.75  # "I'd be furious too" to "I took a day off and nobody came": shown, not named
    return None


def _kin(families: set[str] | frozenset[str]) -> set[str]:
    """The kinships of feeling families (data/language/feelings.yml: `kin`), so near words fit each other."""
    return {kin for family in families for kin in lexicon().kin.get(family, ())}

def _exclaims(sentence: Sentence) -> bool:
    """An exclamation about what happened to them: "What a nightmare!", "Oh no, how awful", "Such a shock"."""
    words = [t.lower_ for t in sentence.span if t.is_alpha and t.lower_ not in {"oh", "no", "god", "gosh", "dear", "wow"}]
    return not sentence.question.is_question and bool(words) and words[0] in {"what", "how", "such", "so"}


def restates_fact(sent: Any, vector: np.ndarray, shape: float, said: Heard, form: Any, labels: dict[str, float],
                  about: bool, thresholds: dict[str, float]) -> float | None:
    """The customer's situation said back to them.

    `about`: framed as a statement about them ("So you…", "It sounds like…"); `shape`: the learnt
    probability that the sentence is restatement-shaped at all. Where the customer's words carry
    content, the sentence must share it (words, or the meaning of one of their messages); where they
    are thin ("Mm."), the shape decides alone, at a stricter cut-off.
    """
    if any(label in labels for label in _NOT_RESTATING) or not (about or plain_statement(sent, form)):
        return None
    mine = content_lemmas(sent)
    shared = mine & said.lemmas
    similarity = float((said.vectors @ vector).max()) if len(said.vectors) else 0.0
    if not said.informative:
        words = sum(t.is_alpha for t in sent)
        if words >= THIN_CONTEXT_WORDS and (mine or about) and (
            (about and shape >= thresholds["restate_shape"]) or shape >= thresholds["restate_shape_thin_context"]
        ):
            return round(max(0.55, min(0.9, shape)), 3)
        return None
    meaning = similarity >= thresholds["restate_similarity"]
    # Framed ("So you…"): one shared fact will do. Only shaped: it must share more ("The system is slow
    # this evening" shares "evening" with a complaint about evenings, and restates nothing).
    if (about and (shared or meaning)) or (shape >= thresholds["restate_shape"] and (len(shared) >= 2 or meaning)):
        return round(min(0.95, max(similarity, 0.6 + 0.1 * len(shared))), 3)
    return None


def facts_beside_feeling(sentence: Sentence, said: Heard) -> float | None:
    """Facts said back in a part of their own beside a reflected feeling: "Of course you're worried, your suit
    and the rings are in that bag." The cause named inside the feeling's own words ("annoyed after all that
    time on hold") is part of that reflection, not a separate restatement of facts."""
    parts: list[list[Any]] = [[]]
    starts = {f.start for f in sentence.feelings}
    for token in sentence.span:
        if token.text in {",", ";", ":", "-", "—", "–"}:
            parts.append([])
        else:
            parts[-1].append(token)
    rest = [t for part in parts if not any(t.idx in starts for t in part) for t in part]
    if sum(t.is_alpha for t in rest) < FACT_PART_WORDS:
        return None
    shared = content_lemmas(rest) & said.lemmas
    return round(min(0.9, 0.6 + 0.1 * len(shared)), 3) if len(shared) >= 2 else None


def said_text(span: Any) -> str:
    """A span's tidied text with the blanks left by :func:`tidy` closed up."""
    return " ".join(span.text.split())


def about_the_customer(sent: Any, form: Any) -> bool:
    """A statement about the customer ('So you ordered...', 'It sounds like you're...'), not advice or a question."""
    if form.is_question and (form.open or not said_text(sent).rstrip().endswith("?")):
        return False
    if not reflective_frame(sent):
        return False  # "Did you pay by card?" asks; "So you paid by card?" checks back
    return not advises(sent)


def reflective_frame(sent: Any) -> bool:
    """Whether a sentence opens as a statement about the customer: "It sounds like…", "So you…", "You mentioned…"
    (data/language/wording.yml: `reflective_frame`), not the filler "You know, …"."""
    return wording(sent).has("reflective_frame")


def plain_statement(sent: Any, form: Any) -> bool:
    """A statement that could be the customer's words said back: not an open question, not the trainee's
    own view, plan or advice ("I think…", "we'll…", "you should…"), not an instruction."""
    if form.is_question and (form.open or not said_text(sent).endswith("?")):
        return False
    tokens = [t for t in sent if not t.is_space and not t.is_punct and t.lower_ not in LEADING_FILLERS]
    if form.is_question and tokens and tokens[0].lower_ in AUX_START:
        return False  # "Does she know you're here?" asks; "So she knows you're here?" checks back
    if not tokens or (tokens[0].pos_ == "VERB" and tokens[0].tag_ == "VB"):
        return False  # "Try switching it off and on."
    own = any(t.dep_ in {"nsubj", "nsubjpass"} and t.lower_ in {"i", "we"} and t.head.dep_ == "ROOT" for t in tokens)
    return not own and not advises(sent)


def advises(sent: Any) -> bool:
    """Advice rather than a restatement: "you should try...", "you can take it twice a day".

    Not "you can't sleep", "you couldn't get through" (what the customer cannot do) nor "you should
    have been told" (what should have happened): those say the customer's situation back.
    """
    for token in sent:
        if token.lower_ != "you" or token.dep_ not in {"nsubj", "nsubjpass"}:
            continue
        children = list(token.head.children)
        modals = {c.lower_ for c in children if c.lower_ in _ADVICE and c.dep_ == "aux"}
        unable = modals <= {"can", "ca", "could"} and any(c.dep_ == "neg" for c in children)
        # "you could have been hurt", "you should have been told": what might or should have happened to them.
        perfect = any(c.lower_ in {"have", "'ve"} and c.dep_ == "aux" for c in children) and token.head.tag_ == "VBN" and (
            token.dep_ == "nsubjpass" or modals <= {"could", "might", "may", "would", "have"})
        if modals and not unable and not perfect:
            return True
    return False


_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
_TENS = ("thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS = {word: str(n) for n, word in enumerate(_UNITS)} | {word: str(10 * n) for n, word in enumerate(_TENS, 3)}


def _lemma(token: Any) -> str:
    """A token's lemma, with a number said in words read as digits ("sixty" and "60" are one fact)."""
    lemma = str(token.lemma_).lower()
    return _NUMBER_WORDS.get(lemma, lemma) if token.pos_ == "NUM" else lemma


def content_lemmas(doc: Any) -> set[str]:
    return {
        _lemma(t)
        for t in doc
        if _lemma(t).isdigit() or (
            t.pos_ in {"NOUN", "PROPN", "VERB", "NUM", "ADJ"} and not t.is_stop and len(t.lemma_) > 2 and t.lemma_.lower() not in _GENERIC_LEMMAS
            and t.lemma_.lower() not in feeling_words() and t.lower_ not in feeling_words()
        )
    }
