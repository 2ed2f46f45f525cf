"""The scorecard on plain data: points tied to quoted turns, suggestions from the customer's words."""

from __future__ import annotations

from dataclasses import replace

from bot.scenarios import engine
from bot.scenarios.model import Scenario
from bot.scoring.scorecard import TurnRecord, scorecard
from bot.scoring.suggestions import MISSED_ADVICE, PENALTY_ADVICE
from bot.skills.labels import LABELS, SKILLS, STAGES, Details, rubric, scored_skills
from tests.conftest import det
from tests.test_engine import SKILLED


def record(scenario: Scenario, difficulty: str, script) -> tuple[list[TurnRecord], engine.PracticeState]:  # type: ignore[no-untyped-def]
    """Play a script through the engine and keep the turns as the store would."""
    state, reply = engine.start(scenario, difficulty, 5)
    turns = [TurnRecord(0, "customer", reply.text, reply.stage, frustration=reply.frustration, feelings=list(reply.feelings))]
    for text, detections in script:
        if state.ended:
            break
        turns.append(TurnRecord(len(turns), "trainee", text, state.stage, detections=list(detections)))
        state, reply = engine.step(scenario, state, text, detections)
        turns.append(TurnRecord(len(turns), "customer", reply.text, reply.stage, frustration=reply.frustration,
                                feelings=list(reply.feelings), told=list(reply.told)))
    return turns, state


CARELESS = [
    ("what do you want", [det("open_question", "what do you want")]),
    ("It'll be ready instantly, I promise.", [det("overpromise", "It'll be ready instantly, I promise.")]),
    ("Calm down.", [det("dismissive", "Calm down.")]),
]


def test_the_rubric_adds_up_to_100() -> None:
    assert sum(s.points for skills in rubric().values() for s in skills) == 100
    assert sum(s.points for s in SKILLS.values()) == 100


def test_the_registry_is_the_one_table_of_skills() -> None:
    assert tuple(SKILLS) == LABELS and all(label == s.label for label, s in SKILLS.items())
    assert LABELS[:5] == ("greet_acknowledge", "open_question", "factual_question", "high_gain_question", "closed_question")
    assert {s.stage for s in SKILLS.values()} <= {*STAGES, "any"}
    assert list(rubric()) == list(STAGES)
    assert [s.label for s in scored_skills("understanding")] == ["open_question", "high_gain_question", "restate_feeling",
                                                                 "restate_fact"]
    assert {s.label: s.penalty for s in SKILLS.values() if s.penalty is not None} == {"overpromise": 6, "dismissive": 10}
    assert {s.label: s.per_use for s in SKILLS.values() if s.per_use is not None} == {"open_question": 5}
    assert {s.label for s in SKILLS.values() if s.counts_only_in} == {s.label for s in scored_skills("keeping")}
    assert SKILLS["closed_question"].stage == SKILLS["dismissive"].stage == "any"
    # Every skill that earns points has advice for when it is missed; every penalty a better way to say it.
    assert set(MISSED_ADVICE) == {s.label for s in scored_skills()}
    assert set(PENALTY_ADVICE) == {s.label for s in SKILLS.values() if s.penalty is not None}


def test_skilled_trainee_scores_well_above_careless_trainee(cafe: Scenario) -> None:
    good_turns, good = record(cafe, "patient", SKILLED)
    bad_turns, bad = record(cafe, "patient", CARELESS)
    good_card = scorecard(cafe, good_turns, good.outcome, good.nps)
    bad_card = scorecard(cafe, bad_turns, bad.outcome or "ended_by_trainee", bad.nps)
    assert good_card["overall"] >= bad_card["overall"] + 30
    stages = good_card["stages"].values()
    assert good_card["overall"] == round(100 * (sum(s["score"] for s in stages) - good_card["penalties"]["points"])
                                         / sum(s["max"] for s in stages))
    assert good_card["nps"]["category"] in ("promoter", "passive")


def test_a_close_the_customer_gave_no_chance_for_is_not_docked(cafe: Scenario) -> None:
    turns, state = record(cafe, "patient", SKILLED)  # checked and thanked in one line: she said goodbye at once
    card = scorecard(cafe, turns, state.outcome, state.nps)
    assert state.outcome == "resolved"
    assert card["skills"]["bridge"]["no_chance"] and card["skills"]["follow_up"]["no_chance"]
    assert card["stages"]["keeping"]["max"] == 14 and card["stages"]["keeping"]["score"] == 14
    assert not {s["skill"] for s in card["suggestions"]} & {"bridge", "follow_up"}
    ended, _ = record(cafe, "patient", SKILLED[:-1])  # the trainee stopped before the close: that is docked
    open_card = scorecard(cafe, ended, "ended_by_trainee", None)
    assert not open_card["skills"]["bridge"]["no_chance"] and open_card["stages"]["keeping"]["max"] == 20


def test_the_words_that_lost_points_earn_none(cafe: Scenario) -> None:
    text = "I promise it will be ready in five minutes."
    turns = [TurnRecord(0, "customer", "Hello.", "receiving"),
             TurnRecord(1, "trainee", text, "helping", detections=[det("overpromise", text), det("set_expectation", text)])]
    card = scorecard(cafe, turns, "ended_by_trainee", None)
    assert [e["skill"] for e in card["evidence"]] == ["overpromise"]


def test_every_point_is_tied_to_the_quoted_turn_that_earned_it(cafe: Scenario) -> None:
    turns, state = record(cafe, "patient", SKILLED)
    card = scorecard(cafe, turns, state.outcome, state.nps)
    by_index = {t.index: t for t in turns}
    for evidence in card["evidence"]:
        turn = by_index[evidence["turn"]]
        assert turn.speaker == "trainee"
        assert evidence["quote"] in turn.text
    skills = {e["skill"] for e in card["evidence"] if e["points"] > 0}
    assert {"open_question", "restate_feeling", "set_expectation"} <= skills
    assert card["skills"]["restate_feeling"]["points"] == card["skills"]["restate_feeling"]["max"]


def test_penalties_are_evidence_too(cafe: Scenario) -> None:
    turns, state = record(cafe, "patient", CARELESS)
    card = scorecard(cafe, turns, state.outcome or "ended_by_trainee", state.nps)
    lost = {e["skill"]: e for e in card["evidence"] if e["points"] < 0}
    assert lost["dismissive"]["quote"] == "Calm down."
    assert lost["overpromise"]["points"] < 0
    assert card["skills"]["dismissive"]["points"] < 0


def test_one_suggestion_per_missed_moment_in_the_customers_own_words(cafe: Scenario) -> None:
    turns, _state = record(cafe, "patient", [SKILLED[0], ("ok", []), ("right", [])])
    card = scorecard(cafe, turns, "ended_by_trainee", 3)
    suggestions = {s["skill"]: s["text"] for s in card["suggestions"]}
    missed = [s.label for s in scored_skills() if not card["skills"][s.label]["points"]]
    assert set(missed) <= set(suggestions)
    feeling_line = next(t.text for t in turns if t.speaker == "customer" and t.feelings)
    assert feeling_line in suggestions["restate_feeling"], "quotes what the customer actually said"
    told = [cafe.fact(f).text for t in turns for f in t.told]
    # The fact is said back to the customer: 'I ordered' becomes 'you ordered'.
    assert told[0].replace("I ordered", "you ordered") in suggestions["restate_fact"]


def test_walking_out_is_a_lost_moment_of_truth(cafe: Scenario) -> None:
    script = [("what", []), ("whatever", []), ("calm down", [det("dismissive", "calm down")]), ("not my problem", [det("dismissive", "not my problem")])]
    turns, state = record(cafe, "impatient", script)
    card = scorecard(cafe, turns, state.outcome, state.nps)
    assert state.outcome == "walked_out"
    assert any(e["skill"] == "moment_of_truth" and e["points"] < 0 for e in card["evidence"])
    last, said = card["moments_of_truth"]["moments"][-1], [t.text for t in turns if t.speaker == "trainee"][-1]
    assert last["verdict"] == "negative" and last["quote"] == said and "walked out" in " ".join(last["reasons"])
    assert card["nps"]["category"] == "detractor"


def test_thanks_in_the_greeting_is_not_the_keeping_stage_thank_you(cafe: Scenario) -> None:
    greeting = "Hi, thanks for waiting."
    turns, state = record(cafe, "patient", [(greeting, [det("greet_acknowledge", greeting), det("thank", greeting)])])
    card = scorecard(cafe, turns, "ended_by_trainee", state.nps)
    assert card["skills"]["thank"]["points"] == 0
    assert card["stages"]["receiving"]["score"] == 15


def test_penalties_cost_the_whole_score_not_only_their_stage(cafe: Scenario) -> None:
    # Two brush-offs in Understanding, where nothing was earned: they still cost the session, as a coach counts them.
    hello, jab, shrug = "Hello, welcome in.", "Calm down.", "Not my problem."
    turns, state = record(cafe, "patient", [(hello, [det("greet_acknowledge", hello)]), (jab, [det("dismissive", jab)]),
                                            (shrug, [det("dismissive", shrug)])])
    card = scorecard(cafe, turns, "ended_by_trainee", state.nps)
    assert card["stages"]["receiving"]["score"] == 15 and card["stages"]["understanding"]["score"] == 0
    assert card["penalties"] == {"points": 20, "count": 2}
    assert card["overall"] == 0  # 15 earned, 20 lost: never below zero


def test_a_greeting_that_only_says_hello_earns_part_of_the_points(cafe: Scenario) -> None:
    curt, warm = "Hi. Name?", "Hi, welcome in. What can I do for you?"
    curt_greeting = replace(det("greet_acknowledge", "Hi."), details=Details(salutation_only=True))
    turns, state = record(cafe, "patient", [(curt, [curt_greeting])])
    assert scorecard(cafe, turns, "ended_by_trainee", state.nps)["stages"]["receiving"]["score"] == SKILLS["greet_acknowledge"].partial
    turns, state = record(cafe, "patient", [(warm, [det("greet_acknowledge", warm)])])
    assert scorecard(cafe, turns, "ended_by_trainee", state.nps)["stages"]["receiving"]["score"] == 15
