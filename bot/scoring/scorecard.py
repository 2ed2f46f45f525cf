"""The scorecard: 0-100 overall, per stage and per skill, every point tied to a quoted turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.scenarios.engine import nps_category
from bot.scenarios.model import Scenario
from bot.scoring.suggestions import suggest_for_missed, suggest_for_penalty
from bot.skills.labels import SKILL_NAMES, SKILL_STAGE, STAGES, Detection

#: stage -> (skill, points): what earns points. Each stage's maximum is the sum; 100 in all.
RUBRIC: dict[str, tuple[tuple[str, int], ...]] = {
    "receiving": (("greet_acknowledge", 15),),
    "understanding": (("open_question", 10), ("high_gain_question", 5), ("restate_feeling", 12), ("restate_fact", 8)),
    "helping": (("offer_options", 10), ("set_expectation", 12), ("seek_agreement", 8)),
    "keeping": (("check_satisfaction", 8), ("thank", 6), ("bridge", 3), ("follow_up", 3)),
}
#: skill -> points per open question (several questions earn up to the skill's maximum).
PER_USE: dict[str, int] = {"open_question": 5}
#: skill -> points lost each time it happens.
PENALTIES: dict[str, int] = {"dismissive": 10, "overpromise": 6}
#: Keeping skills count only at the close of the visit: "thanks for waiting" in the greeting is receiving.
COUNTS_ONLY_IN: dict[str, frozenset[str]] = {
    skill: frozenset({"helping", "keeping"}) for skill, _ in RUBRIC["keeping"]
}
LATE_GREETING_POINTS = 5
WALK_OUT_PENALTY = 10


@dataclass
class TurnRecord:
    """One stored turn, as the scoring reads it."""

    index: int
    speaker: str
    text: str
    stage: str = "receiving"
    detections: list[Detection] = field(default_factory=list)
    feelings: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    frustration: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnRecord:
        """Build from stored JSON-ready data."""
        return cls(
            index=int(data["index"]),
            speaker=str(data["speaker"]),
            text=str(data["text"]),
            stage=str(data.get("stage") or "receiving"),
            detections=[Detection.from_dict(d) for d in data.get("detections", [])],
            feelings=list(data.get("feelings", [])),
            told=list(data.get("told", [])),
            frustration=data.get("frustration"),
        )


def _max_for(skill: str) -> int:
    return next(points for stage in RUBRIC.values() for name, points in stage if name == skill)


def scorecard(scenario: Scenario, turns: Sequence[TurnRecord], outcome: str | None, nps: int | None) -> dict[str, Any]:
    """Score one practice session; JSON-ready."""
    trainee = [t for t in turns if t.speaker == "trainee"]
    evidence: list[dict[str, Any]] = []
    earned: dict[str, int] = {}
    counts: dict[str, int] = {}

    for position, turn in enumerate(trainee):
        for detection in turn.detections:
            skill = detection.label
            counts[skill] = counts.get(skill, 0) + 1
            if skill in PENALTIES:
                evidence.append(_evidence(skill, turn, detection, -PENALTIES[skill]))
                continue
            stage = _stage_of(skill)
            if stage is None or turn.stage not in COUNTS_ONLY_IN.get(skill, frozenset(STAGES)):
                continue
            cap = _max_for(skill)
            points = PER_USE.get(skill, cap)
            if skill == "greet_acknowledge" and position > 0:
                points = LATE_GREETING_POINTS
            points = min(points, cap - earned.get(skill, 0))
            if points <= 0:
                continue
            earned[skill] = earned.get(skill, 0) + points
            evidence.append(_evidence(skill, turn, detection, points))

    if outcome == "walked_out":
        last = trainee[-1] if trainee else None
        evidence.append({
            "skill": "moment_of_truth", "stage": last.stage if last else "receiving", "points": -WALK_OUT_PENALTY,
            "turn": last.index if last else 0, "quote": last.text if last else "",
            "text": last.text if last else "", "note": f"{scenario.persona.address_as} walked out unhappy",
        })

    stages = {}
    for stage, skills in RUBRIC.items():
        maximum = sum(points for _, points in skills)
        total = sum(e["points"] for e in evidence if e["stage"] == stage)
        stages[stage] = {"score": max(0, min(maximum, total)), "max": maximum}

    skills_out: dict[str, dict[str, Any]] = {}
    for skill in SKILL_STAGE:
        stage = _stage_of(skill)
        maximum = _max_for(skill) if stage else 0
        lost = sum(-e["points"] for e in evidence if e["skill"] == skill and e["points"] < 0)
        skills_out[skill] = {
            "name": SKILL_NAMES[skill],
            "stage": stage or SKILL_STAGE[skill],
            "points": earned.get(skill, 0) - lost,
            "max": maximum,
            "count": counts.get(skill, 0),
        }

    suggestions = [s for s in (suggest_for_missed(skill, scenario, turns) for skill in _missed(earned)) if s]
    suggestions += [suggest_for_penalty(e, scenario) for e in evidence if e["points"] < 0 and e["skill"] in PENALTIES]
    return {
        "scenario": scenario.id,
        "overall": sum(s["score"] for s in stages.values()),
        "stages": stages,
        "skills": skills_out,
        "evidence": evidence,
        "suggestions": suggestions,
        "moments_of_truth": moments_of_truth(turns),
        "outcome": outcome,
        "nps": None if nps is None else {"score": nps, "category": nps_category(nps)},
    }


def _stage_of(skill: str) -> str | None:
    for stage, skills in RUBRIC.items():
        if any(name == skill for name, _ in skills):
            return stage
    return None


def _missed(earned: dict[str, int]) -> list[str]:
    return [skill for stage in STAGES for skill, _ in RUBRIC[stage] if not earned.get(skill)]


def _evidence(skill: str, turn: TurnRecord, detection: Detection, points: int) -> dict[str, Any]:
    return {
        "skill": skill,
        "stage": _stage_of(skill) or (turn.stage if turn.stage in STAGES else "receiving"),
        "points": points,
        "turn": turn.index,
        "quote": detection.span or turn.text,
        "text": turn.text,
        "confidence": detection.confidence,
    }


def moments_of_truth(turns: Sequence[TurnRecord]) -> list[dict[str, Any]]:
    """Each trainee turn that moved the customer's mood: won (calmer) or lost (more frustrated)."""
    moments = []
    before: int | None = None
    last_trainee: TurnRecord | None = None
    for turn in turns:
        if turn.speaker == "trainee":
            last_trainee = turn
        elif turn.frustration is not None:
            if before is not None and last_trainee is not None and turn.frustration != before:
                moments.append({
                    "turn": last_trainee.index,
                    "quote": last_trainee.text,
                    "effect": "won" if turn.frustration < before else "lost",
                    "change": turn.frustration - before,
                })
            before = turn.frustration
    return moments
