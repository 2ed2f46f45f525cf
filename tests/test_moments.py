"""Moments of Truth, corrections and calibration: the pure functions, on plain data."""

from __future__ import annotations

import pytest

from bot.scenarios.model import Scenario
from bot.scoring.calibration import ReviewedTurn, agreement, cohen_kappa
from bot.scoring.corrections import Correction, corrected_labels, corrected_turns
from bot.scoring.moments import moments_of_truth, stored, summary, with_moments
from bot.scoring.scorecard import TurnRecord, scorecard
from tests.conftest import det


def turns() -> list[TurnRecord]:
    return [
        TurnRecord(0, "customer", "My order is late and wrong.", "receiving", frustration=5),
        TurnRecord(1, "trainee", "Hi, thanks for waiting.", "receiving", [det("greet_acknowledge", "thanks for waiting")], frustration=5),
        TurnRecord(2, "customer", "Hm.", "understanding", frustration=5),
        TurnRecord(3, "trainee", "That sounds frustrating.", "understanding", [det("restate_feeling", "That sounds frustrating")], frustration=5),
        TurnRecord(4, "customer", "It is.", "understanding", frustration=3),
        TurnRecord(5, "trainee", "Not my problem, calm down.", "understanding", [det("dismissive", "calm down")], frustration=3),
        TurnRecord(6, "customer", "Excuse me?", "understanding", frustration=6),
        TurnRecord(7, "trainee", "That sounds frustrating.", "understanding", [], frustration=6),
        TurnRecord(8, "customer", "...", "understanding", frustration=6),
        TurnRecord(9, "trainee", "Ok.", "understanding", [], frustration=6),
        TurnRecord(10, "customer", "So?", "understanding", frustration=6),
    ]


def test_each_trainee_turn_is_positive_negative_or_redundant(cafe: Scenario) -> None:
    played = turns()
    card = scorecard(cafe, played, "resolved", None)
    moments = {m.turn: m for m in moments_of_truth(played, card["evidence"])}
    assert list(moments) == [1, 3, 5, 7, 9], "one verdict per trainee turn"
    assert moments[1].verdict == "positive" and "earned Greeting and acknowledging (+15)" in moments[1].reasons
    assert moments[3].verdict == "positive" and moments[3].change == -2 and "the customer calmed down" in moments[3].reasons
    assert moments[5].verdict == "negative" and moments[5].points == -10
    assert "the customer got more frustrated" in moments[5].reasons
    assert moments[7].verdict == "redundant" and moments[7].reasons == ("a repeat of something already said",)
    assert moments[9].verdict == "redundant" and moments[9].reasons == ("a filler: it moved nothing",)
    assert summary(list(moments.values())) == {"positive": 2, "negative": 1, "redundant": 2}


def test_the_scorecard_keeps_the_moments_of_truth_of_this_module(cafe: Scenario) -> None:
    played = turns()
    card = scorecard(cafe, played, "resolved", None)
    expected = moments_of_truth(played, card["evidence"])
    kept = card["moments_of_truth"]
    assert kept["summary"] == summary(expected) == {"positive": 2, "negative": 1, "redundant": 2}
    assert [{k: v for k, v in m.items() if k != "quote"} for m in kept["moments"]] == [m.to_dict() for m in expected]
    assert [m["quote"] for m in kept["moments"]] == [t.text for t in played if t.speaker == "trainee"]
    assert stored(card) is kept and with_moments(card, played) is card
    old = {**card, "moments_of_truth": [{"turn": 3, "quote": "That sounds frustrating.", "effect": "won", "change": -2}]}
    assert stored(old) is None and stored({**card, "moments_of_truth": None}) is None
    assert with_moments(old, played)["moments_of_truth"] == kept, "an older card gets them worked out from its turns"
    assert old["moments_of_truth"][0]["effect"] == "won", "and is left as it was"


def test_a_skill_already_shown_earns_nothing_more_and_is_redundant(cafe: Scenario) -> None:
    played = [
        TurnRecord(0, "trainee", "Hello, thanks for coming in.", "receiving", [det("greet_acknowledge", "Hello")], frustration=2),
        TurnRecord(1, "customer", "Hi.", "receiving", frustration=2),
        TurnRecord(2, "trainee", "Welcome, lovely to see you today!", "receiving", [det("greet_acknowledge", "Welcome")], frustration=2),
        TurnRecord(3, "customer", "Yes, hi.", "receiving", frustration=2),
    ]
    card = scorecard(cafe, played, None, None)
    verdicts = [(m.verdict, m.reasons[-1]) for m in moments_of_truth(played, card["evidence"])]
    assert verdicts[0][0] == "positive"
    assert verdicts[1] == ("redundant", "a skill already shown: it earned nothing more")


def test_walking_out_makes_the_last_turn_negative(cafe: Scenario) -> None:
    played = [TurnRecord(0, "customer", "Hello?", frustration=9), TurnRecord(1, "trainee", "Wait there.", frustration=9)]
    card = scorecard(cafe, played, "walked_out", None)
    [moment] = moments_of_truth(played, card["evidence"])
    assert moment.verdict == "negative" and moment.points == -10 and "walked out" in moment.reasons[0]


def test_corrections_change_the_labels_and_the_score(cafe: Scenario) -> None:
    played = turns()
    assert corrected_labels({"a", "b"}, [Correction(1, "a", "remove"), Correction(1, "c", "add"), Correction(1, "a", "add")]) == {"a", "b", "c"}
    fixed = corrected_turns(played, [Correction(5, "dismissive", "remove"), Correction(9, "thank", "add"),
                                     Correction(1, "greet_acknowledge", "remove")])
    assert [d.label for d in fixed[5].detections] == [] and [d.label for d in fixed[9].detections] == ["thank"]
    assert fixed[9].detections[0].span == "Ok." and fixed[1].detections == []
    before, after = scorecard(cafe, played, "resolved", None), scorecard(cafe, fixed, "resolved", None)
    assert before["skills"]["dismissive"]["points"] == -10 and after["skills"]["dismissive"]["points"] == 0
    assert after["skills"]["greet_acknowledge"]["points"] == 0
    assert played[5].detections, "the stored turns are left as they were"


def test_cohen_kappa_matches_hand_computed_values() -> None:
    # 20 turns: both yes 10, detector only 5, coach only 0, both no 5: po 0.75, pe 0.5 -> 0.5
    assert cohen_kappa(10, 5, 0, 5) == pytest.approx(0.5)
    assert cohen_kappa(5, 0, 0, 5) == pytest.approx(1.0)
    assert cohen_kappa(0, 5, 5, 0) == pytest.approx(-1.0)
    assert cohen_kappa(0, 0, 0, 0) is None
    assert cohen_kappa(0, 0, 0, 7) is None, "both always say no: agreement beyond chance is undefined"


def test_agreement_per_label_over_reviewed_turns() -> None:
    reviewed = [
        ReviewedTurn(frozenset({"thank"}), frozenset({"thank"})),
        ReviewedTurn(frozenset({"thank", "bridge"}), frozenset({"thank"})),
        ReviewedTurn(frozenset(), frozenset({"bridge"})),
        ReviewedTurn(frozenset(), frozenset()),
    ]
    thank, bridge, follow = agreement(reviewed, ["thank", "bridge", "follow_up"])
    assert (thank.true_positive, thank.false_positive, thank.false_negative, thank.true_negative) == (2, 0, 0, 2)
    assert thank.precision == 1.0 and thank.recall == 1.0 and thank.kappa == pytest.approx(1.0)
    assert (bridge.true_positive, bridge.false_positive, bridge.false_negative, bridge.true_negative) == (0, 1, 1, 2)
    assert bridge.precision == 0.0 and bridge.recall == 0.0 and bridge.kappa == pytest.approx(-1 / 3)
    assert follow.precision is None and follow.recall is None and follow.kappa is None and follow.turns == 4
