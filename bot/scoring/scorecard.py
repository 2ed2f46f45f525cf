"""The scorecard: 0-100 overall, per stage and per skill, every point tied to a quoted turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.scenarios.engine import nps_category
from bot.scenarios.model import Scenario
from bot.scoring.moments import for_scorecard
from bot.scoring.suggestions import suggest_for_missed, suggest_for_penalty
from bot.skills.labels import SKILLS, STAGES, Detection, rubric, scored_skills

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


def scorecard(scenario: Scenario, turns: Sequence[TurnRecord], outcome: str | None, nps: int | None) -> dict[str, Any]:
    """Score one practice session; JSON-ready."""
    trainee = [t for t in turns if t.speaker == "trainee"]
    evidence, earned, counts = _credit(trainee)
    if outcome == "walked_out":
        last = trainee[-1] if trainee else None
        evidence.append({
            "skill": "moment_of_truth", "stage": last.stage if last else "receiving", "points": -WALK_OUT_PENALTY,
            "turn": last.index if last else 0, "quote": last.text if last else "",
            "text": last.text if last else "", "note": f"{scenario.persona.address_as} walked out unhappy",
        })

    unoffered = no_chance(trainee, earned, outcome)
    stages = {}
    for stage, scored in rubric().items():
        maximum = sum(s.points for s in scored if s.label not in unoffered)
        credited = sum(e["points"] for e in evidence if e["stage"] == stage and e["points"] > 0)
        stages[stage] = {"score": min(maximum, credited), "max": maximum}
    possible = sum(st["max"] for st in stages.values())
    lost = [e for e in evidence if e["points"] < 0]
    penalties = {"points": sum(-e["points"] for e in lost), "count": len(lost)}
    earned_total = sum(st["score"] for st in stages.values())

    skills_out: dict[str, dict[str, Any]] = {}
    for skill, known in SKILLS.items():
        lost = sum(-e["points"] for e in evidence if e["skill"] == skill and e["points"] < 0)
        skills_out[skill] = {"name": known.name, "stage": known.stage, "points": earned.get(skill, 0) - lost,
                             "max": 0 if skill in unoffered else known.points, "count": counts.get(skill, 0),
                             "no_chance": skill in unoffered}

    suggestions = [s for s in (suggest_for_missed(skill, scenario, turns) for skill in _missed(earned) if skill not in unoffered) if s]
    suggestions += [suggest_for_penalty(e, scenario) for e in evidence if e["points"] < 0 and _is_penalty(e["skill"])]
    return {
        "scenario": scenario.id,
        # out of 100 over the skills the customer gave a chance for
        # penalties (dismissive remarks, over-promises, a walk-out) cost the whole score, not only their stage's
        "overall": max(0, round(100 * (earned_total - penalties["points"]) / possible)) if possible else 0,
        "stages": stages,
        "penalties": penalties,
        "skills": skills_out,
        "evidence": evidence,
        "suggestions": suggestions,
        # every trainee turn positive, negative or redundant for the customer (bot/scoring/moments.py)
        "moments_of_truth": for_scorecard(turns, evidence),
        "outcome": outcome,
        "nps": None if nps is None else {"score": nps, "category": nps_category(nps)},
    }


def _credit(trainee: Sequence[TurnRecord]) -> tuple[list[dict[str, Any]], dict[str, int], dict[str, int]]:
    """Every detection's points, tied to its turn: (evidence, points earned per skill, uses per label)."""
    evidence: list[dict[str, Any]] = []
    earned: dict[str, int] = {}
    counts: dict[str, int] = {}
    for position, turn in enumerate(trainee):
        penalised = [d for d in turn.detections if _is_penalty(d.label)]
        for detection in turn.detections:
            skill = detection.label
            counts[skill] = counts.get(skill, 0) + 1
            known = SKILLS.get(skill)
            if known is not None and known.penalty is not None:
                evidence.append(_evidence(skill, turn, detection, -known.penalty))
                continue
            if known is None or _stage_of(skill) is None or turn.stage not in (known.counts_only_in or frozenset(STAGES)):
                continue
            if any(_same_words(detection, bad) for bad in penalised):
                continue  # the words that lost points earn none: "I promise it'll be there by Friday" is no expectation
            points = known.points if known.per_use is None else known.per_use
            if known.partial is not None and (position > 0 or (detection.details and detection.details.salutation_only)):
                points = known.partial  # a greeting after the first line, or one that only says hello
            points = min(points, known.points - earned.get(skill, 0))
            if points > 0:
                earned[skill] = earned.get(skill, 0) + points
                evidence.append(_evidence(skill, turn, detection, points))
    return evidence, earned, counts


def no_chance(trainee: Sequence[TurnRecord], earned: dict[str, int], outcome: str | None) -> frozenset[str]:
    """Keeping skills the customer gave no chance for: they left, content, after the first line spoken once the plan
    was agreed, so whatever of the close that line did not do could not be done any more (not docked)."""
    if outcome != "resolved" or sum(1 for t in trainee if t.stage == "keeping") != 1:
        return frozenset()
    return frozenset(s.label for s in scored_skills("keeping") if not earned.get(s.label))


def _same_words(one: Detection, other: Detection) -> bool:
    """Whether two detections rest on overlapping words of the trainee's line."""
    return one.start < other.end and other.start < one.end


def _stage_of(skill: str) -> str | None:
    """The rubric stage a skill earns points in; None for labels that earn none (or are unknown)."""
    known = SKILLS.get(skill)
    return known.stage if known is not None and known.points > 0 and known.stage in STAGES else None


def _is_penalty(skill: str) -> bool:
    known = SKILLS.get(skill)
    return known is not None and known.penalty is not None


def _missed(earned: dict[str, int]) -> list[str]:
    return [s.label for s in scored_skills() if not earned.get(s.label)]


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

