"""Saying the other side's words back: pronouns and perspective."""

from __future__ import annotations

import pytest

from bot.language import alternatives, as_customer_clause, gist, sentence_case, swap_person


@pytest.mark.parametrize(("said", "back"), [
    ("I ordered a wrap twenty minutes ago", "You ordered a wrap twenty minutes ago"),
    ("the coffee you gave me is a latte", "the coffee I gave you is a latte"),
    ("I'm frustrated because you ignored me", "You're frustrated because I ignored you"),
    ("you are really frustrated", "I am really frustrated"),
    ("my receipt says order forty-seven", "your receipt says order forty-seven"),
    ("ill call you tomorrow", "you'll call me tomorrow"),  # typed without the apostrophe
    ("he was ill with flu", "he was ill with flu"),
    ("i'll email u the tracking number", "you'll email me the tracking number"),
    ("whats ur order number", "whats my order number"),
])
def test_swap_person(said: str, back: str) -> None:
    assert swap_person(said) == back


def test_an_offer_becomes_what_the_customer_would_repeat() -> None:
    assert as_customer_clause("I can remake your flat white now.") == "remake my flat white now"
    assert as_customer_clause("Let me pack it to take away for you") == "pack it to take away for me"


def test_sentence_case() -> None:
    assert sentence_case('fine, yes. remake my coffee. "it will be ready".') == 'Fine, yes. Remake my coffee. "It will be ready".'


@pytest.mark.parametrize(("offer", "options"), [
    ("make me a fresh flat white now, or give me a full refund", ["make me a fresh flat white now", "give me a full refund"]),
    ("either repair it or swap it for a new one", ["repair it", "swap it for a new one"]),
    ("I could either keep it with a partial refund or send it back", ["I could keep it with a partial refund", "I could send it back"]),
    ("move me to the earlier flight or book me a hotel for tonight", ["move me to the earlier flight", "book me a hotel for tonight"]),
    ("have it ready in two or three minutes", ["have it ready in two or three minutes"]),
    ("refund the coffee or take it off the bill", ["refund the coffee or take it off the bill"]),
    ("log it now and courier it to my hotel tonight, otherwise you can give me an overnight kit",
     ["log it now and courier it to my hotel tonight", "give me an overnight kit"]),
])
def test_an_offer_of_a_choice_splits_into_its_options_and_a_range_does_not(offer: str, options: list[str]) -> None:
    assert alternatives(offer) == options


def test_an_offer_framed_as_what_i_can_do_is_said_back_without_the_frame_or_its_condition() -> None:
    said = as_customer_clause("OK, here's what I can do: I'll courier the bag to your hotel tonight if it's on the next flight.")
    assert said == "courier the bag to my hotel tonight if it's on the next flight"
    assert gist(said) == "courier the bag to my hotel tonight"
    assert gist("refund me once it's back") == "refund me once it's back"  # too little left without the condition


def test_an_offer_after_a_comma_or_but_is_said_back_from_the_offer_itself() -> None:
    said = as_customer_clause("Realistically the earliest engineer slot is tomorrow, but I can send you a 4G dongle today.")
    assert said == "send me a 4G dongle today"
    assert as_customer_clause("The kitchen is backed up, so we can either pack it to go or bring it to your table.") == (
        "either pack it to go or bring it to my table")
