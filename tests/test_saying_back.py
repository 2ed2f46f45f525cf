"""The customer's own words for what the trainee offered, promised or timed (bot.language.saying), read from the parse."""

from __future__ import annotations

import pytest

from bot.language import understand
from bot.language.reading import declined_promises
from bot.language.saying import said_back, time_said


def _said(text: str) -> tuple[str, ...]:
    return tuple(phrase for s in understand(text).sentences for phrase in said_back(s.span))


def _times(text: str) -> list[str]:
    return [time_said(s.span, m.start, m.end) for s in understand(text).sentences for m in s.times]


@pytest.mark.parametrize(("text", "phrases"), [
    ("I can remake your coffee now, or pack the wrap to take away.", ("remake my coffee", "pack the wrap to take away")),
    ("What I'll do is refund the duplicate charge from this desk today.", ("refund the duplicate charge",)),
    ("I'll sit you at the bar with drinks on the house.", ("sit me at the bar",)),
    ("Right, here's what I can do: I'll make you a proper flat white now and bring the wrap out to you.",
     ("make me a proper flat white", "bring the wrap out")),
    ("Ma'am, I can do two things: send a replacement by express courier so it reaches you by Friday.", ("send a replacement",)),
    ("I'd be happy to send a replacement by express courier.", ("send a replacement",)),
])
def test_what_the_speaker_commits_to_is_said_back_in_a_few_words_from_the_other_side(text: str, phrases: tuple[str, ...]) -> None:
    assert _said(text) == phrases


@pytest.mark.parametrize("text", [
    "The extra data will be live within fifteen minutes.",  # what will happen, not what the speaker does
    "Until then you can sit at the bar.",  # the customer's doing
    "I'll check.",  # a bare verb gives the customer nothing to hold on to
])
def test_nothing_is_said_back_where_the_speaker_commits_to_nothing_nameable(text: str) -> None:
    assert _said(text) == ()


@pytest.mark.parametrize(("text", "time"), [
    ("Refunds usually take 3 to 5 working days to reach your account.", "3 to 5 working days"),
    ("The extra data will be live within fifteen minutes.", "within fifteen minutes"),
    ("It'll be two or three minutes.", "two or three minutes"),
])
def test_a_time_is_said_back_whole(text: str, time: str) -> None:
    assert _times(text)[0] == time


@pytest.mark.parametrize(("text", "promises"), [
    ("I can't guarantee it's on that flight, but that's what usually happens.", False),
    ("I don't want to promise something I can't deliver, but it should be there by Friday.", False),
    ("I'd rather be honest than promise something I can't control.", False),
    ("I promise it will never happen again.", True),
    ("I guarantee it'll be with you tomorrow.", True),
])
def test_a_promise_declined_is_no_promise(text: str, promises: bool) -> None:
    span = understand(text).sentences[0].span
    promised = {t.lower_ for t in span if t.i not in declined_promises(span)}
    assert bool(promised & {"promise", "guarantee"}) is promises


@pytest.mark.parametrize(("text", "time"), [
    ("I'll ring you by six.", "by six"),
    ("The table will be ready in about ten minutes.", "in about ten minutes"),
    ("The extra data will be live within fifteen minutes.", "within fifteen minutes"),  # not "live within…"
])
def test_the_words_a_time_hangs_on_are_read_from_the_parse(text: str, time: str) -> None:
    assert _times(text)[0] == time
