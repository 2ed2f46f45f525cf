"""Practice sessions as Rasa's tracker store tells them: the events read (never written), one practice action's run at a
time, and the turns bot.practice stored in each run.

After each exchange the actions set the `session_id` and `practice` slots (actions/delivery.py), so one practice action's
run, read with the slots before and after it, says which session bot.practice wrote to and what it stored: the customer's
opening when a session begins, the trainee's words and the customer's reply when the turn count moves on, the trainee's
words alone when they were too long or went unanswered.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import bindparam, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot import practice
from bot.rasa_endpoints import EndpointsError, tracker_store
from bot.scenarios import engine
from bot.scenarios.model import names_feeling
from bot.skills.labels import Detection
from bot.store.text import storable

#: The event types that say what happened in a practice session.
EVENT_TYPES = ("user", "bot", "slot", "action", "restart", "session_started")
#: The actions that can store turns (each of them may answer in character).
PRACTICE_ACTIONS = frozenset({"action_start_practice", "action_customer_reply", "action_give_hint", "action_end_practice",
                              "action_restart"})
UNANSWERED = str(practice.CustomerUnavailable())


class RecoveryError(ValueError):
    """A tracker store that cannot be read; the message says why."""


@dataclass
class Run:
    """One practice action's run: what the trainee had said, the bot's messages, the slots before and after it."""

    said: str
    metadata: dict[str, Any]
    channel: str
    at: float
    before: dict[str, Any]
    after: dict[str, Any] = field(default_factory=dict)
    bots: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)  # (timestamp, text, live payload)


@dataclass
class RebuiltTurn:
    """A turn as bot.practice stored it, rebuilt from the events."""

    speaker: str
    text: str
    stage: str
    frustration: int
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] | None = None  # a trainee turn whose skills to detect: the customer's state before it
    detections: list[Detection] = field(default_factory=list)


@dataclass
class TrackedSession:
    """A practice session as the tracker store tells it."""

    id: str
    sender_id: str
    channel: str
    trainee: str | None
    started_at: datetime
    state: dict[str, Any]
    turns: list[RebuiltTurn] = field(default_factory=list)
    ended_at: datetime | None = None


def readable_url(url: str) -> str:
    """A read-only SQLAlchemy URL for a tracker store URL as Rasa takes it (postgresql:// names no driver)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise RecoveryError(f"'{url}' is not a database URL (sqlite:///path or postgresql://user@host/db)") from exc
    try:
        tracker_store(url)  # the tracker stores Rasa is configured with here: SQLite or PostgreSQL
    except EndpointsError as exc:
        raise RecoveryError(str(exc).replace("TRACKER_STORE_URL", "the tracker store URL")) from exc
    if parsed.get_backend_name() == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).is_file():
        raise RecoveryError(f"there is no tracker store at {parsed.database or url} (give --tracker or set TRACKER_STORE_URL)")
    return f"sqlite:///file:{quote(str(Path(parsed.database).resolve()))}?mode=ro&uri=true"


def read_conversations(url: str, sender: str | None = None) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Each conversation's events in order, as (sender id, events)."""
    readable = readable_url(url)
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        store = create_engine(readable, execution_options={"stream_results": True, **(
            {"postgresql_readonly": True} if "postgresql" in readable else {})})
    except (ArgumentError, ImportError) as exc:
        raise RecoveryError(f"cannot open the tracker store {shown}: {exc}") from exc
    query = text("SELECT sender_id, type_name, timestamp, data FROM events WHERE type_name IN :types"
                 + (" AND sender_id = :sender" if sender else "") + " ORDER BY sender_id, id")
    try:
        with store.connect() as connection:
            if not inspect(connection).has_table("events"):
                raise RecoveryError(f"{shown} has no events table: is it Rasa's tracker store?")
            rows = connection.execute(query.bindparams(bindparam("types", expanding=True)),
                                      {"types": list(EVENT_TYPES), **({"sender": sender} if sender else {})})
            for sender_id, group in itertools.groupby(rows, key=lambda row: str(row.sender_id)):
                yield sender_id, [_event(row) for row in group]
    except SQLAlchemyError as exc:
        raise RecoveryError(f"cannot read the tracker store {shown}: {getattr(exc, 'orig', None) or exc}") from exc
    finally:
        store.dispose()


def _event(row: Any) -> dict[str, Any]:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        data = None
    return {"event": row.type_name, "timestamp": row.timestamp or 0.0, **(data if isinstance(data, dict) else {})}


def _payload(event: dict[str, Any]) -> dict[str, Any]:
    """The live payload a bot message carries (actions/delivery.py), or {}."""
    value: Any = event
    for key in ("data", "custom", "data"):
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def runs(events: Iterable[dict[str, Any]]) -> list[Run]:
    """The practice actions' runs in one conversation, with the slots as Rasa's tracker had them."""
    slots: dict[str, Any] = {}
    user: dict[str, Any] = {}
    found: list[Run] = []
    current: Run | None = None
    for event in events:
        kind = event.get("event")
        if kind in ("action", "user") and current is not None:
            current.after, current = dict(slots), None
        if kind == "user":
            user = event
        elif kind == "slot":
            slots[str(event.get("name"))] = event.get("value")
        elif kind in ("restart", "session_started"):
            slots = {}
        elif kind == "bot" and current is not None:
            current.bots.append((float(event.get("timestamp") or 0.0), str(event.get("text") or ""), _payload(event)))
        elif kind == "action" and event.get("name") in PRACTICE_ACTIONS:
            metadata = user.get("metadata")
            current = Run(str(user.get("text") or ""), metadata if isinstance(metadata, dict) else {},
                          str(user.get("input_channel") or "rest"), float(event.get("timestamp") or 0.0), dict(slots))
            found.append(current)
    if current is not None:
        current.after = dict(slots)
    return found


def _turn(speaker: str, text: str, state: dict[str, Any], at: float, details: dict[str, Any], detect: bool = False) -> RebuiltTurn:
    """A rebuilt turn, in the state the customer was in when bot.practice stored it."""
    return RebuiltTurn(speaker, text, str(state.get("stage") or "receiving"), int(state.get("frustration") or 0),
                       datetime.fromtimestamp(at, UTC), {**details, "recovered": True}, state if detect else None)


def exchange(run: Run) -> tuple[str, list[RebuiltTurn], dict[str, Any] | None] | None:
    """(session id, the turns bot.practice stored, the state after) for one run, or None when it stored nothing."""
    said = storable(run.said).strip()
    before_id, before = run.before.get("session_id"), run.before.get("practice")
    if any(message == UNANSWERED for _, message, _ in run.bots):  # the trainee's words were stored, no reply came
        if isinstance(before_id, str) and isinstance(before, dict) and said:
            return before_id, [_turn("trainee", said, before, run.at, {})], None
        return None
    session_id, after = run.after.get("session_id"), run.after.get("practice")
    if not isinstance(session_id, str) or not isinstance(after, dict):
        return None
    scenario = practice.library().get(str(after.get("scenario_id")))
    messages = [message for _, message, _ in run.bots]
    new = session_id != before_id
    if new:
        if scenario is None or after.get("difficulty") not in scenario.difficulties:
            raise LookupError(f"the scenario '{after.get('scenario_id')}' ({after.get('difficulty')}) is not installed")
        opening_state, opening = engine.start(scenario, str(after.get("difficulty")), seed=int(after.get("seed") or 0))
        before = opening_state.to_dict() if int(after.get("turn") or 0) > 0 else after
    if not isinstance(before, dict):
        return None
    replied = int(after.get("turn") or 0) == int(before.get("turn") or 0) + 1
    too_long = not replied and bool(said) and bool(messages) and messages[-1].startswith(
        practice.too_long(len(said), 1).split(";")[0] + ";")
    first = len(messages) - (1 if too_long or (replied and after.get("outcome")) else 0) - int(new) - int(replied)
    if first < 0:  # not a run bot.practice made
        return None
    turns = [_turn("customer", messages[first], before, run.bots[first][0], {"reactions": list(opening.reactions)})] if new else []
    if replied or too_long:
        turns.append(_turn("trainee", said, before, run.at, {"too_long": True} if too_long else {}, detect=replied))
    if replied:
        at, message, payload = run.bots[first + int(new)]
        told = list(after.get("told") or [])[len(before.get("told") or []):]
        felt = [f for f in (scenario.feelings if scenario else ()) if names_feeling(message, f)]
        turns.append(_turn("customer", message, after, at,
                           {"reactions": list(payload.get("reactions") or []), "told": told, "feelings": felt}))
    return session_id, turns, after


def tracked_sessions(sender: str, events: Iterable[dict[str, Any]]) -> tuple[list[TrackedSession], dict[str, str]]:
    """The practice sessions of one conversation, and the ones that cannot be rebuilt (session id -> why)."""
    sessions: dict[str, TrackedSession] = {}
    problems: dict[str, str] = {}
    for run in runs(events):
        try:
            found = exchange(run)
        except (LookupError, TypeError, ValueError) as exc:  # a scenario gone, or events not as the actions write them
            session_id = str(run.after.get("session_id"))
            problems[session_id] = str(exc)
            sessions.pop(session_id, None)
            continue
        if found is None or found[0] in problems:
            continue
        session_id, turns, state = found
        if session_id not in sessions:
            if state is None:
                continue
            claimed = run.metadata.get("trainee")
            trainee = practice.attributed(claimed, run.metadata.get("trainee_pass"), run.channel) if claimed else None
            sessions[session_id] = TrackedSession(session_id, sender, run.channel, trainee, datetime.fromtimestamp(run.at, UTC), state)
        session = sessions[session_id]
        session.turns.extend(turns)
        if state is not None:
            session.state = state
            if state.get("outcome") and session.ended_at is None:
                session.ended_at = datetime.fromtimestamp(run.at, UTC)
    return list(sessions.values()), problems
