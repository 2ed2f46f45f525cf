"""`python -m bot rescore`: rebuild practice sessions (turns and scorecards) from Rasa's tracker store, idempotently.

After each exchange the actions set the `session_id` and `practice` slots (actions/delivery.py), so one practice action's
run, read with the slots before and after it, says which session bot.practice wrote to and what it stored: the customer's
opening when a session begins, the trainee's words and the customer's reply when the turn count moves on, the trainee's
words alone when they were too long or went unanswered. Rebuilt turns are matched to the stored ones by speaker and
text, in order; only missing ones are added (stored turns keep their ids, so comments and corrections stay attached),
nothing is deleted, and ended sessions are scored again with bot.scoring. The tracker store is only read.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from sqlalchemy import bindparam, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot import practice
from bot.play import Detector, take_turn
from bot.rasa_endpoints import DEFAULT_TRACKER, EndpointsError, tracker_store
from bot.scenarios import engine
from bot.scenarios.model import Scenario, names_feeling
from bot.scoring.scorecard import TurnRecord, scorecard
from bot.skills.labels import Detection
from bot.store import repository
from bot.store.models import PracticeSession, SkillDetection, Turn, User

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


@dataclass
class Change:
    """What a run did (or would do) to one session."""

    session_id: str
    sender_id: str
    created: bool = False
    added: int = 0
    ended: bool = False
    scores: tuple[int | None, int] | None = None  # (before, after) when the scorecard changed
    problem: str | None = None

    def line(self, dry_run: bool) -> str:
        """One line of the report."""
        would = "would be " if dry_run else ""
        parts = [f"{would}created with {self.added} turn(s)"] if self.created else []
        parts += [f"{self.added} turn(s) {would}added"] if self.added and not self.created else []
        parts += [f"{would}marked ended"] if self.ended and not self.created else []
        if self.scores:
            old, new = self.scores
            parts.append(f"{would}scored {new}/100" if old is None else f"{would}rescored {old} -> {new}/100" if old != new
                         else f"{would}rescored (still {new}/100, the evidence changed)")
        status = f"skipped: {self.problem}" if self.problem else "; ".join(parts) or "unchanged"
        return f"{self.session_id}  {self.sender_id}  {status}"


def _readable_url(url: str) -> str:
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
    readable = _readable_url(url)
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
    said = practice.storable(run.said).strip()
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


def tracked_sessions(sender: str, events: Iterable[dict[str, Any]]) -> tuple[list[TrackedSession], list[Change]]:
    """The practice sessions of one conversation, and the ones that cannot be rebuilt."""
    sessions: dict[str, TrackedSession] = {}
    problems: dict[str, Change] = {}
    for run in runs(events):
        try:
            found = exchange(run)
        except (LookupError, TypeError, ValueError) as exc:  # a scenario gone, or events not as the actions write them
            session_id = str(run.after.get("session_id"))
            problems[session_id] = Change(session_id, sender, problem=str(exc))
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
    return list(sessions.values()), list(problems.values())


def merge(stored: list[Turn], rebuilt: list[RebuiltTurn]) -> list[Turn | RebuiltTurn]:
    """Stored and rebuilt turns in order, matched by speaker and text: every stored turn kept, the missing ones added."""
    matcher = SequenceMatcher(None, [(t.speaker, t.text) for t in stored], [(t.speaker, t.text) for t in rebuilt],
                              autojunk=False)
    merged: list[Turn | RebuiltTurn] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        merged.extend(stored[i1:i2])
        if tag != "equal":
            merged.extend(rebuilt[j1:j2])
    return merged


def _detect(scenario: Scenario, merged: list[Turn | RebuiltTurn], detector: Callable[[], Detector]) -> None:
    """The skills in each added trainee turn, found as bot.practice finds them (against what the customer had said)."""
    heard: list[str] = []
    for turn in merged:
        if turn.speaker == "customer":
            heard.append(turn.text)
        elif isinstance(turn, RebuiltTurn) and turn.state is not None and not turn.detections:
            state = engine.PracticeState.from_dict(turn.state)
            turn.detections = take_turn(scenario, state, turn.text, list(heard), detector()).detections


def records(merged: list[Turn | RebuiltTurn], session: PracticeSession | None, reindex: bool) -> list[TurnRecord]:
    """The merged turns as the scoring reads them: the shape repository.turn_records gives, as stored."""
    stored = {t.id: data for t, data in zip(session.turns, repository.turn_records(session), strict=True)} if session else {}
    out = []
    for position, turn in enumerate(merged):
        if isinstance(turn, Turn):
            data = dict(stored[turn.id])
        else:
            data = {"speaker": turn.speaker, "text": turn.text, "stage": turn.stage, "frustration": turn.frustration,
                    "feelings": turn.details.get("feelings", []), "told": turn.details.get("told", []),
                    "detections": [{"label": d.label, "span": d.span, "start": d.start, "end": d.end, "confidence": d.confidence}
                                   for d in turn.detections]}
        data["index"] = turn.index if isinstance(turn, Turn) and not reindex else position
        out.append(TurnRecord.from_dict(data))
    return out


def reconcile(db: Session, tracked: TrackedSession, detector: Callable[[], Detector], dry_run: bool) -> Change:
    """Bring one stored session up to what the tracker store says; what changed (nothing is written on a dry run)."""
    change = Change(tracked.id, tracked.sender_id)
    session = repository.get_session(db, tracked.id)
    scenario = practice.library().get(str(tracked.state.get("scenario_id")))
    if session is not None and session.sender_id != tracked.sender_id:
        change.problem = f"the stored session belongs to sender '{session.sender_id}'"
    if scenario is None:
        change.problem = f"the scenario '{tracked.state.get('scenario_id')}' is not installed"
    if change.problem or scenario is None:
        return change
    merged = merge(list(session.turns) if session else [], tracked.turns)
    change.created = session is None
    change.added = sum(isinstance(t, RebuiltTurn) for t in merged)
    change.ended = bool(tracked.state.get("outcome")) and (session is None or session.ended_at is None)
    _detect(scenario, merged, detector)
    stored_end = session if session is not None and session.ended_at is not None else None  # the app's word on the end wins
    outcome = stored_end.outcome if stored_end else tracked.state.get("outcome")
    nps = stored_end.nps if stored_end else tracked.state.get("nps")
    old = session.scorecard.data if session is not None and session.scorecard else None
    card = json.loads(json.dumps(scorecard(scenario, records(merged, session, change.added > 0), outcome, nps))) if outcome else None
    if card is not None and card != old:
        change.scores = (int(old["overall"]) if old else None, int(card["overall"]))
    if not dry_run:
        _apply(db, tracked, merged, change, card)
    return change


def _apply(db: Session, tracked: TrackedSession, merged: list[Turn | RebuiltTurn], change: Change, card: dict[str, Any] | None) -> None:
    """Write one session's changes: the session if new, its end, the added turns, the scorecards."""
    from bot.review import rescore as rescore_coach

    if change.created:
        name = tracked.trainee or tracked.sender_id
        owner = db.scalars(select(User.id).where(func.lower(User.username) == " ".join(name.split()).lower())).first()
        db.add(PracticeSession(id=tracked.id, sender_id=tracked.sender_id, trainee=name, user_id=owner, channel=tracked.channel,
                               scenario_id=str(tracked.state.get("scenario_id")), difficulty=str(tracked.state.get("difficulty")),
                               started_at=tracked.started_at))
        db.flush()
    session = db.get(PracticeSession, tracked.id)
    assert session is not None
    if change.ended:
        session.ended_at, session.outcome, session.nps = tracked.ended_at, tracked.state.get("outcome"), tracked.state.get("nps")
    if change.added:
        _write_turns(db, tracked.id, merged)
    db.commit()
    if change.scores and card is not None:
        repository.save_scorecard(db, tracked.id, card)
    if change.scores or change.added:
        db.expire_all()
        fresh = repository.get_session(db, tracked.id)
        assert fresh is not None
        rescore_coach(db, fresh)  # the coach's score, from their corrections, on the turns as they are now


def _write_turns(db: Session, session_id: str, merged: list[Turn | RebuiltTurn]) -> None:
    """Add the rebuilt turns in their places; stored turns keep their ids and move through free indexes to theirs."""
    for n, turn in enumerate(t for t in merged if isinstance(t, Turn)):
        turn.index = -1 - n
    db.flush()
    for position, item in enumerate(merged):
        if isinstance(item, Turn):
            item.index = position
            continue
        db.add(Turn(session_id=session_id, index=position, speaker=item.speaker, text=item.text, stage=item.stage,
                    mood=engine.mood_for(item.frustration), frustration=item.frustration, details=item.details,
                    created_at=item.at, detections=[
                        SkillDetection(label=d.label, span=d.span, start=d.start, end=d.end, confidence=d.confidence)
                        for d in item.detections]))
    db.flush()


def rescore(tracker: str, sender: str | None = None, dry_run: bool = False, out: TextIO | None = None,
            detector: Callable[[], Detector] | None = None) -> list[Change]:
    """Rebuild every session (or one sender's) from the tracker store, printing one line each and a summary."""
    from bot.skills.detector import get_detector
    from bot.store.db import check_revision, session_scope

    _readable_url(tracker)  # a tracker store that cannot be read is said before anything else
    check_revision()
    changes: list[Change] = []
    conversations = 0
    for sender_id, events in read_conversations(tracker, sender):
        conversations += 1
        sessions, problems = tracked_sessions(sender_id, events)
        for tracked in sessions:
            with session_scope() as db:
                try:
                    changes.append(reconcile(db, tracked, detector or get_detector, dry_run))
                except SQLAlchemyError as exc:  # e.g. the trainer wrote a turn to this session meanwhile: run again
                    db.rollback()
                    changes.append(Change(tracked.id, sender_id, problem=f"not written ({getattr(exc, 'orig', None) or exc})"))
            print(changes[-1].line(dry_run), file=out or sys.stdout)
        changes += problems
        for problem in problems:
            print(problem.line(dry_run), file=out or sys.stdout)
    print(summary(changes, conversations, dry_run), file=out or sys.stdout)
    return changes


def summary(changes: list[Change], conversations: int, dry_run: bool) -> str:
    """The report's last line."""
    done = [c for c in changes if not c.problem]
    counts = {"created": sum(c.created for c in done), "with turns added": sum(bool(c.added) and not c.created for c in done),
              "rescored": sum(bool(c.scores) and not c.created for c in done),
              "unchanged": sum(not (c.created or c.added or c.ended or c.scores) for c in done), "skipped": len(changes) - len(done)}
    return (f"{'dry run, nothing written: ' if dry_run else ''}{len(changes)} session(s) in {conversations} conversation(s): "
            + ", ".join(f"{n} {what}" for what, n in counts.items())
            + f"; {sum(c.added for c in done)} turn(s) {'would be ' if dry_run else ''}added")


def cmd_rescore(args: argparse.Namespace) -> int:
    """`python -m bot rescore`: 0 done, 1 some sessions skipped, 2 the tracker store cannot be read."""
    try:
        changes = rescore(args.tracker or os.environ.get("TRACKER_STORE_URL") or DEFAULT_TRACKER, args.sender, args.dry_run)
    except RecoveryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if any(c.problem for c in changes) else 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `rescore` command."""
    parser = commands.add_parser("rescore", help="rebuild sessions' turns and scorecards from Rasa's tracker store (idempotent)")
    parser.add_argument("--tracker", help="the tracker store's URL (default: TRACKER_STORE_URL, else var/rasa_tracker.db)")
    parser.add_argument("--sender", help="only this conversation (its sender id)")
    parser.add_argument("--dry-run", action="store_true", help="report what would change and write nothing")
    parser.set_defaults(func=cmd_rescore)
