"""The app's own tables: accounts and teams, practice sessions, their turns, detected skills and scorecards."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time with its zone: naive ones (as SQLite returns them) are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class Base(DeclarativeBase):
    """Base of every table."""


#: The roles, from least to most seeing: a trainee sees their own sessions, a coach their team's, an admin all.
ROLES: tuple[str, ...] = ("trainee", "coach", "admin")


class Team(Base):
    """A group of trainees and their coaches."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="team")


class User(Base):
    """An account: a trainee, a coach or an admin. No password hash means not activated yet."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[str] = mapped_column(String(16), default="trainee")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), nullable=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    team: Mapped[Team | None] = relationship(back_populates="members")


class PracticeSession(Base):
    """One trainee playing one scenario at one difficulty, from start to scorecard."""

    __tablename__ = "practice_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    trainee: Mapped[str] = mapped_column(String(255), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    channel: Mapped[str] = mapped_column(String(64), default="rest")
    scenario_id: Mapped[str] = mapped_column(String(128))
    difficulty: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(32), nullable=True)
    nps: Mapped[int | None] = mapped_column(Integer, nullable=True)

    user: Mapped[User | None] = relationship()
    turns: Mapped[list[Turn]] = relationship(back_populates="session", order_by="Turn.index", cascade="all, delete-orphan")
    scorecard: Mapped[Scorecard | None] = relationship(back_populates="session", cascade="all, delete-orphan")


class Turn(Base):
    """One message, by the trainee or the customer."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "index", name="uq_turn_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(32))
    mood: Mapped[str | None] = mapped_column(String(32), nullable=True)
    frustration: Mapped[int | None] = mapped_column(Integer, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[PracticeSession] = relationship(back_populates="turns")
    detections: Mapped[list[SkillDetection]] = relationship(back_populates="turn", cascade="all, delete-orphan")


class SkillDetection(Base):
    """A skill found in a trainee turn, with its evidence span."""

    __tablename__ = "skill_detections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64), index=True)
    span: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)

    turn: Mapped[Turn] = relationship(back_populates="detections")


class Scorecard(Base):
    """The scorecard of an ended session."""

    __tablename__ = "scorecards"

    session_id: Mapped[str] = mapped_column(ForeignKey("practice_sessions.id", ondelete="CASCADE"), primary_key=True)
    overall: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The score recomputed from the coach's corrected labels; the detector's stays in overall/data.
    coach_overall: Mapped[int | None] = mapped_column(Integer, nullable=True)
    coach_data: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    session: Mapped[PracticeSession] = relationship(back_populates="scorecard")


class SessionReview(Base):
    """A coach's review of a session: the summary note the trainee sees, and that it was reviewed."""

    __tablename__ = "session_reviews"

    session_id: Mapped[str] = mapped_column(ForeignKey("practice_sessions.id", ondelete="CASCADE"), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    reviewer: Mapped[User | None] = relationship()


class TurnComment(Base):
    """A coach's comment on one turn, shown to the trainee."""

    __tablename__ = "turn_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()


class LabelCorrection(Base):
    """A coach adds or removes a skill label on a trainee turn, with a reason (the audit trail; never edited)."""

    __tablename__ = "label_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(8))  # "add" or "remove"
    reason: Mapped[str] = mapped_column(Text)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    coach: Mapped[User | None] = relationship()
    turn: Mapped[Turn] = relationship()


class Assignment(Base):
    """A coach asks a trainee, or a whole team, to play a scenario at a difficulty by a due date."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_id: Mapped[str] = mapped_column(String(128))
    difficulty: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=True, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    team: Mapped[Team | None] = relationship()
    coach: Mapped[User | None] = relationship(foreign_keys=[created_by])
