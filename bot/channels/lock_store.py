"""A Redis lock store whose ticket changes are atomic, so several Rasa servers serve one conversation in order.

Rasa Open Source's `RedisLockStore` reads the lock, changes it in Python and writes it back: two servers that
receive lines of the same conversation at the same moment can both issue ticket 1 and handle the turns at once,
and Rasa's SQL tracker store then drops one of them (RasaHQ/rasa#9213; the fix, #11256, was reverted). Here every
change of a lock (issue a ticket, drop expired ones, finish serving and delete the lock when no one waits) runs in
a Redis WATCH/MULTI transaction, retried when another server changed the lock in between.

Runs inside Rasa: Rasa (and the Redis client Rasa itself uses) and the standard library only. Configured in
endpoints.yml as `lock_store: {type: bot.channels.lock_store.SerialRedisLockStore, url: host, port: ..., db: ...}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
#: A change of one lock: takes the stored lock (None when there is none) and returns a result and the lock to
#: store (None deletes it).
Change = Callable[[TicketLock | None], tuple[T, TicketLock | None]]


class SerialRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with each lock change done atomically in Redis."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        options = dict(endpoint_config.kwargs) if endpoint_config is not None else {}
        options.update(kwargs)
        host = (endpoint_config.url if endpoint_config is not None else None) or options.pop("host", "localhost")
        options.pop("type", None)
        super().__init__(host=host, **options)

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        """Apply `change` to the stored lock in one transaction, retried if another server wrote it meanwhile."""
        key = self.key_prefix + conversation_id
        outcome: list[T] = []

        def step(pipe: Any) -> None:
            outcome.clear()
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            result, changed = change(lock)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())
            outcome.append(result)

        self.red.transaction(step, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket for the conversation (creating its lock), atomically."""

        def issue(lock: TicketLock | None) -> tuple[int, TicketLock]:
            lock = lock or TicketLock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except Exception as exc:  # Rasa's own contract: a LockError when a ticket cannot be issued
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets, atomically; a lock that no longer exists stays absent."""

        def drop_expired(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket, atomically."""
        self._change(conversation_id, _without(ticket_number, delete_when_idle=False))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket and, in the same transaction, the lock when no one else holds a ticket."""
        self._change(conversation_id, _without(ticket_number, delete_when_idle=True))


def _without(ticket_number: int, delete_when_idle: bool) -> Change[None]:
    def change(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
        if lock is None:
            return None, None
        lock.remove_ticket_for(ticket_number)
        if delete_when_idle and not lock.is_someone_waiting():
            return None, None
        return None, lock

    return change
