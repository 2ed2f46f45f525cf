"""Every scenario at every difficulty, played by scripted trainees to a good and a bad ending."""

from __future__ import annotations

import pytest

from bot.scenarios import engine
from bot.scenarios.loader import load_library
from bot.scenarios.model import DIFFICULTY_LEVELS, Scenario
from bot.scoring.scorecard import TurnRecord, scorecard
from tests.conftest import SCENARIOS, det

LIBRARY = load_library(SCENARIOS)
CASES = [(sid, level) for sid in sorted(LIBRARY.scenarios) for level in DIFFICULTY_LEVELS]

# The same scripted trainees for every scenario: what they do, not what they say about it.
GOOD = [
    [det("greet_acknowledge", "Hello, thanks for waiting."), det("open_question", "What happened?")],
    [det("restate_feeling", "That sounds really difficult.")],
    [det("open_question", "How has this affected you?"), det("high_gain_question", "How has this affected you?")],
    [det("restate_fact", "So, to check I have it right...")],
    [det("open_question", "What would help most?"), det("high_gain_question", "What would help most?")],
    [det("offer_options", "I can sort that out for you today."), det("set_expectation", "It will be done by this afternoon.")],
    [det("seek_agreement", "Would that work for you?")],
    [det("check_satisfaction", "Are you happy with that?"), det("thank", "Thank you for your patience.")],
    [det("bridge", "Is there anything else I can help with?")],
]
BAD = [
    [],
    [det("closed_question", "Is it broken?")],
    [det("dismissive", "That's not my problem.")],
    [det("overpromise", "This will never happen again.")],
    [det("dismissive", "Calm down.")],
    [],
    [],
]


def play(scenario: Scenario, level: str, script: list) -> tuple[engine.PracticeState, list[TurnRecord]]:  # type: ignore[type-arg]
    state, reply = engine.start(scenario, level, seed=11)
    turns = [TurnRecord(0, "customer", reply.text, reply.stage, frustration=reply.frustration)]
    for detections in script:
        if state.ended:
            break
        text = " ".join(d.span for d in detections) or "ok"
        turns.append(TurnRecord(len(turns), "trainee", text, state.stage, detections=detections))
        state, reply = engine.step(scenario, state, text, detections)
        assert reply.text.strip(), "the customer always says something"
        turns.append(TurnRecord(len(turns), "customer", reply.text, reply.stage, frustration=reply.frustration,
                                feelings=list(reply.feelings), told=list(reply.told)))
    return state, turns


def test_the_library_has_eight_scenarios_with_three_levels() -> None:
    assert not LIBRARY.problems
    assert len(LIBRARY.scenarios) >= 8
    for scenario in LIBRARY.scenarios.values():
        assert list(scenario.difficulties) == list(DIFFICULTY_LEVELS)


@pytest.mark.parametrize(("scenario_id", "level"), CASES)
def test_good_ending(scenario_id: str, level: str) -> None:
    scenario = LIBRARY.scenarios[scenario_id]
    state, turns = play(scenario, level, GOOD)
    assert state.outcome == "resolved", [t.text for t in turns]
    card = scorecard(scenario, turns, state.outcome, state.nps)
    assert card["overall"] >= 80
    assert card["nps"]["category"] in ("promoter", "passive")
    customer_lines = [t.text for t in turns if t.speaker == "customer"]
    assert len(customer_lines) == len(set(customer_lines)), "no line repeated verbatim"


@pytest.mark.parametrize(("scenario_id", "level"), CASES)
def test_bad_ending(scenario_id: str, level: str) -> None:
    scenario = LIBRARY.scenarios[scenario_id]
    state, turns = play(scenario, level, BAD)
    assert state.outcome == "walked_out", [t.text for t in turns]
    card = scorecard(scenario, turns, state.outcome, state.nps)
    assert card["overall"] <= 20
    assert card["nps"]["category"] == "detractor"


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY.scenarios))
def test_harder_customers_volunteer_less_and_start_angrier(scenario_id: str) -> None:
    scenario = LIBRARY.scenarios[scenario_id]
    told, start = {}, {}
    for level in DIFFICULTY_LEVELS:
        state, _ = play(scenario, level, GOOD[:1])
        told[level], start[level] = len(state.told), scenario.difficulties[level].start_frustration
    assert told["patient"] >= told["impatient"] >= told["angry"] >= 1
    assert start["patient"] < start["impatient"] < start["angry"]


def test_impatient_customers_lose_patience_sooner_when_kept_waiting() -> None:
    scenario = LIBRARY.scenarios["cafe_late_order"]
    for level, waited, expect_wait in (("patient", 60, False), ("impatient", 120, True), ("angry", 60, True)):
        state, _ = engine.start(scenario, level, seed=2)
        _after, reply = engine.step(scenario, state, "Hello, thanks for waiting.", [det("greet_acknowledge", "Hello")], waited_seconds=waited)
        assert ("kept_waiting" in reply.reactions) is expect_wait, level
    state, _ = engine.start(scenario, "impatient", seed=2)
    quick, _ = engine.step(scenario, state, "Hi!", [det("greet_acknowledge", "Hi!")], waited_seconds=5)
    slow, _ = engine.step(scenario, state, "Hi!", [det("greet_acknowledge", "Hi!")], waited_seconds=400)
    assert slow.frustration > quick.frustration


def test_the_customer_invites_first_name_terms_once_agreed() -> None:
    scenario = LIBRARY.scenarios["cafe_late_order"]
    state, _ = play(scenario, "patient", GOOD[:6])
    assert engine.address(scenario, state) == "Ms Whitfield"
    state, reply = engine.step(scenario, state, "Would that work?", [det("seek_agreement", "Would that work?")])
    assert "call_me" in reply.reactions and "Dana" in reply.text
    assert engine.address(scenario, state) == "Dana"
    assert "Dana" in engine.hint(scenario, state)


@pytest.mark.models
def test_an_expectation_the_scenario_knows_to_be_an_overpromise_is_judged_one(detector) -> None:  # type: ignore[no-untyped-def]
    airline = LIBRARY.scenarios["airline_lost_baggage"]
    cafe = LIBRARY.scenarios["cafe_late_order"]

    def judged(scenario: Scenario, text: str) -> set[str]:
        found = detector.judge_promises(detector.detect(text), scenario.realistic_expectations, scenario.overpromises)
        return {d.label for d in found}

    assert "overpromise" in judged(airline, "Your bag will be here in ten minutes.")
    assert "set_expectation" in judged(airline, "Most delayed bags come on the next flight, which lands at 11 tonight.")
    honest = judged(cafe, "It'll be ready in about five minutes.")
    assert "set_expectation" in honest and "overpromise" not in honest
    # the scenario's own realistic expectation, which the learned decision alone would call an over-promise
    declared = judged(cafe, "The wrap will be out in five minutes.")
    assert "set_expectation" in declared and "overpromise" not in declared
    assert "overpromise" in judged(cafe, "It'll be ready instantly, I promise.")  # what the rules saw stays
