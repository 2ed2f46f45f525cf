"""Engines, sessions and migrations."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import get_settings

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


#: One engine per URL, never evicted: an evicted engine would drop its pooled connections unclosed.
_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per database URL; SQLite files get their folder created and foreign keys on."""
    if url in _ENGINES:
        return _ENGINES[url]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    return _ENGINES.setdefault(url, engine)


def dispose_engines() -> None:
    """Close every pooled connection of every engine this process made (at shutdown, or between tests)."""
    for engine in list(_ENGINES.values()):
        engine.dispose()


T = TypeVar("T")
#: How often, and after what pauses (seconds), a write is tried again while the database is unreachable.
RETRY_PAUSES: tuple[float, ...] = (0.5, 1.0, 2.0)


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached, even after retrying."""


def with_retries(operation: Callable[[], T], pauses: Sequence[float] | None = None) -> T:
    """Run a whole database transaction, again after each pause while the database is unreachable or locked
    (a restart, a failover, a busy SQLite file); DatabaseUnavailable once the pauses are spent. The operation
    must open its own session, so a retry starts clean."""
    pauses = RETRY_PAUSES if pauses is None else pauses
    for attempt in range(len(pauses) + 1):
        try:
            return operation()
        except (OperationalError, InterfaceError) as exc:
            if attempt == len(pauses):
                raise DatabaseUnavailable(str(exc).splitlines()[0]) from exc
            log.warning("database unreachable (%s); trying again in %.1f s", exc.__class__.__name__, pauses[attempt])
            time.sleep(pauses[attempt])
    raise AssertionError("unreachable")


class DatabaseNotReady(RuntimeError):
    """The database is missing tables or behind the code's newest migration; the message says what to run."""


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str | None = None) -> None:
    """Bring the database up to the newest Alembic revision (`python -m bot db upgrade`; run once, before the services)."""
    from alembic import command

    command.upgrade(_alembic_config(url or get_settings().database_url), "head")


def revisions(url: str | None = None) -> tuple[str | None, str]:
    """(the database's current revision or None, the code's newest revision)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    target = url or get_settings().database_url
    head = ScriptDirectory.from_config(_alembic_config(target)).get_current_head()
    with engine_for(target).connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, str(head)


def check_revision(url: str | None = None) -> None:
    """Raise DatabaseNotReady unless the database is at the newest revision. The services check; they never migrate."""
    current, head = revisions(url)
    if current != head:
        state = "has no tables yet" if current is None else f"is at revision {current}, the code needs {head}"
        raise DatabaseNotReady(f"The database {state}: run `.venv/bin/python -m bot db upgrade` first (make run does).")


@cache
def _factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=engine_for(url), expire_on_commit=False)


def session_scope(url: str | None = None) -> Session:
    """A new ORM session (use as a context manager)."""
    return _factory(url or get_settings().database_url)()


def get_db() -> Iterator[Session]:
    """The DB session as a web dependency."""
    with session_scope() as db:
        yield db
