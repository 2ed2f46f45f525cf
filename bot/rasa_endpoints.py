"""Rasa's endpoints file, made from the environment: one machine or many is a configuration switch, not code.

- `ACTION_SERVER_URL` (default http://127.0.0.1:5055): the action server, or the load balancer in front of several.
- `TRACKER_STORE_URL` (default sqlite:///var/rasa_tracker.db): Rasa's tracker store, any SQLAlchemy URL Rasa's
  SQL tracker store takes (sqlite:///path, postgresql://user:password@host:5432/db). Never the app's own database
  when an SQL event broker shares it (both name a table `events`).
- `REDIS_URL` (unset: the in-memory lock store): redis://[:password@]host:6379/db, the lock store that lets
  several Rasa servers serve the same conversations in order.

`python -m bot endpoints --out var/endpoints.yml` writes it (owner-only: it may hold a database password); make run
does. The action server's token stays a ${ACTION_SERVER_TOKEN} placeholder that Rasa fills from its environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from bot.settings import PROJECT_ROOT

#: Rasa's Redis lock store with atomic ticket changes (bot/channels/lock_store.py): Rasa's own can let two servers
#: serve one conversation at once.
SERIAL_REDIS_LOCK_STORE = "bot.channels.lock_store.SerialRedisLockStore"
DEFAULT_TRACKER = f"sqlite:///{PROJECT_ROOT / 'var' / 'rasa_tracker.db'}"


class EndpointsError(ValueError):
    """A URL in the environment that Rasa could not use; the message names the variable."""


def tracker_store(url: str) -> dict[str, Any]:
    """Rasa's SQL tracker store configuration for a SQLAlchemy-style URL."""
    parts = urlsplit(url)
    dialect = parts.scheme.split("+", 1)[0]
    if dialect == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": url.split(":///", 1)[1] if ":///" in url else "rasa.db"}
    if dialect not in ("postgresql", "postgres"):
        raise EndpointsError(f"TRACKER_STORE_URL must be a sqlite:/// or postgresql:// URL, not {parts.scheme}://")
    store: dict[str, Any] = {"type": "SQL", "dialect": "postgresql", "url": parts.hostname or "127.0.0.1",
                             "port": parts.port or 5432, "db": parts.path.lstrip("/") or "rasa"}
    if parts.username:
        store["username"] = unquote(parts.username)
    if parts.password:
        store["password"] = unquote(parts.password)
    return store


def lock_store(url: str | None) -> dict[str, Any]:
    """Rasa's lock store: Redis (with atomic ticket changes) when a URL is given, else in memory (one Rasa server)."""
    if not url:
        return {"type": "in_memory"}
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise EndpointsError(f"REDIS_URL must be a redis:// URL, not {parts.scheme}://")
    store: dict[str, Any] = {"type": SERIAL_REDIS_LOCK_STORE, "url": parts.hostname or "127.0.0.1", "port": parts.port or 6379,
                             "db": int(parts.path.lstrip("/") or 1), "key_prefix": "trainer",
                             "use_ssl": parts.scheme == "rediss"}
    if parts.password:
        store["password"] = unquote(parts.password)
    return store


def endpoints(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The whole endpoints configuration from the environment."""
    env = os.environ if environ is None else environ
    action = env.get("ACTION_SERVER_URL", "http://127.0.0.1:5055").rstrip("/")
    return {
        "action_endpoint": {"url": f"{action}/webhook", "token": "${ACTION_SERVER_TOKEN}"},
        "tracker_store": tracker_store(env.get("TRACKER_STORE_URL") or DEFAULT_TRACKER),
        "lock_store": lock_store(env.get("REDIS_URL")),
    }


def write(path: Path, environ: dict[str, str] | None = None) -> None:
    """Write the endpoints file, readable by its owner only."""
    text = yaml.safe_dump(endpoints(environ), sort_keys=False)
    # Rasa expands ${VARIABLES} only in plain (unquoted) YAML values.
    text = text.replace("'${ACTION_SERVER_TOKEN}'", "${ACTION_SERVER_TOKEN}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("# Made by `python -m bot endpoints` from the environment; do not edit (see bot/rasa_endpoints.py).\n" + text,
                    encoding="utf-8")
