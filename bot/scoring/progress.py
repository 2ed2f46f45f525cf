"""A trainee's progress across sessions: which skill they are weakest at (pure, plain data in and out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from bot.scoring.scorecard import RUBRIC
from bot.skills.labels import SKILL_NAMES, STAGES


class SkillShare(TypedDict):
    """A skill and the share of its points a trainee earned, on average."""

    skill: str
    name: str
    share: float


def weakest_skill(cards: Sequence[dict[str, Any]]) -> SkillShare | None:
    """The rubric skill with the lowest average share of its points across scorecards (rubric order breaks ties)."""
    if not cards:
        return None
    best: SkillShare | None = None
    for stage in STAGES:
        for skill, maximum in RUBRIC[stage]:
            shares = [max(0, int(((card.get("skills") or {}).get(skill) or {}).get("points") or 0)) / maximum for card in cards]
            share = round(sum(shares) / len(shares), 3)
            if best is None or share < best["share"]:
                best = {"skill": skill, "name": SKILL_NAMES[skill], "share": share}
    return best
