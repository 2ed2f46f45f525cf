"""A small JSON API for the Slack channel (which runs inside Rasa and cannot read the app tables itself).

Every route needs `Authorization: Bearer <TRAINER_API_TOKEN>`; without a configured token the API is off (503).
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bot.practice import library
from bot.scenarios.loader import Library
from bot.scoring.progress import weakest_skill
from bot.settings import get_settings
from bot.store import progress
from bot.store.db import get_db


def authorised(authorization: str = Header("")) -> None:
    """Only callers holding the shared token."""
    token = get_settings().trainer_api_token
    if not token:
        raise HTTPException(503, "The trainer API is off: set TRAINER_API_TOKEN for the web app and the Slack channel.")
    if not hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        raise HTTPException(401, "Missing or wrong trainer API token.")


router = APIRouter(prefix="/api/trainer", dependencies=[Depends(authorised)])


class ScenarioChoice(BaseModel):
    id: str
    title: str
    aliases: list[str]
    difficulties: list[str]


class SessionLine(BaseModel):
    session_id: str
    scenario: str
    title: str
    difficulty: str
    channel: str
    started_at: str
    overall: int | None


class SkillShare(BaseModel):
    skill: str
    name: str
    share: float


class Assignment(BaseModel):
    scenario: str
    title: str
    difficulty: str | None = None
    due: str | None = None
    note: str = ""


class TraineeSummary(BaseModel):
    trainee: str
    sessions: list[SessionLine]
    weakest_skill: SkillShare | None
    assignments: list[Assignment]


@router.get("/scenarios")
def scenarios() -> list[ScenarioChoice]:
    """The scenarios the picker offers, with the words trainees may call them by."""
    return [ScenarioChoice(id=s.id, title=s.title, aliases=list(s.aliases), difficulties=list(s.difficulties))
            for s in sorted(library().scenarios.values(), key=lambda s: s.id)]


@router.get("/trainees/{trainee}/summary")
def trainee_summary(trainee: str, db: Session = Depends(get_db)) -> TraineeSummary:
    """Recent sessions and scores, the weakest skill across the scored ones, and the coach's assignments."""
    sessions = progress.recent_sessions(db, trainee)
    lib = library()
    lines = []
    for s in sessions:
        scenario = lib.get(s.scenario_id)
        lines.append(SessionLine(
            session_id=s.id, scenario=s.scenario_id, title=scenario.title if scenario else s.scenario_id, difficulty=s.difficulty,
            channel=s.channel, started_at=s.started_at.isoformat(), overall=s.scorecard.overall if s.scorecard else None))
    weakest = weakest_skill([s.scorecard.data for s in sessions if s.scorecard])
    return TraineeSummary(trainee=trainee, sessions=lines, weakest_skill=SkillShare(**weakest) if weakest else None,
                          assignments=[Assignment(title=_title(lib, a["scenario"]), **a) for a in progress.assignments(db, trainee)])


def _title(lib: Library, scenario_id: str) -> str:
    scenario = lib.get(scenario_id)
    return scenario.title if scenario else scenario_id
