"""Run by tests/test_lock_store.py in Rasa's environment: processes that each take the conversation's lock through
the given lock store (a type as endpoints.yml names it) and increment a shared counter in Redis under it (read, pause, write)."""

from __future__ import annotations

import asyncio
import sys
import time

from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig


async def increment(store_class: str, db: int, conversation: str, start_at: float) -> None:
    store = LockStore.create(EndpointConfig(url="127.0.0.1", type=store_class, port=6379, db=db, key_prefix="locktest"))
    time.sleep(max(0.0, start_at - time.time()))  # every process asks for the lock at the same moment
    async with store.lock(conversation, wait_time_in_seconds=0.01):
        value = int(store.red.get("counter") or 0)
        await asyncio.sleep(0.05)
        store.red.set("counter", value + 1)


if __name__ == "__main__":
    asyncio.run(increment(sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])))
