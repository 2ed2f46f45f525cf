"""A fake Slack Web API on loopback (a threaded http.server) that records every call, and signed requests to send.

It answers the methods the practice channel uses (chat.postMessage, chat.postEphemeral, views.open,
views.publish, users.info, conversations.open) like Slack does, and can be told to fail the next calls.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    args: dict[str, Any]
    status: int = 200
    ok: bool = True
    response: dict[str, Any] = field(default_factory=dict)

    def blocks(self) -> list[dict[str, Any]]:
        value = self.args.get("blocks") or []
        return json.loads(value) if isinstance(value, str) else list(value)

    def view(self) -> dict[str, Any]:
        value = self.args.get("view") or {}
        return json.loads(value) if isinstance(value, str) else dict(value)


@dataclass
class Failure:
    method: str
    times: int
    status: int = 500
    error: str = "internal_error"


@dataclass
class FakeSlack:
    """The server, its record of calls, and the failures queued for it."""

    emails: dict[str, str] = field(default_factory=dict)
    closed_channels: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(b"")

            def do_POST(self) -> None:
                self._answer(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _answer(self, body: bytes) -> None:
                url = urlparse(self.path)
                args: dict[str, Any] = dict(parse_qsl(url.query))
                if body and "json" in (self.headers.get("Content-Type") or ""):
                    args.update(json.loads(body))
                elif body:
                    args.update(parse_qsl(body.decode()))
                status, data = fake.answer(url.path.rsplit("/", 1)[-1], args)
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def fail(self, method: str, times: int = 1, status: int = 500, error: str = "internal_error") -> None:
        """The next `times` calls of `method` fail."""
        with self.changed:
            self.failures.append(Failure(method, times, status, error))

    def answer(self, method: str, args: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.changed:
            failure = next((f for f in self.failures if f.method == method and f.times > 0), None)
            if failure is not None:
                failure.times -= 1
                status, data = failure.status, {"ok": False, "error": failure.error}
            else:
                status, data = 200, self._success(method, args)
            self.calls.append(Call(method, args, status, bool(data.get("ok")), data))
            self.changed.notify_all()
        return status, data

    def _success(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage":
            if args.get("channel") in self.closed_channels:
                return {"ok": False, "error": "not_in_channel"}
            n = next(self._ts)
            return {"ok": True, "channel": args.get("channel"), "ts": f"{1700000000 + n}.{n:06d}"}
        if method == "users.info":
            user = str(args.get("user"))
            profile = {"email": self.emails[user]} if user in self.emails else {}
            return {"ok": True, "user": {"id": user, "profile": profile}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users"))}}
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": {"id": "V1"}}
        return {"ok": True}

    def wait_for(self, found: Callable[[list[Call]], Any], timeout: float = 120.0, what: str = "") -> Any:
        """Wait until `found(calls)` is truthy; return it."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                result = found(list(self.calls))
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or found}; calls: {[(c.method, c.args.get('text')) for c in self.calls]}")
                self.changed.wait(left)

    def posts(self, channel: str | None = None, thread_ts: str | None = None, ok_only: bool = True) -> list[Call]:
        """chat.postMessage calls (in a thread when given; the thread parents when thread_ts is '')."""
        with self.changed:
            calls = list(self.calls)
        return [c for c in calls if c.method == "chat.postMessage" and (c.ok or not ok_only)
                and (channel is None or c.args.get("channel") == channel)
                and (thread_ts is None or (c.args.get("thread_ts") or "") == thread_ts)]


def signed(secret: str, body: bytes, content_type: str, age_seconds: float = 0.0, signature: str | None = None) -> dict[str, str]:
    """Headers as Slack signs a request: v0=HMAC-SHA256 of 'v0:{timestamp}:{body}'."""
    timestamp = str(int(time.time() - age_seconds))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": f"v0={digest}" if signature is None else signature}


def message_event(user: str, channel: str, text: str, ts: str, thread_ts: str | None = None, channel_type: str = "channel",
                  event_id: str | None = None, kind: str = "message") -> dict[str, Any]:
    """An Events API envelope for one message."""
    event: dict[str, Any] = {"type": kind, "user": user, "channel": channel, "text": text, "ts": ts, "channel_type": channel_type}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {"type": "event_callback", "event_id": event_id or f"Ev{ts.replace('.', '')}{user}", "team_id": "T1",
            "authorizations": [{"user_id": "UBOT"}], "event": event}
