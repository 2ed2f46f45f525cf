"""The customer voice (bot/customer_voice.py) against a fake OpenAI-compatible server on loopback: used when it answers
well, the scripted reply whenever it is unset, slow, failing, malformed or drops a fact; scoring the same either way."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from bot import customer_voice, practice
from bot.customer_voice import VoiceRequest, phrase
from bot.settings import Settings, get_settings

KEY = "sk-test-not-a-real-key"
PHRASED = "Honestly, I ordered a chicken wrap and a flat white twenty minutes ago and nothing has come."
REQUEST = VoiceRequest(
    persona_name="Dana Whitfield", persona_description="An office manager on a short lunch break.",
    situation="Dana ordered a chicken wrap and a flat white twenty minutes ago.", difficulty="patient", mood="annoyed",
    planned="Well, I ordered a chicken wrap and a flat white twenty minutes ago.", reactions=("explain",),
    revealed=("I ordered a chicken wrap and a flat white twenty minutes ago",),
    conversation=(("customer", "Excuse me?"), ("trainee", "Hi, sorry about the wait. What happened?")),
)


@dataclass
class FakeModel:
    """What the fake server does with the next requests, and what it was sent."""

    mode: str = "normal"
    reply: str = PHRASED
    delay: float = 1.0
    requests: list[dict[str, Any]] = field(default_factory=list)


def planned_of(body: dict[str, Any]) -> str:
    """The planned reply, read back out of the user message."""
    found = re.search(r"Your planned reply: (.*)\n", body["messages"][1]["content"])
    return found.group(1) if found else ""


def _handler(model: FakeModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            model.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if model.mode == "slow":
                time.sleep(model.delay)
            if model.mode == "error":
                self._send(500, b'{"error": "boom"}')
            elif model.mode == "malformed":
                self._send(200, b'{"choices": [{"message": ')
            elif model.mode == "echo":  # says the plan back with a word of its own: every fact kept
                self._send(200, self._completion("Honestly - " + planned_of(body)))
            else:
                self._send(200, self._completion(model.reply))

        def _completion(self, text: str) -> bytes:
            return json.dumps({"id": "x", "object": "chat.completion",
                               "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}).encode()

        def _send(self, status: int, data: bytes) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (the slow case)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def fake() -> Iterator[tuple[FakeModel, str]]:
    """A fake OpenAI-compatible server on 127.0.0.1 (a free port); yields its state and base URL."""
    model = FakeModel()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield model, f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def settings_for(url: str | None, key: str | None = None, timeout: float = 0.5) -> Settings:
    return replace(get_settings(), customer_voice_url=url, customer_voice_key=key, customer_voice_timeout=timeout,
                   customer_voice_model="local")


def test_a_good_answer_is_used(fake: tuple[FakeModel, str]) -> None:
    model, url = fake
    assert phrase(REQUEST, settings_for(url)) == PHRASED
    assert model.requests[0]["path"] == "/v1/chat/completions"


def test_the_request_carries_the_persona_the_mood_the_plan_and_the_key(fake: tuple[FakeModel, str]) -> None:
    model, url = fake
    phrase(REQUEST, settings_for(url + "/", key=KEY))
    sent = model.requests[0]
    body = sent["body"]
    assert sent["headers"]["Authorization"] == f"Bearer {KEY}"
    assert body["model"] == "local" and body["temperature"] == 0.7 and body["max_tokens"] <= 150
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "Dana Whitfield" in system["content"] and "office manager" in system["content"]
    assert "annoyed" in system["content"] and "patient" in system["content"]
    assert planned_of(body) == REQUEST.planned
    assert REQUEST.revealed[0] in user["content"]
    assert "Staff member: Hi, sorry about the wait. What happened?" in user["content"]


def test_no_key_sends_no_authorization(fake: tuple[FakeModel, str]) -> None:
    model, url = fake
    phrase(REQUEST, settings_for(url))
    assert "Authorization" not in model.requests[0]["headers"]


def test_the_decision_is_part_of_the_instructions(fake: tuple[FakeModel, str]) -> None:
    model, url = fake
    phrase(replace(REQUEST, reactions=("not_yet",), revealed=()), settings_for(url))
    assert "do NOT agree yet" in model.requests[0]["body"]["messages"][0]["content"]


def test_unset_makes_no_http_call(fake: tuple[FakeModel, str], monkeypatch: pytest.MonkeyPatch) -> None:
    model, _ = fake

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("no HTTP call without CUSTOMER_VOICE_URL")

    monkeypatch.setattr(httpx, "post", refuse)
    assert phrase(REQUEST, settings_for(None)) is None
    assert model.requests == []


def test_a_slow_server_is_not_waited_for(fake: tuple[FakeModel, str]) -> None:
    model, url = fake
    model.mode, model.delay = "slow", 1.0
    began = time.monotonic()
    assert phrase(REQUEST, settings_for(url, timeout=0.5)) is None
    assert time.monotonic() - began < 0.9


@pytest.mark.parametrize("mode", ["error", "malformed"])
def test_a_failing_server_gives_none(fake: tuple[FakeModel, str], mode: str) -> None:
    model, url = fake
    model.mode = mode
    assert phrase(REQUEST, settings_for(url)) is None


def test_nothing_listening_gives_none() -> None:
    assert phrase(REQUEST, settings_for("http://127.0.0.1:9/v1")) is None


@pytest.mark.parametrize("reply", [
    "I'm upset, that's all.",  # drops the revealed fact
    "Honestly, I waited twenty minutes for my wrap.",  # keeps some of it, not all: no "chicken", no "white"
    "   ",
    "I ordered a chicken wrap and a flat white twenty minutes ago. " * 12,  # over 600 characters
])
def test_an_unusable_answer_gives_none(fake: tuple[FakeModel, str], reply: str) -> None:
    model, url = fake
    model.reply = reply
    assert phrase(REQUEST, settings_for(url)) is None


def test_a_failure_is_logged_in_one_line_without_the_request(fake: tuple[FakeModel, str],
                                                             caplog: pytest.LogCaptureFixture) -> None:
    model, url = fake
    model.mode = "error"
    with caplog.at_level(logging.WARNING, logger="bot.customer_voice"):
        phrase(REQUEST, settings_for(url, key=KEY))
    [record] = caplog.records
    message = record.getMessage()
    assert "HTTP 500" in message and "\n" not in message
    assert KEY not in message and "Dana" not in message and REQUEST.planned not in message


def test_a_fact_is_kept_by_its_key_words() -> None:
    assert customer_voice.keeps_facts("My order came twenty minutes late: a chicken wrap, a flat white.", REQUEST.revealed)
    assert not customer_voice.keeps_facts("A wrap and a coffee, ages ago.", REQUEST.revealed)
    assert customer_voice.keeps_facts("Anything at all.", ())


# --- through the practice path ------------------------------------------------------------------------------------------

LINES = ["Hi, I'm so sorry about the wait. What happened?", "What would help you most right now?"]


def _play(sender: str) -> tuple[list[practice.Exchange], practice.Exchange, list[tuple[str, str]]]:
    started = practice.begin(sender, "cafe_late_order", "patient")
    state, session_id, replies = started.state, started.session_id, []
    for line in LINES:
        reply = practice.respond(sender, state, session_id, line)
        replies.append(reply)
        state = reply.state
    ended = practice.finish(state, session_id, sender_id=sender)
    report = practice.report(sender)
    assert report is not None
    return replies, ended, [(t["speaker"], t["text"]) for t in report["transcript"]]


def _score(card: dict[str, Any]) -> dict[str, Any]:
    """The scorecard without the advice's wording (which quotes the customer's words as the trainee saw them)."""
    return {**card, "suggestions": [(s["skill"], s["stage"], s.get("turn")) for s in card["suggestions"]]}


@pytest.mark.models
def test_the_phrased_reply_is_stored_and_returned_and_the_score_is_the_same(
        temp_db: str, fake: tuple[FakeModel, str], monkeypatch: pytest.MonkeyPatch) -> None:
    model, url = fake
    model.mode = "echo"
    monkeypatch.setattr(practice.random, "SystemRandom", lambda: random.Random(7))  # both sessions meet the same customer
    scripted, scripted_end, scripted_turns = _play("voice-off")
    assert model.requests == []

    monkeypatch.setenv("CUSTOMER_VOICE_URL", url)
    monkeypatch.setenv("CUSTOMER_VOICE_TIMEOUT", "2")
    get_settings.cache_clear()
    voiced, voiced_end, voiced_turns = _play("voice-on")

    assert len(model.requests) == len(LINES), "one call per trainee message, none for the opening line"
    for before, after in zip(scripted, voiced, strict=True):
        said = after.lines[0]["text"]
        assert said == "Honestly - " + before.lines[0]["text"]
        assert {k: v for k, v in after.payload.items() if k != "session_id"} == \
               {k: v for k, v in before.payload.items() if k != "session_id"}
        assert after.state == before.state
    customer_said = [text for speaker, text in voiced_turns if speaker == "customer"]
    assert customer_said[1:] == [r.lines[0]["text"] for r in voiced], "the phrased text is what is stored"
    assert customer_said[0] == scripted_turns[0][1], "the opening line stays scripted"
    assert voiced_turns[0] == scripted_turns[0]
    second = model.requests[1]["body"]["messages"][1]["content"]
    assert "You: " + customer_said[1] in second, "the model sees the conversation as the trainee saw it"
    assert voiced_end.scorecard is not None and scripted_end.scorecard is not None
    assert _score(voiced_end.scorecard) == _score(scripted_end.scorecard)
