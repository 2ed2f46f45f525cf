"""Assignments: create them, list them for a coach or a trainee, and who has done them with what score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.store.models import Assignment, PracticeSession, Scorecard, Team, User, utcnow
from bot.store.text import form_text

#: The longest note an assignment keeps.
MAX_NOTE = 1000


@dataclass(frozen=True)
class Completion:
    """One assignee's standing on one assignment."""

    trainee: str
    done: bool
    best_score: int | None
    done_at: datetime | None
    late: bool
    session_id: str | None


def create(db: Session, coach: User, scenario_id: str, difficulty: str, due_on: date, *, user: User | None = None,
           team: Team | None = None, note: str = "") -> Assignment:
    """Assign a scenario to one trainee or one team."""
    assignment = Assignment(scenario_id=scenario_id, difficulty=difficulty, due_on=due_on, user_id=user.id if user else None,
                            team_id=team.id if team else None, note=form_text(note, MAX_NOTE), created_by=coach.id, created_at=utcnow())
    db.add(assignment)
    db.commit()
    return assignment


def _loaded(query: Select) -> Select:
    return query.options(selectinload(Assignment.user), selectinload(Assignment.team).selectinload(Team.members),
                         selectinload(Assignment.coach)).order_by(Assignment.due_on, Assignment.id)


def for_coach(db: Session, coach: User) -> Sequence[Assignment]:
    """The assignments a coach may follow: their team's (and their own); an admin's: all."""
    query = select(Assignment)
    if coach.role != "admin":
        team_members = select(User.id).where(User.team_id == coach.team_id) if coach.team_id else select(User.id).where(User.id == -1)
        query = query.where(or_(Assignment.created_by == coach.id, Assignment.team_id == coach.team_id,
                                Assignment.user_id.in_(team_members)))
    return db.scalars(_loaded(query)).all()


def for_trainee(db: Session, trainee: User) -> Sequence[Assignment]:
    """The assignments set for this trainee or their team."""
    conditions = [Assignment.user_id == trainee.id]
    if trainee.team_id is not None:
        conditions.append(Assignment.team_id == trainee.team_id)
    return db.scalars(_loaded(select(Assignment).where(or_(*conditions)))).all()


def assignees(assignment: Assignment) -> list[User]:
    """Who is to do it: the trainee, or the team's trainees."""
    if assignment.user is not None:
        return [assignment.user]
    members = assignment.team.members if assignment.team else []
    return sorted((u for u in members if u.role == "trainee" and u.active), key=lambda u: u.username.lower())


def completions(db: Session, assignment: Assignment, only: User | None = None) -> list[Completion]:
    """Each assignee's (or only this one's) ended sessions of this scenario and difficulty since it was assigned."""
    out = []
    for user in [only] if only is not None else assignees(assignment):
        rows = db.execute(
            select(PracticeSession, Scorecard).join(Scorecard, Scorecard.session_id == PracticeSession.id)
            .where(PracticeSession.user_id == user.id, PracticeSession.scenario_id == assignment.scenario_id,
                   PracticeSession.difficulty == assignment.difficulty, PracticeSession.started_at >= assignment.created_at)
            .order_by(PracticeSession.started_at)
        ).all()
        if not rows:
            out.append(Completion(user.username, False, None, None, date.today() > assignment.due_on, None))
            continue
        scored = [(card.coach_overall if card.coach_overall is not None else card.overall, session) for session, card in rows]
        best, best_session = max(scored, key=lambda pair: pair[0])
        first = rows[0][0].ended_at or rows[0][0].started_at
        out.append(Completion(user.username, True, best, first, first.date() > assignment.due_on, best_session.id))
    return out
