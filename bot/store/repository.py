"""All reads and writes of the app tables (the one data-access module)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.skills.labels import Detection
from bot.store.models import PracticeSession, Scorecard, SkillDetection, Turn, User, utcnow


def _owner(db: Session, name: str) -> int | None:
    """The id of the account a trainee name belongs to, if any (names match without case or extra spaces)."""
    return db.scalars(select(User.id).where(func.lower(User.username) == " ".join(name.split()).lower())).first()


def _stored(detection: Detection, turn_id: int | None = None) -> SkillDetection:
    """A detected skill as the table keeps it."""
    return SkillDetection(turn_id=turn_id, label=detection.label, span=detection.span, start=detection.start,
                          end=detection.end, confidence=detection.confidence)


def _account_of(db: Session, trainee: str | None) -> int | None:
    """The account a session belongs to: only a trainee the channel vouched for (bot.attribution), never a bare sender
    id that happens to be someone's username."""
    return _owner(db, trainee) if trainee else None


def start_session(db: Session, sender_id: str, scenario_id: str, difficulty: str, trainee: str | None = None, channel: str = "rest",
                  commit: bool = True) -> PracticeSession:
    """Open a new practice session for a sender, attributed to the account named as trainee (if any: the channel
    vouched for it); else it is the sender id's, whatever that id is. `commit=False` leaves it to the caller's
    transaction (the customer's opening line is stored with it)."""
    session = PracticeSession(
        id=str(uuid.uuid4()), sender_id=sender_id, trainee=trainee or sender_id, user_id=_account_of(db, trainee), channel=channel,
        scenario_id=scenario_id, difficulty=difficulty, started_at=utcnow(),
    )
    db.add(session)
    if commit:
        db.commit()
    else:
        db.flush()
    return session


def get_session(db: Session, session_id: str) -> PracticeSession | None:
    """A session by id, with its turns, detections and scorecard."""
    query = select(PracticeSession).where(PracticeSession.id == session_id).options(
        selectinload(PracticeSession.turns).selectinload(Turn.detections), selectinload(PracticeSession.scorecard)
    )
    return db.scalars(query).first()


class SessionRefused(LookupError):
    """A session that this sender may not write to: missing, someone else's, or ended. The message says which."""


def open_session_of(db: Session, session_id: str, sender_id: str) -> PracticeSession:
    """The sender's own running session, or SessionRefused: nobody writes into another's, or an ended, session."""
    session = get_session(db, session_id)
    if session is None:
        raise SessionRefused("This practice session is not in the database any more; send /restart to begin again.")
    if session.sender_id != sender_id:
        raise SessionRefused("That practice session belongs to someone else; send /start to begin your own.")
    if session.ended_at is not None:
        raise SessionRefused("This practice session has ended. Send /restart to play it again, or /start to choose another scenario.")
    return session


def latest_session(db: Session, sender_id: str) -> PracticeSession | None:
    """The sender's most recent session."""
    query = select(PracticeSession.id).where(PracticeSession.sender_id == sender_id).order_by(PracticeSession.started_at.desc()).limit(1)
    session_id = db.scalars(query).first()
    return get_session(db, session_id) if session_id else None


def record_turn(
    db: Session, session_id: str, speaker: str, text: str, stage: str, *,
    mood: str | None = None, frustration: int | None = None,
    detections: Sequence[Detection] = (), details: dict[str, Any] | None = None,
) -> Turn:
    """Append one turn (and its detected skills) to a session."""
    position = db.scalar(select(func.coalesce(func.max(Turn.index), -1)).where(Turn.session_id == session_id))
    turn = Turn(
        session_id=session_id, index=int(position if position is not None else -1) + 1, speaker=speaker, text=text,
        stage=stage, mood=mood, frustration=frustration, details=details or {}, created_at=utcnow(),
    )
    turn.detections = [_stored(d) for d in detections]
    db.add(turn)
    db.commit()
    return turn


def add_detections(db: Session, turn_id: int, detections: Sequence[Detection]) -> None:
    """Attach the skills found in a stored trainee turn."""
    db.add_all(_stored(d, turn_id) for d in detections)
    db.commit()


def detections_of(db: Session, turn_id: int) -> list[SkillDetection]:
    """The skills stored for one trainee turn."""
    return list(db.scalars(select(SkillDetection).where(SkillDetection.turn_id == turn_id)))


def answered(db: Session, turn_id: int) -> bool:
    """Whether a turn has been followed by another in its session (the customer's reply, when it is the trainee's)."""
    turn = db.get(Turn, turn_id)
    return turn is not None and db.scalar(
        select(func.count()).select_from(Turn).where(Turn.session_id == turn.session_id, Turn.index > turn.index)) != 0


def end_session(db: Session, session_id: str, outcome: str, nps: int | None, *, commit: bool = True) -> None:
    """Mark a session ended (committed with the caller's next commit when `commit` is False)."""
    session = db.get(PracticeSession, session_id)
    if session is not None and session.ended_at is None:
        session.ended_at = utcnow()
        session.outcome = outcome
        session.nps = nps
        if commit:
            db.commit()


def save_scorecard(db: Session, session_id: str, card: dict[str, Any]) -> None:
    """Store (or replace) a session's scorecard."""
    existing = db.get(Scorecard, session_id)
    if existing is None:
        db.add(Scorecard(session_id=session_id, overall=int(card["overall"]), data=card, created_at=utcnow()))
    else:
        existing.overall = int(card["overall"])
        existing.data = card
    db.commit()


def turn_records(session: PracticeSession) -> list[dict[str, Any]]:
    """A session's turns as plain data (what the scoring reads)."""
    return [
        {
            "index": t.index, "speaker": t.speaker, "text": t.text, "stage": t.stage, "mood": t.mood,
            "frustration": t.frustration, "feelings": t.details.get("feelings", []), "told": t.details.get("told", []),
            "detections": [
                {"label": d.label, "span": d.span, "start": d.start, "end": d.end, "confidence": d.confidence}
                for d in t.detections
            ],
        }
        for t in session.turns
    ]


def transcript(session: PracticeSession) -> list[dict[str, Any]]:
    """Who said what, in order (`index`: the turn's number, as the scorecard's evidence and Moments of Truth name it)."""
    return [{"index": t.index, "speaker": t.speaker, "text": t.text, "stage": t.stage, "mood": t.mood} for t in session.turns]


@dataclass(frozen=True)
class RestoredSession:
    """A session as rebuilt from elsewhere (`bot rescore`, from Rasa's tracker store): who, what, when it started and ended."""

    id: str
    sender_id: str
    #: the trainee the channel vouched for (None: the session is the sender id's).
    trainee: str | None
    channel: str
    scenario_id: str
    difficulty: str
    started_at: datetime
    ended_at: datetime | None = None  # set to mark the session ended
    outcome: str | None = None
    nps: int | None = None


@dataclass(frozen=True)
class NewTurn:
    """A turn to put into a session at its place, with the skills found in it."""

    speaker: str
    text: str
    stage: str
    mood: str | None
    frustration: int
    at: datetime
    details: dict[str, Any]
    detections: Sequence[Detection] = ()


def restore_session(db: Session, restored: RestoredSession, turns: Sequence[Turn | NewTurn] | None, create: bool) -> None:
    """In one transaction: create the session (when `create`), mark it ended (when `restored.ended_at`), and lay out its
    turns in the order given (when `turns`): stored turns keep their ids and move to their new places, new ones are added."""
    if create:
        db.add(PracticeSession(id=restored.id, sender_id=restored.sender_id, trainee=restored.trainee or restored.sender_id,
                               user_id=_account_of(db, restored.trainee), channel=restored.channel,
                               scenario_id=restored.scenario_id, difficulty=restored.difficulty, started_at=restored.started_at))
        db.flush()
    session = db.get(PracticeSession, restored.id)
    assert session is not None
    if restored.ended_at is not None:
        session.ended_at, session.outcome, session.nps = restored.ended_at, restored.outcome, restored.nps
    if turns is not None:
        _lay_out(db, restored.id, turns)
    db.commit()


def _lay_out(db: Session, session_id: str, turns: Sequence[Turn | NewTurn]) -> None:
    """Stored turns move through free (negative) indexes to their places, so the unique index never clashes."""
    for n, turn in enumerate(t for t in turns if isinstance(t, Turn)):
        turn.index = -1 - n
    db.flush()
    for position, item in enumerate(turns):
        if isinstance(item, Turn):
            item.index = position
            continue
        db.add(Turn(session_id=session_id, index=position, speaker=item.speaker, text=item.text, stage=item.stage,
                    mood=item.mood, frustration=item.frustration, details=item.details, created_at=item.at, detections=[_stored(d) for d in item.detections]))
    db.flush()
