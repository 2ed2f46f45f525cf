"""A scenario's declared expectations, read against a trainee's promise: whether an expectation promises as soon as
one of the declared over-promises (the same wait or a shorter one, or, where neither is a wait in minutes, the same
time in other words: "within the hour" against "the hour"), and which absolute words ("straight away", "never") a
line uses and in which part of it, to tell a speed the scenario declares realistic from one it does not."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.language import understand
from bot.language.patterns import wording
from bot.skills.labels import Detection


@lru_cache(maxsize=256)
def _declared_time(text: str) -> tuple[float | None, frozenset[str]]:
    """The first concrete time of a declared over-promise: its wait in minutes, and its words."""
    for sentence in understand(text).sentences:
        for time in sentence.times:
            if not time.vague:
                return sentence.minutes_of(time), _time_words(time.text)
    return None, frozenset()


def _time_words(text: str) -> frozenset[str]:
    """The words that say when, without the ones they hang on ("within the hour" -> {"hour"})."""
    return frozenset(t.lemma_.lower() for s in understand(text).sentences for t in s.span if t.is_alpha and not t.is_stop)


def as_soon_as(detection: Detection, overpromise: str) -> bool:
    """True if the detection's time is no later than the over-promise's: the wait in minutes when both name one,
    else the same words of time."""
    details = detection.details
    if details is None or not details.time or not overpromise:
        return False
    minutes, words = _declared_time(overpromise)
    if minutes is not None and details.minutes is not None:
        return details.minutes <= minutes
    return bool(words) and _time_words(details.time) == words


def absolute_parts(text: str) -> list[tuple[str, str]]:
    """Each absolute word of a text ("straight away", "never", "I promise") with the part of its sentence it sits
    in, between commas and conjunctions: 'store credit u can use straight away' of '…3-5 working days, store credit
    u can use straight away'."""
    parts = []
    for sentence in understand(text).sentences:
        for found in wording(sentence.span).spans("absolute"):
            doc, start, end = found.doc, found.start, found.end
            while start > sentence.span.start and not _cuts(doc[start - 1]):
                start -= 1
            while end < sentence.span.end and not _cuts(doc[end]):
                end += 1
            parts.append((found.text.lower(), doc[start:end].text))
    return parts


def _cuts(token: Any) -> bool:
    """A comma, a dash or a conjunction: where one part of a sentence ends."""
    return bool(token.is_punct) or token.pos_ == "CCONJ"


@lru_cache(maxsize=256)
def absolute_words(text: str) -> frozenset[str]:
    """The absolute words a declared expectation uses ('you can use straight away' -> {'straight away'})."""
    return frozenset(word for word, _ in absolute_parts(text))
