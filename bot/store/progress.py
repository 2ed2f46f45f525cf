"""Reads for a trainee's progress (the Slack Home tab): recent sessions with their scorecards, their assignments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.store import accounts
from bot.store import assignments as assignments_store
from bot.store.models import PracticeSession


def recent_sessions(db: Session, trainee: str, limit: int = 10) -> list[PracticeSession]:
    """The trainee's latest sessions on any channel, newest first, with their scorecards."""
    query = (select(PracticeSession).where(PracticeSession.trainee == trainee)
             .order_by(PracticeSession.started_at.desc()).limit(limit).options(selectinload(PracticeSession.scorecard)))
    return list(db.scalars(query))


def assignments(db: Session, trainee: str) -> list[dict[str, Any]]:
    """The practice the trainee's coach assigned them or their team: [{"scenario", "difficulty", "due", "note"}].

    A trainee known only by a name with no account (a Slack user not mapped to one) has none.
    """
    user = accounts.find_user(db, trainee)
    if user is None:
        return []
    return [{"scenario": a.scenario_id, "difficulty": a.difficulty, "due": a.due_on.isoformat(), "note": a.note}
            for a in assignments_store.for_trainee(db, user)]
