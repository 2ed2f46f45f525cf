"""Reads for a trainee's progress (the Slack Home tab): recent sessions with their scorecards, assignments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.store.models import PracticeSession


def recent_sessions(db: Session, trainee: str, limit: int = 10) -> list[PracticeSession]:
    """The trainee's latest sessions on any channel, newest first, with their scorecards."""
    query = (select(PracticeSession).where(PracticeSession.trainee == trainee)
             .order_by(PracticeSession.started_at.desc()).limit(limit).options(selectinload(PracticeSession.scorecard)))
    return list(db.scalars(query))


def assignments(db: Session, trainee: str) -> list[dict[str, Any]]:
    """Practice the trainee's coach assigned: none until the coach console's tables land.

    The seam: return [{"scenario", "title", "difficulty", "due", "note"}] from the console's tables here.
    """
    return []
