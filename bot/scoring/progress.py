"""Progress by week: each trainee's overall score and each skill, week on week, against the Rule of 1%.

The seeds' Rule of 1%: improve a little, steadily, each week ("improve one percent each week"). A
trainee is *on track* when, over their last few week-on-week changes, the overall score grew by at
least 1% a week on average. Pure: takes scored sessions, returns plain data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from statistics import mean
from typing import Any, TypedDict

from bot.skills.labels import SKILLS, scored_skills

WEEKLY_GAIN = 0.01
RECENT_CHANGES = 4
ON_TRACK, BEHIND, TOO_EARLY = "on track", "behind", "not enough weeks yet"


@dataclass(frozen=True)
class ScoredSession:
    """One ended session: whose, when, the overall score, and each rubric skill as a share of its points (0..1)."""

    trainee: str
    started: datetime
    overall: int
    skills: Mapping[str, float]


@dataclass(frozen=True)
class Week:
    """One trainee's averages over one week (Monday to Sunday), and the change since their previous week."""

    start: date
    sessions: int
    overall: float
    skills: dict[str, float]
    change: float | None = None
    skill_changes: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TraineeProgress:
    """A trainee's weeks, whether they keep to the Rule of 1%, and their weakest skill."""

    trainee: str
    weeks: list[Week]
    status: str
    weekly_gain: float | None  # mean relative change of the overall score over the recent weeks
    weakest_skill: str | None
    trend: float | None  # the latest week-on-week change of the overall score, in points


def skill_shares(card: Mapping[str, Any]) -> dict[str, float]:
    """A scorecard's rubric skills (those with points to earn) as shares of their maximum, 0..1."""
    return {skill: max(0.0, min(1.0, s["points"] / s["max"])) for skill, s in card.get("skills", {}).items() if s.get("max")}


def week_of(moment: datetime) -> date:
    """The Monday of the week a moment falls in."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


def _weeks(sessions: Sequence[ScoredSession]) -> list[Week]:
    by_week: dict[date, list[ScoredSession]] = {}
    for s in sessions:
        by_week.setdefault(week_of(s.started), []).append(s)
    weeks: list[Week] = []
    for start in sorted(by_week):
        group = by_week[start]
        skills = {skill: mean(s.skills[skill] for s in group if skill in s.skills)
                  for skill in sorted({k for s in group for k in s.skills})}
        overall = mean(s.overall for s in group)
        previous = weeks[-1] if weeks else None
        weeks.append(Week(
            start, len(group), overall, skills,
            change=overall - previous.overall if previous else None,
            skill_changes={k: v - previous.skills[k] for k, v in skills.items() if k in previous.skills} if previous else {},
        ))
    return weeks


def rule_of_one_percent(weeks: Sequence[Week]) -> tuple[str, float | None]:
    """On track, behind, or too early to say; and the mean relative weekly gain it is judged on."""
    pairs = list(pairwise(weeks))[-RECENT_CHANGES:]
    if not pairs:
        return TOO_EARLY, None
    gain = mean((after.overall - before.overall) / max(before.overall, 1.0) for before, after in pairs)
    return (ON_TRACK if gain >= WEEKLY_GAIN else BEHIND), gain


def trainee_progress(trainee: str, sessions: Sequence[ScoredSession]) -> TraineeProgress:
    """One trainee's progress from their sessions (any order)."""
    weeks = _weeks(sorted(sessions, key=lambda s: s.started))
    status, gain = rule_of_one_percent(weeks)
    totals: dict[str, list[float]] = {}
    for s in sessions:
        for skill, share in s.skills.items():
            totals.setdefault(skill, []).append(share)
    return TraineeProgress(trainee, weeks, status, gain, _weakest(totals), weeks[-1].change if weeks else None)


#: Ties between equally weak skills go to the one earlier in the cycle (the rubric's order).
_RUBRIC_ORDER = {s.label: i for i, s in enumerate(scored_skills())}


def _weakest(totals: Mapping[str, Sequence[float]]) -> str | None:
    return min(totals, key=lambda k: (mean(totals[k]), _RUBRIC_ORDER.get(k, len(_RUBRIC_ORDER)), k)) if totals else None


class SkillShare(TypedDict):
    """A skill and the share of its points a trainee earned, on average."""

    skill: str
    name: str
    share: float


def weakest_skill(cards: Sequence[Mapping[str, Any]]) -> SkillShare | None:
    """The rubric skill with the lowest average share of its points across scorecards (the Slack Home tab's)."""
    totals: dict[str, list[float]] = {}
    for card in cards:
        for skill, share in skill_shares(card).items():
            totals.setdefault(skill, []).append(share)
    weakest = _weakest(totals)
    if weakest is None:
        return None
    return {"skill": weakest, "name": SKILLS[weakest].name, "share": round(mean(totals[weakest]), 3)}


def progress(sessions: Iterable[ScoredSession]) -> list[TraineeProgress]:
    """Every trainee's progress, by name."""
    by_trainee: dict[str, list[ScoredSession]] = {}
    for s in sessions:
        by_trainee.setdefault(s.trainee, []).append(s)
    return [trainee_progress(name, by_trainee[name]) for name in sorted(by_trainee, key=str.lower)]


def team_skill_averages(sessions: Iterable[ScoredSession]) -> dict[str, float]:
    """Each skill's average share over all the sessions given."""
    totals: dict[str, list[float]] = {}
    for s in sessions:
        for skill, share in s.skills.items():
            totals.setdefault(skill, []).append(share)
    return {skill: mean(values) for skill, values in totals.items()}
