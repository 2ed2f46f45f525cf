"""Locked down from the first run: the real Rasa and action servers on loopback, tried as an attacker and as bad input."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.settings import PROJECT_ROOT
from tests.bad_input import TEXT_CELLS, as_stored, is_blank, long_text
from tests.stack import RASA, Stack, start_stack

pytestmark = [pytest.mark.rasa, pytest.mark.models]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("hardening"))
    yield running
    running.stop()


def post_rest(stack: Stack, body: bytes | str, content_type: str = "application/json") -> httpx.Response:
    return httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", content=body, headers={"Content-Type": content_type}, timeout=120)


def texts(response: httpx.Response) -> list[str]:
    """The texts of the bot's messages (the live payload comes as a message of its own, without text)."""
    assert response.status_code == 200, response.text[:500]
    return [m["text"] for m in response.json() if m.get("text")]


def trainee_turns(stack: Stack, session_id: str) -> list[str]:
    with sqlite3.connect(stack.database_url.removeprefix("sqlite:///")) as db:
        rows = db.execute("SELECT text FROM turns WHERE session_id = ? AND speaker = 'trainee' ORDER BY \"index\"", (session_id,))
        return [row[0] for row in rows]


def start(stack: Stack, sender: str) -> str:
    messages = stack.say(sender, '/start{"scenario": "cafe_late_order", "difficulty": "patient"}')
    return str(next(m["custom"]["data"]["session_id"] for m in messages if "custom" in m))


def listening_address(port: int) -> str:
    """The local address a TCP port listens on, read from /proc/net/tcp (IPv4)."""
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = row.split()[1], row.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":
            return ".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0))
    raise AssertionError(f"nothing listens on port {port}")


def test_rasa_and_the_action_server_listen_on_loopback_only(stack: Stack) -> None:
    assert listening_address(stack.rasa_port) == "127.0.0.1"
    assert listening_address(stack.action_port) == "127.0.0.1"


def test_rasas_http_api_needs_the_token(stack: Stack) -> None:
    start(stack, "api-owner")
    url = f"{stack.rasa_url}/conversations/api-owner/tracker"
    assert httpx.get(url, timeout=30).status_code == 401
    assert httpx.get(url, params={"token": "guess"}, timeout=30).status_code == 401
    assert httpx.get(url, params={"token": stack.rasa_token}, timeout=30).status_code == 200
    assert httpx.put(f"{stack.rasa_url}/model", json={"model_file": "/tmp/x.tar.gz"}, timeout=30).status_code == 401


def test_only_the_web_apps_origin_may_call_rasa_from_a_browser(stack: Stack) -> None:
    def allowed(origin: str) -> str | None:
        response = httpx.options(f"{stack.rasa_url}/webhooks/rest/webhook", timeout=30, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        return response.headers.get("access-control-allow-origin")

    assert allowed(stack.web_url) == stack.web_url
    assert allowed("http://evil.example") is None


def action_call(action: str, sender: str, text: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
    """An action call as Rasa sends it to the action server: the tracker, ending with the trainee's message."""
    message = {"text": text, "intent": {"name": "talk", "confidence": 1.0}, "entities": []}
    return {"next_action": action, "sender_id": sender, "version": "3.6.21", "domain": {}, "tracker": {
        "sender_id": sender, "slots": slots or {}, "latest_message": message, "paused": False, "followup_action": None,
        "active_loop": {}, "latest_action_name": "action_listen",
        "events": [{"event": "user", "text": text, "parse_data": message, "input_channel": "rest", "metadata": {}}]}}


def call_action(stack: Stack, body: dict[str, Any] | bytes, token: str | None = None) -> httpx.Response:
    """POST one call to the action server's /webhook, with Rasa's token unless another is given."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{stack.action_url}/webhook", content=content, params={"token": stack.action_token if token is None else token},
                      headers={"Content-Type": "application/json"}, timeout=120)


def test_the_action_server_answers_only_rasa_and_never_echoes_a_bad_body(stack: Stack) -> None:
    assert httpx.get(f"{stack.action_url}/health", timeout=30).status_code == 200
    call = action_call("action_customer_reply", "x", "hello")
    assert call_action(stack, call, token="").status_code == 401
    assert call_action(stack, call, token="wrong").status_code == 401
    secret = "SECRET-BODY-TEXT"
    no_sender = action_call("action_customer_reply", "x", secret)
    del no_sender["tracker"]["sender_id"]
    for body in (b"", b"[1, 2]", b"{not json " + secret.encode(), json.dumps({"next_action": 7, "x": secret}).encode(),
                 json.dumps({"next_action": "action_customer_reply", "tracker": secret}).encode(), b"\xff\xfe" + secret.encode(),
                 json.dumps(no_sender).encode()):
        response = call_action(stack, body)
        assert response.status_code == 400, (body, response.status_code)
        assert secret not in response.text and "error" in response.json()


CAPPED = "characters long; the customer listens to at most 1,000"


def assert_answered_and_stored(stack: Stack, session_id: str, text: str, said: list[str]) -> None:
    """One trainee line's fate: stored whole (unless blank) and answered, capped with the clear reply when over-long."""
    stored = trainee_turns(stack, session_id)
    assert said and all(said), said
    assert not any("training server" in t or "try again" in t for t in said), said
    if is_blank(text):
        assert stored == [] and any("empty" in t for t in said), (stored, said)
        return
    assert stored == [as_stored(text)], "the whole line is stored, once"
    assert any(CAPPED in t for t in said) == (len(text) > 1000), said


@pytest.mark.parametrize("cell", list(TEXT_CELLS))
def test_the_action_server_called_directly_stores_and_answers_every_text_cell(stack: Stack, cell: str) -> None:
    sender = "direct-" + cell.replace(" ", "-")
    started = call_action(stack, action_call("action_start_practice", sender, "/start"))
    assert started.status_code == 200, started.text[:300]
    slots = {e["name"]: e["value"] for e in started.json()["events"] if e["event"] == "slot"}
    response = call_action(stack, action_call("action_customer_reply", sender, TEXT_CELLS[cell], slots))
    assert response.status_code == 200, response.text[:300]
    said = [m["text"] for m in response.json()["responses"] if m.get("text")]
    assert_answered_and_stored(stack, slots["session_id"], TEXT_CELLS[cell], said)


def slots(stack: Stack, sender: str) -> dict[str, object]:
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", params={"token": stack.rasa_token}, timeout=30)
    return dict(tracker.json()["slots"])


def set_slot(stack: Stack, sender: str, name: str, value: object) -> None:
    response = httpx.post(f"{stack.rasa_url}/conversations/{sender}/tracker/events", params={"token": stack.rasa_token},
                          json=[{"event": "slot", "name": name, "value": value}], timeout=30)
    assert response.status_code == 200, response.text


def test_nobody_writes_into_another_trainees_session(stack: Stack) -> None:
    victim = start(stack, "victim")
    stack.say("victim", "Hi, thanks for waiting. What happened?")
    start(stack, "intruder")
    set_slot(stack, "intruder", "session_id", victim)
    reply = texts(post_rest(stack, json.dumps({"sender": "intruder", "message": "I'm writing into your transcript"})))
    assert any("belongs to someone else" in t for t in reply), reply
    assert trainee_turns(stack, victim) == ["Hi, thanks for waiting. What happened?"]


def test_nobody_writes_into_an_ended_session(stack: Stack) -> None:
    session = start(stack, "ended-one")
    stack.say("ended-one", "Hello, sorry for the wait. What happened?")
    running = slots(stack, "ended-one")["practice"]
    stack.say("ended-one", "/end")
    set_slot(stack, "ended-one", "practice", running)  # as if the session were still going
    reply = texts(post_rest(stack, json.dumps({"sender": "ended-one", "message": "one more line after the end"})))
    assert any("has ended" in t for t in reply), reply
    assert trainee_turns(stack, session) == ["Hello, sorry for the wait. What happened?"]


@pytest.mark.parametrize("size", [50_000, 100_000, 1_000_000])
def test_an_over_long_message_gets_a_clear_reply_and_is_stored(stack: Stack, size: int) -> None:
    sender = f"long-{size}"
    session = start(stack, sender)
    text = long_text(size)
    said = texts(post_rest(stack, json.dumps({"sender": sender, "message": text})))
    assert any(f"{size:,} characters long" in t and "at most 1,000" in t for t in said), said
    assert trainee_turns(stack, session) == [text.strip()]
    # The customer is still there and answers the next, ordinary line.
    assert stack.say(sender, "Hi, sorry about the wait. What happened?")


def test_a_1_mb_message_does_not_stall_another_trainee(stack: Stack) -> None:
    big, other = start(stack, "stall-big"), start(stack, "stall-other")
    text, line = long_text(1_000_000), "Hi, sorry about the wait. What happened?"

    def timed(sender: str, message: str) -> tuple[httpx.Response, float]:
        began = time.monotonic()
        response = post_rest(stack, json.dumps({"sender": sender, "message": message}))
        return response, time.monotonic() - began

    with ThreadPoolExecutor(2) as pool:
        sending_big = pool.submit(timed, "stall-big", text)
        time.sleep(0.3)  # the 1 MB message is on its way when the ordinary line comes
        answered, ordinary_seconds = pool.submit(timed, "stall-other", line).result(timeout=120)
        capped, big_seconds = sending_big.result(timeout=120)
    print(f"\nwhile a 1 MB message took {big_seconds:.2f} s, an ordinary line took {ordinary_seconds:.2f} s")
    assert_answered_and_stored(stack, other, line, texts(answered))
    assert_answered_and_stored(stack, big, text, texts(capped))


def test_the_text_cells_over_socketio_are_answered_and_stored(stack: Stack) -> None:
    """As the trainee page talks to Rasa: socket.io (python-socketio from Rasa's environment drives it)."""
    cells = ["1 MB", "NUL", "HTML and script", "empty", "right-to-left"]
    start_line = '/start{"scenario": "cafe_late_order", "difficulty": "patient"}'
    talks = [{"session_id": f"socket-{i}", "lines": [start_line, TEXT_CELLS[cell]]} for i, cell in enumerate(cells)]
    done = subprocess.run([str(RASA.parent / "python"), str(PROJECT_ROOT / "tests" / "socketio_say.py"), stack.rasa_url],
                          input=json.dumps(talks), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    for cell, (opened, answered) in zip(cells, json.loads(done.stdout), strict=True):
        assert opened["problem"] is None and answered["problem"] is None, (cell, opened, answered)
        assert_answered_and_stored(stack, opened["data"]["session_id"], TEXT_CELLS[cell], answered["texts"])


@pytest.mark.parametrize(("body", "problem"), [
    (b"[]", "JSON object"),
    (b'"just a string"', "JSON object"),
    (b"{broken", "must be JSON"),
    (b"", "must be JSON"),
    (b'{"message": "hello"}', "'sender' is required"),
    (b'{"sender": "", "message": "hello"}', "'sender' is required"),
    (b'{"sender": "x", "message": 42}', "'message' is required"),
    (b'{"sender": "x", "message": null}', "'message' is required"),
    (b'{"sender": "x", "message": ["a"]}', "'message' is required"),
    (b'{"sender": "x", "message": "hi", "metadata": "not an object"}', "'metadata' must be"),
    (json.dumps({"sender": "s" * 300, "message": "hi"}).encode(), "at most 128"),
    (b'{"sender": "x", "message": "\xff\xfe invalid utf-8"}', "must be JSON"),
    (b'{"sender": "x", "message": "hi", "input_channel": "slack"}', "set by the server"),
])
def test_malformed_rest_requests_get_a_clear_400(stack: Stack, body: bytes, problem: str) -> None:
    response = post_rest(stack, body)
    assert response.status_code == 400
    assert problem in response.json()["error"]


@pytest.mark.parametrize("text", [
    "", "   ", "\x00null\x00byte", "😩😩 u must be so fed up 🙏", "مرحبا، كيف يمكنني مساعدتك؟ שלום",
    "<script>alert('x')</script><b>hi</b>", "'; DROP TABLE turns; --", "\ud800 lone surrogate",
])
def test_odd_but_valid_text_is_answered_and_stored(stack: Stack, text: str) -> None:
    sender = f"odd-{abs(hash(text))}"
    session = start(stack, sender)
    said = texts(post_rest(stack, json.dumps({"sender": sender, "message": text})))
    assert said and all(t for t in said)
    stored = trainee_turns(stack, session)
    if text.strip():
        assert len(stored) == 1
        assert stored[0].replace("\ufffd", "").strip() == text.replace("\x00", "").replace("\ud800", "").strip()
    else:
        assert stored == [] and any("empty" in t for t in said)


def test_a_malformed_start_says_its_choices_were_ignored(stack: Stack) -> None:
    said = [m.get("text", "") for m in stack.say("bad-start", '/start{"scenario": cafe')]
    assert any("could not be read, so they were ignored" in t for t in said)
    assert any(t.startswith("Scenario:") for t in said)


@pytest.mark.parametrize("length", [900, 20_000])
def test_an_unknown_scenario_name_is_not_echoed_whole(stack: Stack, length: int) -> None:
    name = "x" * length
    said = [m.get("text", "") for m in stack.say(f"unknown-scenario-{length}", f'/start{{"scenario": "{name}"}}')]
    # Past the NLU's 1,000 characters the payload is cut, so it cannot be read: it is said to be ignored.
    expected = "There is no scenario called 'xxx" if length < 1000 else "could not be read, so they were ignored"
    assert any(expected in t for t in said), said
    assert all(len(t) < 600 for t in said)
