"""Beyond one machine, by configuration only: two Rasa servers sharing PostgreSQL and a Redis lock store serve
interleaved turns of the same conversations, with nothing lost or reordered (real servers on loopback)."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.pg import as_sqlalchemy, temporary_database
from tests.stack import Stack, free_port, start_stack

pytestmark = [pytest.mark.rasa, pytest.mark.models]

REDIS = ("127.0.0.1", 6379)
CONVERSATIONS = 4
ROUNDS = 3  # each round sends two lines of every conversation at once, one to each Rasa server


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str]]:
    if not _redis_answers():
        pytest.skip(f"no Redis at {REDIS[0]}:{REDIS[1]}: the lock store several Rasa servers need")
    with temporary_database("trainer_scale") as app, temporary_database("tracker_scale") as tracker:
        yield as_sqlalchemy(app), tracker


@pytest.fixture(scope="module")
def two_servers(databases: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, str]]:
    app_url, tracker_url = databases
    env = {"TRACKER_STORE_URL": tracker_url, "REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{random.randint(2, 15)}"}
    stack = start_stack(tmp_path_factory.mktemp("scaling"), extra_env=env, database_url=app_url)
    second = free_port()
    try:
        stack.start_rasa("rasa-2", port=second)
        stack.wait("rasa-2", f"http://127.0.0.1:{second}/status?token={stack.rasa_token}")
        yield stack, f"http://127.0.0.1:{second}"
    finally:
        stack.stop()


def say(server: str, sender: str, text: str) -> list[dict[str, object]]:
    response = httpx.post(f"{server}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=180)
    response.raise_for_status()
    return list(response.json())


def test_interleaved_turns_on_two_rasa_servers_are_all_kept_in_order(two_servers: tuple[Stack, str]) -> None:
    stack, other = two_servers
    servers = [stack.rasa_url, other]
    senders = [f"scale-{i}" for i in range(CONVERSATIONS)]
    for sender in senders:
        say(servers[0], sender, '/start{"scenario": "cafe_late_order", "difficulty": "patient"}')
    sent: dict[str, list[str]] = {s: [] for s in senders}
    with ThreadPoolExecutor(max_workers=2 * CONVERSATIONS) as pool:
        for round_ in range(ROUNDS):
            jobs = []
            for sender in senders:
                for server_index, server in enumerate(servers):
                    text = f"Line {round_}.{server_index} from {sender}: sorry about the wait, what happened?"
                    sent[sender].append(text)
                    jobs.append(pool.submit(say, server, sender, text))
            for job in jobs:
                assert job.result(), "every line gets an answer"
    from sqlalchemy import text as sql

    from bot.store.db import engine_for

    with engine_for(stack.database_url).connect() as db:
        for sender in senders:
            tracker = httpx.get(f"{other}/conversations/{sender}/tracker", params={"token": stack.rasa_token}, timeout=60).json()
            in_tracker = [e["text"] for e in tracker["events"] if e["event"] == "user" and not e["text"].startswith("/")]
            stored = [row[0] for row in db.execute(sql(
                "SELECT t.text FROM turns t JOIN practice_sessions s ON s.id = t.session_id "
                "WHERE s.sender_id = :sender AND t.speaker = 'trainee' ORDER BY t.\"index\""), {"sender": sender})]
            assert sorted(in_tracker) == sorted(sent[sender]), "nothing lost in Rasa's tracker store"
            assert stored == in_tracker, "the app tables keep every line in the order Rasa handled them"
            replies = [e for e in tracker["events"] if e["event"] == "bot"]
            assert len(replies) >= 2 * ROUNDS, "every line was answered"
