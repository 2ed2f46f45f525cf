"""The lock store several Rasa servers share: one conversation's turns are served one at a time, even when the
servers ask for its lock at the same moment (real Redis on loopback, run in Rasa's environment)."""

from __future__ import annotations

import random
import socket
import subprocess
import time

import pytest

from bot.rasa_endpoints import SERIAL_REDIS_LOCK_STORE
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.rasa
PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
WORKERS = 12


def _redis(command: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
        sock.sendall(command)
        return sock.recv(64)


@pytest.fixture
def redis_db() -> int:
    try:
        if not _redis(b"PING\r\n").startswith(b"+PONG"):
            pytest.skip("Redis at 127.0.0.1:6379 does not answer PING")
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379: the lock store several Rasa servers need")
    if not PYTHON.exists():
        pytest.fail("The Rasa environment is missing: run `make test` (it sets up .venv-rasa first).")
    db = random.randint(2, 15)
    _redis(f"SELECT {db}\r\nFLUSHDB\r\n".encode())
    return db


def _counter(db: int) -> int:
    reply = _redis(f"SELECT {db}\r\nGET counter\r\n".encode()).decode()
    return int(reply.split("\r\n")[2]) if "$-1" not in reply else 0


def test_turns_of_one_conversation_asked_for_at_once_are_served_one_at_a_time(redis_db: int) -> None:
    start_at = time.time() + 8  # time for every interpreter to import Rasa first
    workers = [subprocess.Popen([str(PYTHON), "-m", "tests.lock_store_worker", SERIAL_REDIS_LOCK_STORE, str(redis_db),
                                 "one-conversation", str(start_at)], cwd=PROJECT_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(WORKERS)]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-2000:]
    assert _counter(redis_db) == WORKERS, "no two workers held the conversation's lock at once"
    assert _redis(f"SELECT {redis_db}\r\nEXISTS locktest:lock:one-conversation\r\n".encode()).endswith(b":0\r\n"), \
        "the lock is gone once nobody waits"
