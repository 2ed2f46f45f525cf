"""Suggestions a coach would sign (issue 14): the customer's own words quoted, no cause they never gave, advice that
fits what happened in this session."""

from __future__ import annotations

from dataclasses import replace

from bot.scenarios.model import Scenario
from bot.scoring.scorecard import TurnRecord
from bot.scoring.suggestions import suggest_for_missed
from bot.skills.labels import Details
from tests.conftest import det


def _turns(opening: str, told: list[str], feelings: list[str], trainee: list[tuple[str, list]]) -> list[TurnRecord]:  # type: ignore[type-arg]
    turns = [TurnRecord(0, "customer", opening, "receiving"),
             TurnRecord(1, "trainee", "hello", "receiving"),
             TurnRecord(2, "customer", "I'm really frustrated, my order is late.", "understanding", feelings=feelings, told=told)]
    for text, detections in trainee:
        turns.append(TurnRecord(len(turns), "trainee", text, "helping", detections=detections))
    return turns


def test_a_fact_never_drawn_out_is_quoted_in_the_customers_own_words(cafe: Scenario) -> None:
    advice = suggest_for_missed("high_gain_question", cafe, _turns("Hello.", ["waited"], [], []))
    assert advice is not None
    assert "\u201cI have a meeting at one o'clock" in advice["text"]
    assert "you have a meeting" not in advice["text"]  # the customer's meeting, not the trainee's


def test_the_feeling_is_restated_with_what_was_said_not_with_a_cause_the_customer_never_gave(cafe: Scenario) -> None:
    advice = suggest_for_missed("restate_feeling", cafe, _turns("Hello.", ["waited"], ["frustrated"], []))
    assert advice is not None
    assert "because" not in advice["text"] and "no wonder you feel frustrated" in advice["text"]
    assert "You ordered a chicken wrap" in advice["text"]


def test_the_greeting_advice_speaks_of_a_wait_only_when_there_was_one(cafe: Scenario) -> None:
    waited = suggest_for_missed("greet_acknowledge", cafe, _turns("Excuse me. I've been waiting here for ages.", [], [], []))
    plain = suggest_for_missed("greet_acknowledge", cafe, _turns("Hello. I need to talk to someone about my order.", [], [], []))
    assert waited is not None and plain is not None
    assert "wait" in waited["text"].split("opened with")[1].split("\u201d", 1)[1]
    assert "wait" not in plain["text"].split("\u201d", 1)[1]


def test_the_follow_up_advice_follows_the_time_the_trainee_set(cafe: Scenario) -> None:
    said = "The wrap will be out within five minutes."
    expectation = replace(det("set_expectation", said), details=Details(time="within five minutes"))
    advice = suggest_for_missed("follow_up", cafe, _turns("Hello.", [], [], [(said, [expectation])]))
    assert advice is not None and "within five minutes" in advice["text"] and "tomorrow" not in advice["text"]
