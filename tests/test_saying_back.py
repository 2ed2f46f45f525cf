"""The customer's own words for what the trainee offered, promised or timed (bot.language.saying), read from the parse."""

from __future__ import annotations

import pytest

from bot.language import understand
from bot.language.reading import declined_promises
from bot.language.saying import read_back, said_back, time_said


def _said(text: str) -> tuple[str, ...]:
    return tuple(phrase for s in understand(text).sentences for phrase in said_back(s.span))


def _times(text: str) -> list[str]:
    return [time_said(s.span, m.start, m.end) for s in understand(text).sentences for m in s.times]


@pytest.mark.parametrize(("text", "phrases"), [
    ("I can remake your coffee now, or pack the wrap to take away.", ("remake my coffee", "pack it to take away")),  # the purpose is the offer: the wrap becomes "it"
    ("I'll box it up to take away.", ("box it up",)),
    ("What I'll do is refund the duplicate charge from this desk today.", ("refund the duplicate charge",)),
    ("I'll sit you at the bar with drinks on the house.", ("sit me at the bar",)),
    ("Right, here's what I can do: I'll make you a proper flat white now and bring the wrap out to you.",
     ("make me a flat white", "bring the wrap out")),
    ("Ma'am, I can do two things: send a replacement by express courier so it reaches you by Friday.", ("send a replacement",)),
    ("I'd be happy to send a replacement by express courier.", ("send a replacement",)),
    # at most four of the trainee's words: the object's determiner and the modifiers nearest it; a word the parser
    # cut in two ("£150", "50gb") or a number and what it counts ("50 GB") whole or not at all
    ("I can give you a £150 credit today.", ("give me a £150 credit",)),
    ("I can add 50gb free data to your phone so you can hotspot.", ("add 50gb free data",)),
    ("I can add 50 GB free data to your phone.", ("add free data",)),
    ("I will send you a brand new replacement kettle.", ("send me a replacement kettle",)),
    # "it" for the object only where the purpose then fits and no one it is for comes first ("give me it")
    ("I can get you a free dessert to make up for it.", ("get me a free dessert",)),
    ("I can give you a loan phone to use while yours is fixed.", ("give me a loan phone",)),
    # "a" or "an" as the word now after it needs
    ("I can offer you an exclusive discount code.", ("offer me a discount code",)),
    ("I can book an early delivery slot.", ("book a delivery slot",)),
    # options joined by "or" that the parser reads as one noun ("a refund or store credit" as one credit): the first
    ("i can do an exchange or store credit", ("do an exchange",)),
    ("I can give you a refund or store credit", ("give me a refund",)),
    ("we can do a swap or a refund", ("do a swap",)),
    # whom it is for, as the first of two objects, and chat spellings in the customer's own spelling
    ("i can sort u an overnite kit", ("sort me an overnight kit",)),
])
def test_what_the_speaker_commits_to_is_said_back_in_a_few_words_from_the_other_side(text: str, phrases: tuple[str, ...]) -> None:
    assert _said(text) == phrases


@pytest.mark.parametrize("text", [
    "The extra data will be live within fifteen minutes.",  # what will happen, not what the speaker does
    "Until then you can sit at the bar.",  # the customer's doing
    "I'll check.",  # a bare verb gives the customer nothing to hold on to
    "I'll put it on the form.",  # "put it" without where says nothing, and "put it on the form" is the trainee's line
])
def test_nothing_is_said_back_where_the_speaker_commits_to_nothing_nameable(text: str) -> None:
    assert _said(text) == ()


@pytest.mark.parametrize(("text", "time"), [
    ("The extra data will be live within fifteen minutes.", "within fifteen minutes"),
    ("It'll be two or three minutes.", "two or three minutes"),
    # in at most four of the trainee's words: without its preposition, or a range by its far end
    ("Fresh flat white in two or three minutes.", "two or three minutes"),
    ("Refunds usually take 3 to 5 working days to reach your account.", "up to 5 working days"),
    ("Replacements are dispatched within 3 to 5 working days.", "up to 5 working days"),
    ("Your bag lands at 11pm tonite.", "at 11pm tonight"),
    ("The refund takes between 3 and 5 working days.", "up to 5 working days"),
])
def test_a_time_is_said_back_in_the_customers_few_words(text: str, time: str) -> None:
    assert _times(text)[0] == time


@pytest.mark.parametrize("text", ["I'll forward it to the deputy when I get a minute.",
                                  "Give me a minute.",
                                  "We'll courier it to your hotel as soon as it's in."])
def test_a_time_that_says_no_when_is_not_said_back(text: str) -> None:
    assert read_back(text)[1] == ""


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


def test_an_ordinal_is_no_vague_time() -> None:
    assert [t.text for t in understand("We will have a second driver out to you today.").times] == ["today"]
