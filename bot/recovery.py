"""`python -m bot rescore`: rebuild practice sessions (turns and scorecards) from Rasa's tracker store, idempotently.

The tracker store is read by bot.tracker_events. Rebuilt turns are matched to the stored ones by speaker and text, in
order; only missing ones are added (stored turns keep their ids, so comments and corrections stay attached), nothing is
deleted, and ended sessions are scored again with bot.scoring. The writes go through bot.store.repository.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, TextIO

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot import practice
from bot.play import Detector, take_turn
from bot.rasa_endpoints import DEFAULT_TRACKER
from bot.scenarios import engine
from bot.scenarios.model import Scenario
from bot.scoring.scorecard import TurnRecord, scorecard
from bot.store import repository
from bot.store.models import PracticeSession, Turn
from bot.tracker_events import RebuiltTurn, RecoveryError, TrackedSession, read_conversations, readable_url, tracked_sessions


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

    restored = repository.RestoredSession(
        id=tracked.id, sender_id=tracked.sender_id, trainee=tracked.trainee, channel=tracked.channel,
        scenario_id=str(tracked.state.get("scenario_id")), difficulty=str(tracked.state.get("difficulty")),
        started_at=tracked.started_at, ended_at=tracked.ended_at if change.ended else None,
        outcome=tracked.state.get("outcome"), nps=tracked.state.get("nps"))
    turns = [t if isinstance(t, Turn) else repository.NewTurn(
        t.speaker, t.text, t.stage, engine.mood_for(t.frustration), t.frustration, t.at, t.details, tuple(t.detections))
        for t in merged]
    repository.restore_session(db, restored, turns if change.added else None, create=change.created)
    if change.scores and card is not None:
        repository.save_scorecard(db, tracked.id, card)
    if change.scores or change.added:
        db.expire_all()
        fresh = repository.get_session(db, tracked.id)
        assert fresh is not None
        rescore_coach(db, fresh)  # the coach's score, from their corrections, on the turns as they are now


def rescore(tracker: str, sender: str | None = None, dry_run: bool = False, out: TextIO | None = None,
            detector: Callable[[], Detector] | None = None) -> list[Change]:
    """Rebuild every session (or one sender's) from the tracker store, printing one line each and a summary."""
    from bot.skills.detector import get_detector
    from bot.store.db import check_revision, session_scope

    readable_url(tracker)  # a tracker store that cannot be read is said before anything else
    check_revision()
    changes: list[Change] = []
    conversations = 0
    for sender_id, events in read_conversations(tracker, sender):
        conversations += 1
        sessions, unreadable = tracked_sessions(sender_id, events)
        problems = [Change(session_id, sender_id, problem=why) for session_id, why in unreadable.items()]
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
