"""Regression cases as data (data/skills/cases.jsonl): every case found in play, one line each.

A line either names the labels a trainee's message must and must not carry (`present`, `absent`, against
the customer's `context` and the scenario's `felt` feelings), or what the language pipeline must read in
a text: its person swap, its feelings and whose they are, its question form, times and clauses.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.language import swap_person, understand
from bot.settings import PROJECT_ROOT

CASES = [json.loads(line) for line in (PROJECT_ROOT / "data" / "skills" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]
DETECTOR_CASES = [c for c in CASES if "present" in c or "absent" in c]
PIPELINE_CASES = [c for c in CASES if c not in DETECTOR_CASES]


def _id(case: dict[str, Any]) -> str:
    return str(case["text"])[:60]


def test_every_case_says_what_it_expects() -> None:
    expectations = {"present", "absent", "swap", "feelings", "question", "times", "clause"}
    assert all(expectations & set(case) for case in CASES)


def _detector_params() -> list[Any]:
    """Each case; a `known_miss` (a learned decision's error, recorded rather than patched) is an expected failure."""
    return [pytest.param(c, marks=pytest.mark.xfail(reason=c["known_miss"], strict=False)) if "known_miss" in c else c
            for c in DETECTOR_CASES]


@pytest.mark.models
@pytest.mark.parametrize("case", _detector_params(), ids=_id)
def test_detector_case(detector, case: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    found = {d.label for d in detector.detect(case["text"], case.get("context"), tuple(case.get("felt", ())))}
    assert set(case.get("present", ())) <= found, f"missing {set(case['present']) - found}"
    assert not set(case.get("absent", ())) & found, f"should not carry {set(case['absent']) & found}"


@pytest.mark.parametrize("case", PIPELINE_CASES, ids=_id)
def test_pipeline_case(case: dict[str, Any]) -> None:
    analysis = understand(case["text"])
    if "swap" in case:
        assert swap_person(analysis) == case["swap"]
    if "feelings" in case:
        named = sorted([f.family, f.whose] for f in analysis.feelings if not f.negated)
        assert named == sorted(case["feelings"])
    if "question" in case:
        question = analysis.sentences[0].question
        assert question.form == case["question"]["form"]
        if "about" in case["question"]:
            assert question.about == case["question"]["about"]
    if "times" in case:
        assert [m.text for m in analysis.times] == case["times"]
    if "clause" in case:
        expected = case["clause"]
        clause = next((c for c in analysis.clauses if c.verb == expected["verb"]), None)
        assert clause is not None, f"no clause for {expected['verb']}: {analysis.clauses}"
        assert (clause.person, clause.modal, clause.negated) == (expected["person"], expected["modal"], expected["negated"])
