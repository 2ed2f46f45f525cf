"""Faults mid-session, on the real servers: the action server killed, Rasa restarted. Clear words, nothing lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from tests.stack import Stack, start_stack

pytestmark = [pytest.mark.rasa, pytest.mark.models]
SENDER = "fault-trainee"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("faults"))
    yield running
    running.stop()


def texts(messages: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [str(m["text"]) for m in messages if m.get("text")]


def tracker_user_texts(stack: Stack, sender: str) -> list[str]:
    with sqlite3.connect(stack.tracker_db) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,))
        import json

        return [json.loads(row[0])["text"] for row in rows]


def stored_trainee_lines(stack: Stack) -> list[str]:
    with sqlite3.connect(stack.database_url.removeprefix("sqlite:///")) as db:
        rows = db.execute("SELECT t.text FROM turns t JOIN practice_sessions s ON s.id = t.session_id "
                          "WHERE s.sender_id = ? AND t.speaker = 'trainee' ORDER BY t.\"index\"", (SENDER,))
        return [row[0] for row in rows]


def test_the_action_server_killed_mid_session_then_restarted(stack: Stack) -> None:
    stack.say(SENDER, '/start{"scenario": "cafe_late_order", "difficulty": "patient"}')
    stack.say(SENDER, "Hi, thanks for waiting. What happened?")
    stack.stop("actions")
    away = texts(stack.say(SENDER, "That sounds really frustrating."))
    assert away and "customer stepped away" in away[0] and "send your message again" in away[0]
    assert "That sounds really frustrating." in tracker_user_texts(stack, SENDER), "Rasa's tracker store kept the line"

    stack.start_actions()
    stack.wait("actions", f"{stack.action_url}/health")
    back = stack.say(SENDER, "That sounds really frustrating.")
    data = next(m["custom"]["data"] for m in back if "custom" in m)
    assert data["stage"] == "understanding" and not data["ended"], "the session goes on where it was"
    assert stored_trainee_lines(stack) == ["Hi, thanks for waiting. What happened?", "That sounds really frustrating."]


def test_rasa_restarted_mid_session_resumes_from_the_tracker_store(stack: Stack) -> None:
    before = stored_trainee_lines(stack)
    stack.stop("rasa")
    stack.start_rasa()
    stack.wait("rasa", f"{stack.rasa_url}/status?token={stack.rasa_token}")
    reply = stack.say(SENDER, "How is this affecting the rest of your day?")
    data = next(m["custom"]["data"] for m in reply if "custom" in m)
    assert data["session_id"] and not data["ended"], "the same session, not a new default one"
    assert stored_trainee_lines(stack) == [*before, "How is this affecting the rest of your day?"]
