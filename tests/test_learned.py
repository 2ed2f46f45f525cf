"""Learned decisions (bot.skills.learned, bot.skills.decisions, bot.skills.learned_fit): how the learned
probabilities and the rules' verdicts combine, the declared table, fitting on cross-writer folds, and the fitted
model in the detector."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.language import understand
from bot.skills.decisions import Message, constrained, constraints, decide
from bot.skills.labels import LABELS, Detection
from bot.skills.learned import EMBEDDING_SIZE, LabelModel, LearnedDecisions, Reading, row_of
from bot.skills.learned_fit import F1_TOLERANCE, LabelledLine, _best_cuts, fit_learned
from tests.conftest import det


def _decisions(label: str, keep: float, add: float) -> LearnedDecisions:
    width = EMBEDDING_SIZE + 11 + len(LABELS)
    model = LabelModel(label, (0.0,) * width, 0.0, keep, add, 0.1, 0.9, 0.5, 40)
    return LearnedDecisions((), np.zeros(width), np.ones(width), {label: model})


def _message(text: str, spoken: bool = True) -> Message:
    sentences = understand(text).sentences
    return Message(text, sentences, tuple({} for _ in sentences), frozenset(), tuple(0.0 for _ in sentences), spoken)


def test_a_firm_rule_verdict_stands_and_one_by_resemblance_needs_the_learned_probability() -> None:
    learned = _decisions("follow_up", keep=0.3, add=0.6)
    text = "I'll email you tomorrow to confirm it arrived."
    message = _message(text)
    firm = Detection("follow_up", text, 0, len(text), 0.8, "rules")
    assert [d.label for d in decide([firm], {"follow_up": 0.05}, learned, message)] == ["follow_up"]
    soft = replace(firm, source="similarity")
    assert decide([soft], {"follow_up": 0.2}, learned, message) == []
    kept = decide([soft], {"follow_up": 0.4}, learned, message)
    assert kept[0].confidence == 0.4 and kept[0].source == "learned (similarity)"


def test_the_learned_decision_adds_a_label_on_its_best_sentence_only_above_its_own_threshold() -> None:
    learned = _decisions("bridge", keep=0.3, add=0.6)
    message = _message("Your refund is on its way. Anything else I can help with?")
    assert decide([], {"bridge": 0.5}, learned, message) == []
    added = decide([], {"bridge": 0.7}, learned, message)
    assert [(d.label, d.span, d.source) for d in added] == [("bridge", "Anything else I can help with?", "learned")]
    assert message.original[added[0].start:added[0].end] == added[0].span


def test_the_rules_no_stands_where_they_had_what_they_judge_by() -> None:
    # decisions.yml judged_when: set_expectation when every commitment is only to find out, with no time
    learned = _decisions("set_expectation", keep=0.05, add=0.2)
    assert decide([], {"set_expectation": 0.9}, learned, _message("I'll see if a table is free.")) == []
    assert decide([], {"set_expectation": 0.9}, learned, _message("Your table will be ready in ten minutes."))


def test_a_feeling_restated_is_decided_by_the_learned_decision_even_where_a_feeling_is_named() -> None:
    # restate_feeling is no longer judged_when names_feeling: the learned decision weighs whose the feeling is and
    # whether it fits (cross-writer F1 0.763 with the rules' "no" standing, 0.847 without)
    assert "restate_feeling" not in constraints().judged_when
    learned = _decisions("restate_feeling", keep=0.05, add=0.2)
    assert decide([], {"restate_feeling": 0.9}, learned, _message("No wonder you're fed up."))
    assert decide([], {"restate_feeling": 0.1}, learned, _message("I'm frustrated too, our phones are awful.")) == []


def test_a_label_decided_within_another_is_weighed_there_and_refused_elsewhere() -> None:
    """high_gain_question is decided `within` open_question (data/skills/decisions.yml): on an open question the
    learned probability keeps or drops the rules' verdict, or adds it; without one, no probability adds it."""
    assert constraints().within["high_gain_question"] == "open_question"
    learned = _decisions("high_gain_question", keep=0.3, add=0.6)
    question = "How has all this affected your week?"
    message = _message(question)
    opened = Detection("open_question", question, 0, len(question), 1.0, "rules")
    by_grammar = replace(opened, label="high_gain_question")
    assert [d.label for d in decide([opened, by_grammar], {"high_gain_question": 0.1}, learned, message)] == ["open_question"]
    kept = decide([opened, by_grammar], {"high_gain_question": 0.4}, learned, message)
    assert sorted(d.label for d in kept) == ["high_gain_question", "open_question"]
    added = decide([opened], {"high_gain_question": 0.7}, learned, message)
    assert sorted(d.label for d in added) == ["high_gain_question", "open_question"]
    closed = _message("Did it arrive?")
    assert decide([det("closed_question", "Did it arrive?")], {"high_gain_question": 0.99}, learned, closed) == [
        det("closed_question", "Did it arrive?")]


def test_restating_needs_the_customer_to_have_said_something() -> None:
    learned = _decisions("restate_feeling", keep=0.05, add=0.2)
    assert decide([], {"restate_feeling": 0.9}, learned, _message("That'd do anyone's head in.", spoken=False)) == []
    assert constrained([det("restate_fact", "So it came Monday.")], heard=False) == []


def test_declared_implications_and_exclusions_apply_to_every_decision() -> None:
    found = {d.label for d in constrained([det("factual_question", "When?"), det("overpromise", "x"), det("set_expectation", "x")])}
    assert found == {"factual_question", "open_question", "overpromise"}
    table = constraints()
    assert {"open_question", "closed_question"} <= table.rules_decide


def test_an_unknown_condition_in_the_table_is_refused_with_its_name(tmp_path: Path) -> None:
    table = tmp_path / "decisions.yml"
    table.write_text("judged_when:\n  - {label: dismissive, when: sounds_rude}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sounds_rude"):
        constraints(table)


def test_stored_decisions_round_trip_and_give_the_logistic_probability() -> None:
    rng = np.random.default_rng(3)
    reading = Reading(rng.normal(size=(2, EMBEDDING_SIZE)), ({"bridge": 0.7}, {}), {"thank": 0.9}, {"length": 2.0})
    width = len(row_of(reading, ("length",)))
    weights = tuple(rng.normal(size=width) / 10)
    model = LabelModel("bridge", weights, -0.5, 0.3, 0.6, 0.1, 0.8, 0.5, 30)
    learned = LearnedDecisions(("length",), np.zeros(width), np.ones(width), {"bridge": model})
    again = LearnedDecisions.from_dict(learned.to_dict())
    expected = 1 / (1 + np.exp(-(row_of(reading, ("length",)) @ np.asarray(weights) - 0.5)))
    assert again.probabilities([reading])[0]["bridge"] == pytest.approx(expected)


def test_fitting_learns_a_label_the_rules_miss_and_leaves_declared_ones_to_the_rules() -> None:
    lines, readings, verdicts = [], [], []
    for i in range(240):
        positive = i % 3 == 0
        vectors = np.full((1, EMBEDDING_SIZE), 0.05)
        labels = {"bridge", "closed_question"} if positive else set()
        lines.append(LabelledLine(str(i), f"w{i % 4}", "x", None, frozenset(labels)))
        readings.append(Reading(vectors, ({},), {}, {"asks_beyond": float(positive)}))  # the parse tells; the rules miss it
        verdicts.append({"closed_question": "firm"} if positive else {})
    decisions, report = fit_learned(lines, readings, verdicts, rules_decide=frozenset({"closed_question"}))
    assert report["bridge"]["rules_f1"] == 0.0 and report["bridge"]["folds_f1"] > 0.9
    assert "bridge" in decisions.deciding
    assert report["closed_question"]["learned"] == "declared: the rules decide"
    assert "closed_question" not in decisions.models


@pytest.mark.models
def test_the_fitted_decisions_are_current_and_their_detections_carry_evidence(detector) -> None:  # type: ignore[no-untyped-def]
    from bot.settings import get_settings
    from bot.skills.learned_fit import learned_is_stale, load_labelled

    settings = get_settings()
    assert detector.learned is not None, "make test fits the learned decisions (bot skills fit)"
    assert not learned_is_stale(settings.skills_dir, settings.models_dir / "skills" / "learned.json")
    lines = load_labelled(settings.skills_dir / "examples")[:300]
    results = detector.detect_many([(line.text, line.context) for line in lines])
    learned = [(line.text, d) for line, ds in zip(lines, results, strict=True) for d in ds if d.source.startswith("learned")]
    assert learned, "some detections are the learned decisions'"
    for text, detection in learned:
        assert text[detection.start:detection.end] == detection.span and 0 < detection.confidence <= 1


def test_of_cuts_as_good_as_the_best_the_most_cautious_addition_wins() -> None:
    # Ten positives the rules left open; the learned probabilities separate them from the negatives everywhere
    # between 0.25 and 0.55, so every cut there has the same F1: the highest one is taken, and the F1 reported is
    # the best (what decides whether the learned decision beats the rules).
    y = np.array([True] * 10 + [False] * 30)
    p = np.array([0.6] * 10 + [0.2] * 30)
    states = np.array(["open"] * 40)
    keep, add, f1 = _best_cuts(y, p, states)
    assert f1 == 1.0 and add == pytest.approx(0.6) and keep <= add
    # One positive lost above 0.45 costs more than the tolerance: the cautious cut stops below it.
    p[0] = 0.45
    keep, add, f1 = _best_cuts(y, p, states)
    assert f1 == 1.0 and add == pytest.approx(0.45) and F1_TOLERANCE < 0.05


def test_one_sentence_asks_to_agree_or_checks_the_outcome_not_both() -> None:
    # data/skills/decisions.yml one_per_sentence: the likelier stands where both share their evidence
    ask = "Shall I get the replacement going?"
    found = [Detection("seek_agreement", ask, 0, len(ask), 0.96), Detection("check_satisfaction", ask, 0, len(ask), 0.29)]
    assert {d.label for d in constrained(found)} == {"seek_agreement"}
    check = "Is the new card working okay for you?"
    both = [*found, Detection("check_satisfaction", check, 40, 40 + len(check), 0.7)]
    kept = constrained(both)  # the check in its own sentence stands; the rival on the same words goes
    assert sorted((d.label, d.span) for d in kept) == [("check_satisfaction", check), ("seek_agreement", ask)]
