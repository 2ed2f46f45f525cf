"""The real Rasa server and action server on loopback, talked to over the REST channel."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stack import PYTHON, Stack, start_stack

pytestmark = [pytest.mark.rasa, pytest.mark.models]

SKILLED = [
    "Hi there, thanks for waiting, and sorry it's taken so long. What happened?",
    "Oh no, that sounds really frustrating, especially when you're in a rush.",
    "How is this affecting the rest of your day?",
    "So you ordered a wrap and a flat white twenty minutes ago and we gave you a latte.",
    "I can make you a fresh flat white and pack the wrap to take away. It'll be ready in about five minutes.",
    "Would that work for you?",
    "Is everything sorted to your satisfaction now? Thank you for your patience.",
]
CARELESS = [
    "yeah?",
    "what do you want",
    "that's not my department",
    "look, it'll be ready instantly, I promise, it will never happen again",
    "calm down",
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()


def play(stack: Stack, sender: str, lines: list[str]) -> list[dict]:  # type: ignore[type-arg]
    """Start the café customer, say each line, end the session if the customer is still there."""
    payloads = []
    for text in ['/start{"scenario": "cafe_late_order", "difficulty": "patient"}', *lines]:
        messages = stack.say(sender, text, metadata={"trainee": sender})
        assert messages, f"no reply to {text!r}"
        payloads += [m["custom"]["data"] for m in messages if "custom" in m]
        if payloads and payloads[-1].get("ended"):
            break
    if not payloads[-1].get("ended"):
        payloads += [m["custom"]["data"] for m in stack.say(sender, "/end") if "custom" in m]
    return payloads


def report(stack: Stack, sender: str) -> dict:  # type: ignore[type-arg]
    result = subprocess.run([str(PYTHON), "-m", "bot", "report", sender, "--json"], env=stack.env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_skilled_trainee_takes_the_customer_through_the_cycle_and_outscores_a_careless_one(stack: Stack) -> None:
    skilled = play(stack, "skilled-trainee", SKILLED)
    play(stack, "careless-trainee", CARELESS)

    stages = [p["stage"] for p in skilled if "stage" in p]
    seen = list(dict.fromkeys(stages))
    assert seen == ["receiving", "understanding", "helping", "keeping"], stages
    assert skilled[-1]["outcome"] == "resolved"

    good, bad = report(stack, "skilled-trainee"), report(stack, "careless-trainee")
    assert good["overall"] >= bad["overall"] + 30, (good["overall"], bad["overall"])
    assert {"overall", "stages", "skills", "evidence", "transcript"} <= set(good)
    assert good["skills"]["open_question"]["points"] > 0
    assert good["skills"]["restate_feeling"]["points"] > 0
    assert good["skills"]["set_expectation"]["points"] > 0
    assert any(e["points"] < 0 for e in bad["evidence"])
    assert bad["suggestions"], "missed moments come with suggestions"


def test_every_turn_is_stored_in_the_app_tables_and_the_tracker_store(stack: Stack) -> None:
    lines = SKILLED[:3]
    play(stack, "stored-trainee", lines)
    data = report(stack, "stored-trainee")
    trainee_turns = [t["text"] for t in data["transcript"] if t["speaker"] == "trainee"]
    assert trainee_turns == lines, "every trainee message is in the app tables, in order"
    customer_turns = [t for t in data["transcript"] if t["speaker"] == "customer"]
    assert len(customer_turns) == len(lines) + 1

    with sqlite3.connect(stack.tracker_db) as db:
        texts = [json.loads(row[0]).get("text") for row in db.execute(
            "select data from events where sender_id = ? and type_name = 'user' order by id", ("stored-trainee",))]
    for line in lines:
        assert line in texts, "Rasa's SQL tracker store keeps the conversation too"


def test_hint_and_an_unknown_scenario_answer_clearly(stack: Stack) -> None:
    stack.say("hinted-trainee", '/start{"scenario": "cafe_late_order"}')
    hint = stack.say("hinted-trainee", "/hint")
    assert any("Receiving" in (m.get("text") or "") for m in hint)
    unknown = stack.say("lost-trainee", '/start{"scenario": "moon_base"}')
    assert any("no scenario called 'moon_base'" in (m.get("text") or "") for m in unknown)


def test_report_of_an_unknown_sender_fails_cleanly(stack: Stack, tmp_path: Path) -> None:
    result = subprocess.run([str(PYTHON), "-m", "bot", "report", "nobody", "--json"], env=stack.env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "No practice session" in result.stderr
