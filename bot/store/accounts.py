"""Accounts and teams: reads, writes, password hashing (argon2id) and signing in."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from bot.store.models import ROLES, PracticeSession, Team, User, utcnow

MAX_USERNAME = 64
MIN_PASSWORD = 8
_hasher = PasswordHasher()
#: Checked against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A request about accounts that cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Added:
    """What adding (or updating) an account did."""

    user: User
    created: bool
    attached_sessions: int
    password: str | None = None  # set when it was generated here, to show once


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether a password matches a stored hash (False for no hash)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random password that is easy to type."""
    return secrets.token_urlsafe(12)


def clean_username(name: str) -> str:
    """A username as stored: inner whitespace collapsed; raises AccountError when empty or too long."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise AccountError("A username cannot be empty.")
    if len(cleaned) > MAX_USERNAME:
        raise AccountError(f"A username has at most {MAX_USERNAME} characters.")
    if not cleaned.isprintable():
        raise AccountError("A username cannot hold control characters (such as NUL).")
    return cleaned


def check_password(password: str) -> str:
    """The password, if it is long enough; raises AccountError otherwise."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    return password


def find_user(db: Session, username: str) -> User | None:
    """An account by username, whatever the case."""
    name = " ".join((username or "").split()).lower()
    return db.scalars(select(User).where(func.lower(User.username) == name).options(selectinload(User.team))).first()


def get_user(db: Session, user_id: int) -> User | None:
    """An account by id, with its team."""
    return db.scalars(select(User).where(User.id == user_id).options(selectinload(User.team))).first()


def list_users(db: Session) -> Sequence[User]:
    """Every account, by username."""
    return db.scalars(select(User).options(selectinload(User.team)).order_by(func.lower(User.username))).all()


def list_teams(db: Session) -> Sequence[Team]:
    """Every team, by name."""
    return db.scalars(select(Team).order_by(Team.name)).all()


def ensure_team(db: Session, name: str) -> Team:
    """The team of that name, created when missing."""
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > 128 or not cleaned.isprintable():
        raise AccountError("A team name needs 1 to 128 printable characters.")
    team = db.scalars(select(Team).where(func.lower(Team.name) == cleaned.lower())).first()
    if team is None:
        team = Team(name=cleaned, created_at=utcnow())
        db.add(team)
        db.flush()
    return team


def add_user(db: Session, username: str, role: str, team: str | None = None, password: str | None = None) -> Added:
    """Create an account, or activate/update one (a placeholder from stored sessions, or a re-import).

    With no password given, a new account (or one without a password yet) gets a generated one,
    returned once in `Added.password`; an existing account keeps its own. Sessions stored under the
    same trainee name and not yet attached become this account's.
    """
    name = clean_username(username)
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
    if password is not None:
        check_password(password)
    user = find_user(db, name)
    created = user is None
    if user is None:
        user = User(username=name, role=role, active=True, created_at=utcnow())
        db.add(user)
    generated = None
    if password is None and user.password_hash is None:
        generated = password = generate_password()
    user.role = role
    user.active = True
    if password is not None:
        user.password_hash = hash_password(password)
    user.team = ensure_team(db, team) if team else user.team
    db.flush()
    attached = attach_sessions(db, user)
    db.commit()
    return Added(user, created, attached, generated)


def attach_sessions(db: Session, user: User) -> int:
    """Attach the sessions stored under this account's name that belong to nobody yet; how many. A session whose
    trainee is only its sender id was vouched for by nobody (scripted use): a sender id that matches a username
    makes nobody's practice theirs."""
    result = db.execute(
        update(PracticeSession)
        .where(PracticeSession.user_id.is_(None), func.lower(func.trim(PracticeSession.trainee)) == user.username.lower(),
               PracticeSession.trainee != PracticeSession.sender_id)
        .values(user_id=user.id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active account with this username and password, else None (in about the same time either way)."""
    # No account's name holds a control character (clean_username), and PostgreSQL refuses NUL in a query.
    user = find_user(db, username) if username and username.isprintable() else None
    ok = verify_password(user.password_hash if user else None, password or "")
    return user if ok and user is not None and user.active else None


def has_admin(db: Session) -> bool:
    """Whether an active admin with a password exists."""
    query = select(User.id).where(User.role == "admin", User.active.is_(True), User.password_hash.is_not(None)).limit(1)
    return db.scalars(query).first() is not None


def update_user(db: Session, user_id: int, *, role: str | None = None, team: str | None = None,
                active: bool | None = None, password: str | None = None) -> User:
    """Change an account's role, team ('' for none), active flag or password."""
    user = get_user(db, user_id)
    if user is None:
        raise AccountError("There is no such account.")
    if role is not None:
        if role not in ROLES:
            raise AccountError(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
        user.role = role
    if team is not None:
        user.team = ensure_team(db, team) if team.strip() else None
    if active is not None:
        user.active = active
    if password is not None:
        user.password_hash = hash_password(check_password(password))
    db.commit()
    return user


def can_see(viewer: User, session: PracticeSession) -> bool:
    """A trainee sees their own sessions, a coach also their team's, an admin every session."""
    if viewer.role == "admin":
        return True
    if session.user_id is not None and session.user_id == viewer.id:
        return True
    if viewer.role == "coach" and viewer.team_id is not None and session.user is not None:
        return session.user.team_id == viewer.team_id
    return False
