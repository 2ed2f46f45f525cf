"""Throw-away databases on the real PostgreSQL server (loopback, trust auth); skipped with a reason where there is none."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def temporary_database(prefix: str) -> Iterator[str]:
    """A new empty database; yields its plain postgresql:// URL and drops it afterwards."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {ADMIN_URL} ({exc.__class__.__name__}); set TEST_POSTGRES_ADMIN to run this test")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        from bot.store.db import engine_for

        engine_for(as_sqlalchemy(url)).dispose()
        # a new connection: a test may have restarted the server meanwhile
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def as_sqlalchemy(url: str) -> str:
    """The URL as the app's SQLAlchemy engine takes it (the psycopg 3 driver)."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)
