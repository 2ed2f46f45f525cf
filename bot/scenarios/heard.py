"""What the customer says back of what they heard: an offer, a time, a follow-up or a promise, in a few words of their
own from the detection's details (bot.language.saying), never the trainee's sentence repeated."""

from __future__ import annotations

from bot.language.saying import read_back
from bot.language.text import echoes, key_words
from bot.skills.labels import Detection

#: the most of the trainee's own words said back when the parse gave nothing shorter.
FALLBACK_WORDS = 4


def offer_said(detection: Detection, option: str) -> str:
    """The option the customer took, in their words: the committed verb phrase closest to it ('remake my coffee');
    '' when the offer has no verb of the speaker's to say back ("card refund takes 3-5 days")."""
    said, _ = _heard(detection)
    if said:
        wanted = key_words(option)
        return max(said, key=lambda phrase: (len(wanted & key_words(phrase)), -said.index(phrase)))
    return option if len(option.split()) <= FALLBACK_WORDS else ""


def expectation_said(detection: Detection) -> str:
    """When it will happen ('within fifteen minutes'), or, for a plan without a time, what will be done ('' when the
    sentence says neither in words the customer can hold on to)."""
    said, when = _heard(detection)
    return when or (said[0] if said else "")


def follow_up_said(detection: Detection) -> str:
    """The follow-up promised, with its time: 'ring me on Friday'."""
    said, when = _heard(detection)
    if not said:
        return when or _first_words(detection.span)
    if not when or when in said[0]:
        return said[0]
    both = f"{said[0]} {when}"  # "ring me tomorrow"; "ring me at the hotel tomorrow morning" is the trainee's line
    return when if echoes(detection.span, both) else both


def promise_said(detection: Detection) -> str:
    """The heart of an over-promise, as the customer quotes it back: its time ('within the hour'), what it commits
    to, or its last few words ('never happen again')."""
    said, when = _heard(detection)
    return when or (said[0] if said else " ".join(detection.span.strip().rstrip(".!").split()[-FALLBACK_WORDS:]))


def _heard(detection: Detection) -> tuple[tuple[str, ...], str]:
    """The detection's said-back phrases and time, from its details or, when it carries none, read from its span."""
    details = detection.details
    if details is not None:
        return details.said_back, details.time
    return read_back(detection.span)


def _first_words(text: str) -> str:
    return " ".join(text.strip().rstrip(".!?").split()[:FALLBACK_WORDS])
