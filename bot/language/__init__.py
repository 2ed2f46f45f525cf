"""One language pipeline for the detectors and the customer: text is tidied once, parsed once, read once.

    understand(text) -> Analysis
        sentences (split where a question starts after a comma: "…, does that work for you?")
        each with its question form and what it asks about, its clauses (subject, modality, negation),
        its times and amounts, its feelings and whose they are
    swap_person(text | analysis) -> the same words from the other side ("you" ⇄ "I")
    describe_offer(text | sentence) -> an offer's clause as the customer says it back, its options, time, refusal

The spaCy model loads once per process (bot.language.parse.nlp); the word lists and patterns it matches live in
data/language/ (feelings.yml, times.yml, durations.yml, promises.yml, and the wording rules of wording.yml and
offers.yml, read by bot.language.patterns). `Analysis.features()` gives the numbers a learned per-label
classifier can take beside sentence embeddings.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.language.durations import minutes_named
from bot.language.offers import alternatives, as_customer_clause, gist
from bot.language.parse import matchers, nlp
from bot.language.person import swap_doc
from bot.language.questions import AUX_START, WH_WORDS, QuestionForm, choosing_after_options, exclaims, question_form
from bot.language.reading import Clause, Feeling, Mention, clauses, feelings, mentions, pattern_mentions
from bot.language.text import first_upper, mid_sentence, sentence_case, tidy

__all__ = [
    "Analysis", "Clause", "Feeling", "Mention", "Offer", "QuestionForm", "Sentence", "alternatives", "as_customer_clause",
    "describe_offer", "feeling_families", "first_upper", "gist", "known_feeling", "mid_sentence", "names_time", "nlp",
    "sentence_case", "swap_person", "tidy", "understand", "understand_many",
]

_QUESTION_STARTS = AUX_START | WH_WORDS | {"shall", "ok", "okay", "alright", "right"}


@dataclass(frozen=True)
class Sentence:
    """One sentence (or a question set off after a comma), read once."""

    text: str
    start: int
    end: int
    question: QuestionForm
    clauses: tuple[Clause, ...]
    times: tuple[Mention, ...]
    amounts: tuple[Mention, ...]
    feelings: tuple[Feeling, ...]
    #: the spaCy span, for the detectors' own reading of the same parse (never parsed again).
    span: Any = field(compare=False, repr=False)
    #: the waits it names: (where the unit of time starts in the text, minutes), from bot.language.durations.
    waits: tuple[tuple[int, float], ...] = ()

    @property
    def has_time(self) -> bool:
        """Whether it names a time at all, however vaguely ("soon" included)."""
        return bool(self.times)

    @property
    def says_when(self) -> bool:
        """Whether it says when: a date, a time, a duration ("in 10 mins", "tomorrow", "3-5 business days"), not a
        time that says no when ("soon", "in a bit")."""
        return any(not t.vague for t in self.times)

    def minutes_of(self, time: Mention) -> float | None:
        """How long a wait the time names, in minutes ("within fifteen minutes": 15); None for a date or a clock time."""
        return next((minutes for at, minutes in self.waits if time.start <= at < time.end), None)

    @property
    def families(self) -> frozenset[str]:
        """The feeling families it names, not negated ("I'm not angry" names none)."""
        return frozenset(f.family for f in self.feelings if not f.negated)


@dataclass(frozen=True)
class Analysis:
    """Everything the pipeline reads in one text."""

    text: str
    sentences: tuple[Sentence, ...]
    doc: Any = field(compare=False, repr=False)

    @property
    def feelings(self) -> tuple[Feeling, ...]:
        """Every feeling in the text."""
        return tuple(f for s in self.sentences for f in s.feelings)

    @property
    def times(self) -> tuple[Mention, ...]:
        """Every time and date in the text."""
        return tuple(m for s in self.sentences for m in s.times)

    @property
    def clauses(self) -> tuple[Clause, ...]:
        """Every clause in the text."""
        return tuple(c for s in self.sentences for c in s.clauses)

    @property
    def families(self) -> frozenset[str]:
        """The feeling families named, not negated."""
        return frozenset(f.family for f in self.feelings if not f.negated)

    def features(self) -> dict[str, float]:
        """Numbers for a learned per-label decision: question form, modality by person, times, feelings by whose."""
        return features_of(self.sentences)


def features_of(sentences: Sequence[Sentence]) -> dict[str, float]:
    """The features of some sentences (one sentence, or a whole text)."""
    out: dict[str, float] = {"sentences": float(len(sentences))}
    for sentence in sentences:
        form = sentence.question.form
        if form:
            out[f"question:{form}"] = 1.0
            out["question:high_gain"] = max(out.get("question:high_gain", 0.0), float(sentence.question.high_gain))
        for clause in sentence.clauses:
            person = clause.person or "none"
            out[f"clause:{person}:{clause.modal or 'plain'}"] = 1.0
            out[f"clause:{person}:{clause.tense}"] = 1.0
            if clause.negated:
                out[f"negated:{person}"] = 1.0
            if clause.imperative:
                out["imperative"] = 1.0
        out["times"] = out.get("times", 0.0) + len(sentence.times)
        out["amounts"] = out.get("amounts", 0.0) + len(sentence.amounts)
        for feeling in sentence.feelings:
            out[f"feeling:{feeling.polarity}:{feeling.whose}{':negated' if feeling.negated else ''}"] = 1.0
    return out


def understand(text: str) -> Analysis:
    """Read one text: tidy, parse once, derive everything."""
    return understand_many([text])[0]


def understand_many(texts: Iterable[str], batch_size: int = 64) -> list[Analysis]:
    """Read many texts, parsed in batches."""
    originals = [t or "" for t in texts]
    docs = nlp().pipe([tidy(t) for t in originals], batch_size=batch_size)
    return [_analyse(original, doc) for original, doc in zip(originals, docs, strict=True)]


def _analyse(original: str, doc: Any) -> Analysis:
    found = mentions(doc)
    moods = feelings(doc)
    sentences = []
    for span in (c for s in doc.sents for c in _split_questions(s)):
        if not span.text.strip():
            continue
        inside = [m for m in found if span.start_char <= m.start < span.end_char]
        sentences.append(Sentence(
            text=original[span.start_char : span.end_char].strip(), start=span.start_char, end=span.end_char,
            question=question_form(list(span)), clauses=clauses(span),
            times=tuple(m for m in inside if m.kind == "time"), amounts=tuple(m for m in inside if m.kind == "amount"),
            feelings=tuple(f for f in moods if span.start_char <= f.start < span.end_char), waits=minutes_named(list(span)),
            span=span,
        ))
    return Analysis(original, tuple(_choosing(sentences)), doc)


def _choosing(sentences: list[Sentence]) -> list[Sentence]:
    """A question read beside the sentences around it: after options ("…a refund, or a voucher"), "What would suit
    you best?" asks to choose; an echo in disbelief before a reaction ("Thirty hours awake? That's brutal.") asks
    nothing."""
    out: list[Sentence] = []
    for index, sentence in enumerate(sentences):
        form = sentence.question
        if form.open and not form.factual and any(len(alternatives(s.text)) > 1 for s in out):
            form = choosing_after_options(form, list(sentence.span))
        if _echo_before_reaction(sentence, sentences[index + 1 : index + 2]):
            form = QuestionForm(is_question=False)
        out.append(sentence if form is sentence.question else dataclasses.replace(sentence, question=form))
    return out


def _echo_before_reaction(sentence: Sentence, after: Sequence[Sentence]) -> bool:
    """The customer's words said back as a question ("$340 on gems?", "Cracked out of the box?") and then a reaction
    that names a feeling or exclaims ("That must have stung.", "What a letdown."): disbelief, not a question."""
    form = sentence.question
    if not (form.is_question and not form.open and not form.either_or) or not after or after[0].question.is_question:
        return False
    words = [t for t in sentence.span if not t.is_punct]
    if not words or words[0].lower_ in AUX_START or any(t.dep_ in {"nsubj", "expl"} and t.i < t.head.i and t.head.pos_ == "AUX"
                                                        and t.head.i < t.i for t in words):
        return False  # "Did it arrive?", "Is it the blue one?" ask
    reaction = after[0]
    said = [t for t in reaction.span if not t.is_punct]
    # "That must have been maddening.", "That's brutal.": what was said back, judged
    judged = bool(said) and said[0].lower_ in {"that", "this", "it"} and any(
        t.dep_ == "acomp" or (t.dep_ == "ROOT" and t.tag_ in {"JJ", "VBG"}) for t in said)
    return bool(reaction.feelings) or judged or exclaims(list(reaction.span))


def _split_questions(sent: Any) -> list[Any]:
    """Split a sentence where a question starts after a comma or dash: '..., does that work for you'."""
    cuts = [sent.start]
    tokens = list(sent)
    for i in range(1, len(tokens) - 1):
        prev, token, nxt = tokens[i - 1], tokens[i], tokens[i + 1]
        if _breaks(prev) and token.lower_ in _QUESTION_STARTS and (
                nxt.pos_ in {"PRON", "DET", "NOUN", "PROPN"} or _wh_asks(token, nxt)):
            if token.lower_ in {"ok", "okay", "alright", "right"} and nxt.text != "?":
                continue
            cuts.append(token.i)
    cuts.append(sent.end)
    return [sent.doc[a:b] for a, b in itertools.pairwise(cuts) if b > a]


def _breaks(token: Any) -> bool:
    """A comma, a dash or an emoji between a statement and the question after it ("welcome to the chat 🐾 how can i help?")."""
    return token.text in {",", "-", ";", "–", "—"} or (not token.text.isascii() and not token.is_alpha)


def _wh_asks(token: Any, nxt: Any) -> bool:
    """'– how has it been', '– whats worrying u': a wh-word followed by its verb, not a relative 'which'."""
    relative = token.lower_ in {"which", "who", "whom", "whose", "where", "when"} and token.head.dep_ == "relcl"
    return token.lower_ in WH_WORDS and nxt.pos_ in {"AUX", "VERB"} and not relative


def swap_person(said: str | Analysis) -> str:
    """Say words from the other side, by the parse: 'Did you tell them what you wanted?' -> 'Did I tell them what
    I wanted?', "I'll call you" -> "you'll call me", 'who you spoke to' -> 'who I spoke to'."""
    analysis = said if isinstance(said, Analysis) else understand(said)
    return swap_doc(analysis.doc[:], analysis.text) if len(analysis.doc) else analysis.text


@lru_cache(maxsize=4096)
def feeling_families(text: str) -> frozenset[str]:
    """The feeling families a text names (not negated)."""
    return understand(text).families


@lru_cache(maxsize=256)
def known_feeling(word: str) -> str | None:
    """The family a scenario's feeling word belongs to ('frustrated', 'rushed'), or None if the lexicon lacks it."""
    families = understand(word).families
    return min(families) if families else None


def names_time(text: str) -> bool:
    """Whether a short text (an option said back) names a time, by the patterns alone (no parse needed)."""
    return any(m.kind == "time" for m in _pattern_only(text))


def _pattern_only(text: str) -> list[Mention]:
    matchers()  # the patterns are built on the model's vocabulary
    doc = nlp().make_doc(tidy(text))
    found = pattern_mentions(doc)
    amounts = [m for m in found if m.kind == "amount"]
    return [m for m in found if m.kind == "amount" or not any(a.start < m.end and m.start < a.end for a in amounts)]


@dataclass(frozen=True)
class Offer:
    """An offer as the customer hears it: the clause they would say back, its options, whether it names a time,
    and whether it only says what cannot be done ("I can't refund food once served")."""

    clause: str
    #: the options as offered, and each as the customer says it back (without its condition).
    options: tuple[str, ...]
    gists: tuple[str, ...]
    timed: tuple[bool, ...]
    refused: bool
    #: the speaker says what they can or will do ("I'll remove the fee"), not only what will happen ("It will arrive").
    planned: bool = False


def describe_offer(offer: str | Sentence | Analysis) -> Offer:
    """Read an offer once: 'I can't refund the wrap, but I can pack it to take away' -> clause 'pack it to take away
    for me', not refused."""
    if isinstance(offer, str):
        offer = understand(offer)
    found = offer.clauses
    text = offer.text
    planned = any(c.commits for c in found)
    refused = not planned and any(c.refuses for c in found)
    clause = as_customer_clause(text)
    options = tuple(alternatives(clause)) if clause else ()
    gists = tuple(gist(o) for o in options)
    return Offer(clause, options, gists, tuple(names_time(g) for g in gists), refused, planned)
