"""`python -m bot rescore`: sessions rebuilt from Rasa's tracker store, only missing turns added, twice changes nothing.

The tracker store is made the way Rasa makes it: the real actions run (rasa-sdk, the real domain.yml, the app database
through bot.practice) and every event is written as a row of Rasa 3.6's SQL tracker store `events` table, in the order
and shape of a real run's rows (a user event, the entity slots, the action, its bot messages, its events, action_listen).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, select

from actions.action_customer_reply import ActionCustomerReply
from actions.action_end_practice import ActionEndPractice
from actions.action_give_hint import ActionGiveHint
from actions.action_restart import ActionRestart
from actions.action_start_practice import ActionStartPractice
from bot.__main__ import main
from bot.settings import PROJECT_ROOT
from bot.store.db import session_scope
from bot.store.models import LabelCorrection, PracticeSession, Scorecard, Turn, TurnComment, User

DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
ACTIONS = {"start": ActionStartPractice, "talk": ActionCustomerReply, "hint": ActionGiveHint, "end": ActionEndPractice,
           "restart": ActionRestart}
#: Rasa 3.6's SQL tracker store table, as a real run creates it.
EVENTS_TABLE = """CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))"""
MODEL = {"model_id": "aa7f0af9377f43c49715be585b2bf727", "assistant_id": "service-trainer"}
CAFE = '/start{"scenario":"cafe_late_order","difficulty":"patient"}'
SKILLED = ["Hi, thanks for waiting, and sorry it's taken so long. What happened?",
           "That sounds really frustrating, especially when you're in a rush.",
           "How is this affecting the rest of your day?",
           "I can make you a fresh flat white and pack the wrap to take away. It'll be ready in about five minutes.",
           "Would that work for you?"]


class Conversation:
    """One sender talking to the real actions, with Rasa's tracker store rows written as Rasa writes them."""

    def __init__(self, store: Path, sender: str) -> None:
        self.store, self.sender = store, sender
        self.slots: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
        self.events: list[dict[str, Any]] = []
        self._write({"event": "action", "name": "action_session_start", "policy": None, "confidence": 1.0})
        self._write({"event": "session_started"})
        self._write({"event": "action", "name": "action_listen", "policy": None, "confidence": None})

    def _write(self, event: dict[str, Any]) -> None:
        event = {"event": event["event"], "timestamp": time.time(), "metadata": dict(MODEL), **{k: v for k, v in event.items()
                                                                                                  if k != "event"}}
        self.events.append(event)
        intent = event.get("parse_data", {}).get("intent", {}).get("name") if event["event"] == "user" else None
        name = event.get("name") if event["event"] in ("action", "slot") else None
        with sqlite3.connect(self.store) as db:
            db.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES (?,?,?,?,?,?)",
                       (self.sender, event["event"], event["timestamp"], intent, name, json.dumps(event)))

    def _slot(self, name: str, value: Any) -> None:
        self.slots[name] = value
        self._write({"event": "slot", "name": name, "value": value})

    def say(self, text: str, intent: str = "talk", metadata: dict[str, str] | None = None, **entities: str) -> list[dict[str, Any]]:
        """Send one message (with the channel's metadata, as Rasa keeps it in the user event); the action for the intent runs."""
        message_id = uuid.uuid4().hex
        found = [{"entity": k, "value": v, "start": 6, "end": len(text), "extractor": "RegexMessageHandler"} for k, v in entities.items()]
        parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": found, "text": text, "message_id": message_id,
                 "metadata": {}, "intent_ranking": [{"name": intent, "confidence": 1.0}]}
        self._write({"event": "user", "text": text, "parse_data": parse, "input_channel": "rest", "message_id": message_id,
                     "metadata": {**MODEL, **(metadata or {})}})
        for name, value in entities.items():
            self._slot(name, value)
        self._write({"event": "user_featurization", "use_text_for_featurization": False})
        action = ACTIONS[intent]()
        tracker = Tracker.from_dict({"sender_id": self.sender, "slots": dict(self.slots), "latest_message": parse,
                                     "events": list(self.events), "paused": False, "followup_action": None, "active_loop": {},
                                     "latest_action_name": "action_listen"})
        dispatcher = CollectingDispatcher()
        returned = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
        self._write({"event": "action", "name": action.name(), "policy": "RulePolicy", "confidence": 1.0, "action_text": None,
                     "hide_rule_turn": True})
        for sent in dispatcher.messages:
            data = {"elements": None, "quick_replies": None, "buttons": None, "attachment": None, "image": None,
                    "custom": sent.get("custom")}
            self._write({"event": "bot", "text": sent.get("text"), "data": data})
        self._apply(returned)
        self._write({"event": "action", "name": "action_listen", "policy": "RulePolicy", "confidence": 1.0})
        return dispatcher.messages

    def _apply(self, returned: list[dict[str, Any]]) -> None:
        restarted = False
        for event in returned:
            if event["event"] == "restart":
                restarted = True
                self.slots = dict.fromkeys(self.slots)
                self._write({"event": "restart"})
            elif event["event"] == "slot":
                self._slot(event["name"], event["value"])
        if restarted:  # Rasa starts a new session after a restart and carries the slots over (domain.yml session_config)
            carried = {k: v for k, v in self.slots.items() if v is not None}
            self._write({"event": "action", "name": "action_session_start", "policy": "followup_action", "confidence": 1.0})
            self._write({"event": "session_started"})
            for name, value in carried.items():
                self._slot(name, value)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """An empty tracker store: Rasa's events table in a SQLite file."""
    path = tmp_path / "rasa_tracker.db"
    with sqlite3.connect(path) as db:
        db.execute(EVENTS_TABLE)
        db.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
    return path


def rescore(store: Path | str, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, list[str], str]:
    """Run `python -m bot rescore`: (exit code, stdout lines, stderr)."""
    capsys.readouterr()
    code = main(["rescore", "--tracker", store if isinstance(store, str) else f"sqlite:///{store}", *options])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def snapshot() -> dict[str, Any]:
    """Everything the app keeps about its sessions, with ids and times, to compare whole."""
    with session_scope() as db:
        sessions = db.scalars(select(PracticeSession).order_by(PracticeSession.id)).all()
        return {s.id: {
            "session": (s.sender_id, s.trainee, s.user_id, s.channel, s.scenario_id, s.difficulty, s.started_at, s.ended_at,
                        s.outcome, s.nps),
            "turns": [(t.id, t.index, t.speaker, t.text, t.stage, t.mood, t.frustration, t.details, t.created_at,
                       sorted((d.id, d.label, d.span, d.start, d.end, d.confidence) for d in t.detections)) for t in s.turns],
            "card": (s.scorecard.overall, s.scorecard.data, s.scorecard.coach_overall, s.scorecard.coach_data,
                     s.scorecard.created_at) if s.scorecard else None,
        } for s in sessions}


def as_played(snap: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without what a rebuild cannot know (row ids, times of writing) or marks as its own ("recovered")."""
    def turn(t: tuple[Any, ...]) -> tuple[Any, ...]:
        details = {k: v for k, v in t[7].items() if k != "recovered"}
        return (*t[1:7], details, [d[1:] for d in t[9]])

    return {sid: {"session": s["session"][:6] + s["session"][8:], "ended": s["session"][7] is not None,
                  "turns": [turn(t) for t in s["turns"]], "card": s["card"][1] if s["card"] else None} for sid, s in snap.items()}


@pytest.mark.models
def test_a_lost_session_is_rebuilt_from_scratch_as_bot_practice_stored_it(temp_db: str, store: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from bot.attribution import trainee_pass
    from bot.settings import get_settings

    with session_scope() as db:
        db.add(User(username="Kim Park", role="trainee"))
        db.commit()
    chat = Conversation(store, "kim")
    signed_in = {"trainee": "Kim Park", "trainee_pass": trainee_pass("Kim Park", get_settings().session_secret.encode())}
    chat.say(CAFE, "start", metadata=signed_in, scenario="cafe_late_order", difficulty="patient")
    chat.say(SKILLED[0])
    chat.say("/hint", "hint")
    chat.say("x" * 1200)  # too long: stored, not heard
    for line in SKILLED[1:]:
        chat.say(line)
    chat.say("/end", "end")
    played = snapshot()
    (session_id, original), = played.items()
    assert original["card"] is not None and len(original["turns"]) == 12
    assert original["session"][1:3] == ("Kim Park", 1)  # attributed to the signed-in account
    with session_scope() as db:
        db.execute(delete(PracticeSession))
        db.commit()

    code, lines, _ = rescore(store, capsys)

    assert code == 0
    assert lines[0] == f"{session_id}  kim  created with 12 turn(s); scored {original['card'][0]}/100"
    assert lines[-1].startswith("1 session(s) in 1 conversation(s): 1 created,")
    rebuilt = snapshot()
    assert as_played(rebuilt) == as_played(played)  # every turn, its stage, mood, told, feelings, skills; the scorecard
    assert all(t[7].get("recovered") for t in rebuilt[session_id]["turns"])


@pytest.mark.models
def test_missing_turns_come_back_in_order_and_the_stored_turns_keep_their_ids(temp_db: str, store: Path,
                                                                             capsys: pytest.CaptureFixture[str]) -> None:
    chat = Conversation(store, "kim")
    chat.say(CAFE, "start", scenario="cafe_late_order", difficulty="patient")
    for line in SKILLED:
        chat.say(line)
    chat.say("/end", "end")
    with session_scope() as db:
        session = db.scalars(select(PracticeSession)).one()
        turns = list(session.turns)
        coach = User(username="coach", role="coach")
        db.add(coach)
        db.flush()
        from bot.review import correct

        correct(db, session, turns[9].id, "follow_up", "add", "offered to check back", coach)
        db.add(TurnComment(turn_id=turns[7].id, author_id=coach.id, text="Well judged."))
        db.commit()
    played = snapshot()
    (session_id, original), = played.items()
    assert original["card"][2] is not None  # the coach's score, from the correction
    lost = {turns[2].id, turns[3].id, turns[4].id}  # a customer reply, then a trainee turn and its reply
    with session_scope() as db:
        db.execute(delete(Turn).where(Turn.id.in_(lost)))
        db.execute(delete(Scorecard))
        db.commit()

    code, lines, _ = rescore(store, capsys)

    assert code == 0
    assert lines[0] == f"{session_id}  kim  3 turn(s) added; scored {original['card'][0]}/100"
    after = snapshot()[session_id]
    assert [t[2:4] for t in after["turns"]] == [t[2:4] for t in original["turns"]]  # speakers and texts, in order
    ids, before = [t[0] for t in after["turns"]], [t[0] for t in original["turns"]]
    assert ids[:2] + ids[5:] == before[:2] + before[5:]  # the stored turns: the same rows, in the same order
    assert not set(ids[2:5]) & set(before) - lost  # the lost ones come back as new rows in their places
    assert as_played({session_id: after}) == as_played({session_id: original})
    assert after["card"][2] == original["card"][2]  # the coach's score, recomputed on the whole session again
    with session_scope() as db:
        comment = db.scalars(select(TurnComment)).one()
        correction = db.scalars(select(LabelCorrection)).one()
        assert comment.turn_id == turns[7].id and db.get(Turn, comment.turn_id).text == SKILLED[3]  # type: ignore[union-attr]
        assert correction.turn_id == turns[9].id and db.get(Turn, correction.turn_id).text == SKILLED[4]  # type: ignore[union-attr]


@pytest.mark.models
def test_a_second_run_changes_nothing(temp_db: str, store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kim, sam = Conversation(store, "kim"), Conversation(store, "sam")
    kim.say(CAFE, "start", scenario="cafe_late_order", difficulty="patient")
    kim.say(SKILLED[0])
    kim.say("/restart", "restart")
    kim.say("calm down")
    kim.say("calm down")  # the same words twice: two turns, matched in order
    sam.say("hello there, how can I help?")  # no /start: the default customer arrives
    sam.say("What happened with your order?")
    sam.say("/end", "end")
    with session_scope() as db:
        for turn in db.scalars(select(Turn).where(Turn.index.in_([1, 2]))):
            db.delete(turn)
        db.commit()
    first, lines, _ = rescore(store, capsys)
    assert first == 0 and len(lines) == 4 and all("2 turn(s) added" in line for line in lines[:3])
    done = snapshot()

    again, lines, _ = rescore(store, capsys)

    assert again == 0
    assert [line.split()[-1] for line in lines[:3]] == ["unchanged"] * 3
    assert lines[3] == "3 session(s) in 2 conversation(s): 0 created, 0 with turns added, 0 rescored, 3 unchanged, 0 skipped; 0 turn(s) added"
    assert snapshot() == done


def test_a_dry_run_reports_and_writes_nothing_and_sender_picks_one_conversation(temp_db: str, store: Path,
                                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # No trainee turns: no skills to detect, so no models.
    for sender in ("kim", "sam"):
        chat = Conversation(store, sender)
        chat.say(CAFE, "start", scenario="cafe_late_order", difficulty="angry")
        chat.say("/end", "end")
    played = snapshot()
    with session_scope() as db:
        db.execute(delete(PracticeSession).where(PracticeSession.sender_id == "kim"))
        db.commit()
    kept = snapshot()

    code, lines, _ = rescore(store, capsys, "--dry-run")
    assert code == 0 and snapshot() == kept
    kim_id = next(sid for sid, s in played.items() if s["session"][0] == "kim")
    assert lines[0] == f"{kim_id}  kim  would be created with 1 turn(s); would be scored {played[kim_id]['card'][0]}/100"
    assert lines[-1].startswith("dry run, nothing written: 2 session(s) in 2 conversation(s): 1 created,")

    code, lines, _ = rescore(store, capsys, "--sender", "sam")
    assert code == 0 and snapshot() == kept and len(lines) == 2 and lines[0].endswith("  sam  unchanged")
    code, lines, _ = rescore(store, capsys, "--sender", "kim")
    assert code == 0 and as_played(snapshot()) == as_played(played)


@pytest.mark.parametrize("problem", ["missing", "not a database", "no events table", "not a URL", "another dialect",
                                     "no server"])
def test_a_tracker_store_that_cannot_be_read_gives_exit_2_and_says_why(temp_db: str, tmp_path: Path, problem: str,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    junk, empty = tmp_path / "junk.db", tmp_path / "empty.db"
    junk.write_text("this is not a database, it is a note\n" * 100)
    sqlite3.connect(empty).execute("CREATE TABLE other (id INTEGER)").connection.close()
    url, says = {
        "missing": (f"sqlite:///{tmp_path / 'nowhere.db'}", "there is no tracker store at"),
        "not a database": (f"sqlite:///{junk}", "file is not a database"),
        "no events table": (f"sqlite:///{empty}", "has no events table"),
        "not a URL": ("var/rasa_tracker.db", "is not a database URL"),
        "another dialect": ("mysql://rasa@db/rasa", "must be a sqlite:/// or postgresql:// URL"),
        "no server": ("postgresql://rasa:s3cret@127.0.0.1:9/rasa", "cannot read the tracker store postgresql://rasa:***@127.0.0.1:9/rasa"),
    }[problem]

    code, lines, err = rescore(url, capsys)

    assert code == 2 and lines == []
    assert err.startswith("error: ") and says in err and "Traceback" not in err and "s3cret" not in err
    assert junk.read_text().startswith("this is not a database")  # read, never written


def test_the_tracker_store_url_defaults_to_tracker_store_url(temp_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    assert main(["rescore"]) == 2
    assert f"there is no tracker store at {tmp_path / 'elsewhere.db'}" in capsys.readouterr().err


def test_the_tracker_store_may_be_postgresql(temp_db: str, store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.pg import temporary_database

    chat = Conversation(store, "kim")
    chat.say(CAFE, "start", scenario="cafe_late_order", difficulty="impatient")
    played = snapshot()
    with session_scope() as db:
        db.execute(delete(PracticeSession))
        db.commit()
    with temporary_database("rescore") as url:
        import psycopg

        with psycopg.connect(url) as pg, sqlite3.connect(store) as lite:
            pg.execute("CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, "
                       "timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
            for row in lite.execute("SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"):
                pg.execute("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                           "VALUES (%s, %s, %s, %s, %s, %s)", row)
        code, lines, _ = rescore(url, capsys)
    assert code == 0 and lines[0].endswith("  kim  created with 1 turn(s)")
    assert as_played(snapshot()) == as_played(played)


def test_a_session_whose_scenario_is_gone_is_skipped_with_exit_1(temp_db: str, store: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from bot import practice
    from bot.settings import get_settings

    chat = Conversation(store, "kim")
    chat.say(CAFE, "start", scenario="cafe_late_order", difficulty="patient")
    with session_scope() as db:
        db.execute(delete(PracticeSession))
        db.commit()
    (tmp_path / "scenarios").mkdir()
    monkeypatch.setenv("SCENARIOS_DIR", str(tmp_path / "scenarios"))
    get_settings.cache_clear()
    practice.library.cache_clear()
    try:
        code, lines, _ = rescore(store, capsys)
    finally:
        monkeypatch.delenv("SCENARIOS_DIR")
        get_settings.cache_clear()
        practice.library.cache_clear()

    assert code == 1
    assert lines[0].endswith("  kim  skipped: the scenario 'cafe_late_order' (patient) is not installed")
    assert lines[-1].endswith("0 created, 0 with turns added, 0 rescored, 0 unchanged, 1 skipped; 0 turn(s) added")
    assert snapshot() == {}
