"""The Slack channel's scenario list: one shared fetch that outlives a caller who stops waiting (Slack allows 3 s)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.channels.trainer_api import TrainerApi

SCENARIOS = [{"id": "cafe_late_order", "title": "Café", "aliases": ["cafe"], "difficulties": ["angry"]}]


class SlowTrainer(BaseHTTPRequestHandler):
    """Answers the scenario list after `delay` seconds and counts the calls."""

    delay = 0.6
    calls = 0

    def do_GET(self) -> None:
        type(self).calls += 1
        threading.Event().wait(self.delay)
        body = json.dumps(SCENARIOS).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


class QuickTrainer(SlowTrainer):
    delay = 0.0


@pytest.fixture
def trainer_url() -> Iterator[str]:
    SlowTrainer.calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowTrainer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_slow_first_answer_still_fills_the_list_for_the_next_caller(trainer_url: str) -> None:
    api = TrainerApi(trainer_url, "token")

    async def play() -> tuple[bool, list[str] | None]:
        try:
            await asyncio.wait_for(api.scenarios(), 0.1)
            gave_up = False
        except asyncio.TimeoutError:  # noqa: UP041 - the channel's own Python 3.10 spelling
            gave_up = True
        await asyncio.sleep(0.8)
        choices = await asyncio.wait_for(api.scenarios(), 0.1)
        return gave_up, [c["id"] for c in choices or []]

    assert asyncio.run(play()) == (True, ["cafe_late_order"])
    assert SlowTrainer.calls == 1


def test_callers_at_the_same_time_share_one_fetch_and_warming_fills_the_list(trainer_url: str) -> None:
    api = TrainerApi(trainer_url, "token")

    async def play() -> list[int]:
        lists = await asyncio.gather(*(api.scenarios() for _ in range(5)))
        return [len(choices or []) for choices in lists]

    assert asyncio.run(play()) == [1, 1, 1, 1, 1]
    assert SlowTrainer.calls == 1
    warmed = TrainerApi(trainer_url, "token")
    asyncio.run(warmed.warm(attempts=1, pause=0))
    assert SlowTrainer.calls == 2


def test_warming_retries_until_the_web_app_is_up() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    api = TrainerApi(f"http://127.0.0.1:{port}", "token", timeout=0.5)
    started: list[ThreadingHTTPServer] = []

    def start_late() -> None:
        threading.Event().wait(0.3)
        server = ThreadingHTTPServer(("127.0.0.1", port), QuickTrainer)
        started.append(server)
        server.serve_forever()

    threading.Thread(target=start_late, daemon=True).start()
    try:
        asyncio.run(api.warm(attempts=40, pause=0.1))
        assert [c["id"] for c in asyncio.run(api.scenarios()) or []] == ["cafe_late_order"]
    finally:
        for server in started:
            server.shutdown()
            server.server_close()
