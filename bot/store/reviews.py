"""The coach console's reads and writes: the session list with its filters, comments, notes, corrections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from bot.store.models import LabelCorrection, PracticeSession, Scorecard, SessionReview, Team, Turn, TurnComment, User, utcnow
from bot.store.text import form_text

SORTS: dict[str, str] = {"started": "date", "score": "score", "trainee": "trainee", "scenario": "scenario"}
MAX_COMMENT = 4000


@dataclass(frozen=True)
class SessionFilters:
    """What the coach's session list is narrowed to; every field optional."""

    trainee: str = ""
    team: str = ""
    scenario: str = ""
    difficulty: str = ""
    date_from: date | None = None
    date_to: date | None = None
    outcome: str = ""
    min_score: int | None = None
    max_score: int | None = None
    sort: str = "started"
    descending: bool = True
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class SessionRow:
    """One line of the session list."""

    id: str
    trainee: str
    team: str | None
    scenario_id: str
    difficulty: str
    started_at: datetime
    outcome: str | None
    detector_score: int | None
    coach_score: int | None
    reviewed: bool


@dataclass(frozen=True)
class SessionPage:
    """One page of the list, and how many match in all."""

    rows: list[SessionRow]
    total: int
    page: int
    pages: int


def visible(query: Select, viewer: User) -> Select:
    """Narrow a query over practice_sessions to what the viewer may see."""
    if viewer.role == "admin":
        return query
    owner = aliased(User)
    mine = PracticeSession.user_id == viewer.id
    if viewer.role == "coach" and viewer.team_id is not None:
        team_sessions = PracticeSession.user_id.in_(select(owner.id).where(owner.team_id == viewer.team_id))
        return query.where(or_(mine, team_sessions))
    return query.where(mine)


def _filtered(query: Select, f: SessionFilters) -> Select:
    score = func.coalesce(Scorecard.coach_overall, Scorecard.overall)
    conditions = []
    if f.trainee:
        conditions.append(func.lower(PracticeSession.trainee).contains(f.trainee.lower(), autoescape=True))
    if f.team:
        conditions.append(Team.name == f.team)
    if f.scenario:
        conditions.append(PracticeSession.scenario_id == f.scenario)
    if f.difficulty:
        conditions.append(PracticeSession.difficulty == f.difficulty)
    if f.date_from:
        conditions.append(PracticeSession.started_at >= datetime.combine(f.date_from, time.min, tzinfo=UTC))
    if f.date_to and f.date_to < date.max:  # up to the last day there is: no upper bound
        conditions.append(PracticeSession.started_at < datetime.combine(f.date_to + timedelta(days=1), time.min, tzinfo=UTC))
    if f.outcome == "running":
        conditions.append(PracticeSession.ended_at.is_(None))
    elif f.outcome:
        conditions.append(PracticeSession.outcome == f.outcome)
    if f.min_score is not None:
        conditions.append(score >= f.min_score)
    if f.max_score is not None:
        conditions.append(score <= f.max_score)
    return query.where(and_(*conditions)) if conditions else query


def _base() -> Select:
    query: Select = (select(PracticeSession, Scorecard, Team.name, SessionReview.session_id)
            .outerjoin(Scorecard, Scorecard.session_id == PracticeSession.id)
            .outerjoin(User, User.id == PracticeSession.user_id)
            .outerjoin(Team, Team.id == User.team_id)
            .outerjoin(SessionReview, SessionReview.session_id == PracticeSession.id))
    return query


def list_sessions(db: Session, viewer: User, f: SessionFilters) -> SessionPage:
    """The sessions the viewer may see that match the filters, sorted, one page."""
    query = _filtered(visible(_base(), viewer), f)
    total = int(db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    columns = {"started": PracticeSession.started_at, "score": func.coalesce(Scorecard.coach_overall, Scorecard.overall),
               "trainee": func.lower(PracticeSession.trainee), "scenario": PracticeSession.scenario_id}
    column = columns.get(f.sort, PracticeSession.started_at)
    order = column.desc() if f.descending else column.asc()
    per_page = max(1, min(f.per_page, 200))
    pages = max(1, -(-total // per_page))
    page = max(1, min(f.page, pages))
    query = query.order_by(order, PracticeSession.id).offset((page - 1) * per_page).limit(per_page)
    rows = [SessionRow(s.id, s.trainee, team, s.scenario_id, s.difficulty, s.started_at, s.outcome,
                       card.overall if card else None, card.coach_overall if card else None, reviewed is not None)
            for s, card, team, reviewed in db.execute(query).all()]
    return SessionPage(rows, total, page, pages)


@dataclass(frozen=True)
class Matching:
    """The matching session ids for an export, newest first, at most `limit` of them; `total` is how many matched."""

    ids: list[str]
    total: int

    @property
    def capped(self) -> bool:
        """Whether more sessions matched than the export holds."""
        return self.total > len(self.ids)


def matching_session_ids(db: Session, viewer: User, f: SessionFilters, limit: int) -> Matching:
    """The matching session ids (for exports), newest first, at most `limit` (1 or more); and how many matched in all."""
    limit = max(1, limit)
    query = _filtered(visible(_base(), viewer), f).with_only_columns(PracticeSession.id)
    ids = list(db.scalars(query.order_by(PracticeSession.started_at.desc(), PracticeSession.id).limit(limit + 1)))
    total = len(ids) if len(ids) <= limit else int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
    return Matching(ids[:limit], total)


def scenario_and_team_choices(db: Session, viewer: User) -> tuple[list[str], list[str]]:
    """The scenarios and teams that occur among the viewer's sessions, for the filter menus."""
    scenarios = db.scalars(visible(select(PracticeSession.scenario_id), viewer).distinct().order_by(PracticeSession.scenario_id)).all()
    if viewer.role == "admin":
        teams = db.scalars(select(Team.name).order_by(Team.name)).all()
    elif viewer.team is not None:
        teams = [viewer.team.name]
    else:
        teams = []
    return list(scenarios), list(teams)


def comments_by_turn(db: Session, session_id: str) -> dict[int, list[TurnComment]]:
    """The comments on a session's turns, by turn id, oldest first."""
    query = (select(TurnComment).join(Turn, Turn.id == TurnComment.turn_id).where(Turn.session_id == session_id)
             .options(selectinload(TurnComment.author)).order_by(TurnComment.created_at, TurnComment.id))
    out: dict[int, list[TurnComment]] = {}
    for comment in db.scalars(query):
        out.setdefault(comment.turn_id, []).append(comment)
    return out


def turn_of(db: Session, session_id: str, turn_id: int) -> Turn | None:
    """A turn, only if it belongs to this session."""
    turn = db.get(Turn, turn_id)
    return turn if turn is not None and turn.session_id == session_id else None


def add_comment(db: Session, turn: Turn, author: User, text: str) -> TurnComment:
    """A coach's comment on a turn."""
    comment = TurnComment(turn_id=turn.id, author_id=author.id, text=form_text(text, MAX_COMMENT), created_at=utcnow())
    db.add(comment)
    db.commit()
    return comment


def review_of(db: Session, session_id: str) -> SessionReview | None:
    """The session's review (summary note), if any."""
    return db.scalars(select(SessionReview).where(SessionReview.session_id == session_id)
                      .options(selectinload(SessionReview.reviewer))).first()


def save_review(db: Session, session_id: str, reviewer: User, note: str) -> SessionReview:
    """Store the summary note and mark the session reviewed by this coach (now)."""
    review = db.get(SessionReview, session_id)
    if review is None:
        review = SessionReview(session_id=session_id)
        db.add(review)
    review.note = form_text(note, MAX_COMMENT)
    review.reviewer_id = reviewer.id
    review.reviewed_at = utcnow()
    db.commit()
    return review


def corrections_of(db: Session, session_id: str) -> list[LabelCorrection]:
    """A session's label corrections, in the order they were made (the audit trail)."""
    query = (select(LabelCorrection).join(Turn, Turn.id == LabelCorrection.turn_id).where(Turn.session_id == session_id)
             .options(selectinload(LabelCorrection.coach), selectinload(LabelCorrection.turn))
             .order_by(LabelCorrection.created_at, LabelCorrection.id))
    return list(db.scalars(query))


def add_correction(db: Session, turn: Turn, coach: User, label: str, action: str, reason: str) -> LabelCorrection:
    """Record one correction (never edited or deleted afterwards)."""
    correction = LabelCorrection(turn_id=turn.id, label=label, action=action, reason=form_text(reason, MAX_COMMENT),
                                 coach_id=coach.id, created_at=utcnow())
    db.add(correction)
    db.commit()
    return correction


def save_coach_scorecard(db: Session, session_id: str, card: dict[str, Any] | None) -> None:
    """Store the score recomputed from the coach's labels (None: no corrections any more)."""
    scorecard = db.get(Scorecard, session_id)
    if scorecard is not None:
        scorecard.coach_data = card
        scorecard.coach_overall = int(card["overall"]) if card else None
        db.commit()


def reviewed_sessions(db: Session, viewer: User) -> Sequence[PracticeSession]:
    """Sessions the viewer may see that a coach reviewed or corrected, with their turns and detections."""
    corrected = select(Turn.session_id).join(LabelCorrection, LabelCorrection.turn_id == Turn.id)
    query = visible(select(PracticeSession), viewer).where(
        or_(PracticeSession.id.in_(select(SessionReview.session_id)), PracticeSession.id.in_(corrected)))
    query = query.options(selectinload(PracticeSession.turns).selectinload(Turn.detections))
    return db.scalars(query).all()


def corrections_by_turn(db: Session, session_ids: Sequence[str]) -> dict[int, list[LabelCorrection]]:
    """The corrections of many sessions, by turn id, in order."""
    if not session_ids:
        return {}
    query = (select(LabelCorrection).join(Turn, Turn.id == LabelCorrection.turn_id).where(Turn.session_id.in_(session_ids))
             .order_by(LabelCorrection.created_at, LabelCorrection.id))
    out: dict[int, list[LabelCorrection]] = {}
    for correction in db.scalars(query):
        out.setdefault(correction.turn_id, []).append(correction)
    return out


def scored_sessions(db: Session, viewer: User, trainee: str | None = None) -> list[tuple[str, datetime, Scorecard]]:
    """(whose, when, scorecard) of every ended, scored session the viewer may see; one trainee's if named."""
    query = visible(select(PracticeSession, Scorecard, User.username)
                    .join(Scorecard, Scorecard.session_id == PracticeSession.id)
                    .outerjoin(User, User.id == PracticeSession.user_id), viewer)
    if trainee:
        query = query.where(func.lower(func.coalesce(User.username, PracticeSession.trainee)) == trainee.lower())
    rows = db.execute(query.order_by(PracticeSession.started_at)).all()
    return [(username or session.trainee, session.started_at, card) for session, card, username in rows]
