"""The app tables on PostgreSQL through DATABASE_URL, as beyond one machine (a real server on loopback)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from bot.settings import get_settings

ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {ADMIN_URL} ({exc.__class__.__name__}); set TEST_POSTGRES_ADMIN to run this test")
    name = f"trainer_test_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    from bot import practice
    from bot.store.db import engine_for, migrate

    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    practice._database_ready.cache_clear()
    migrate(url)
    try:
        yield url
    finally:
        engine_for(url).dispose()
        get_settings.cache_clear()
        practice._database_ready.cache_clear()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_session_is_stored_and_scored_on_postgresql(postgres_url: str) -> None:
    from bot import practice
    from bot.store import repository
    from bot.store.db import session_scope

    started = practice.begin("pg-trainee", "clinic_billing_error", "impatient", trainee="Pat")
    ended = practice.finish(started.state, started.session_id, sender_id="pg-trainee")
    assert ended.scorecard is not None
    with session_scope() as db:
        session = repository.latest_session(db, "pg-trainee")
        assert session is not None and session.trainee == "Pat"
        assert session.scorecard is not None and session.scorecard.data["scenario"] == "clinic_billing_error"
        assert session.turns[0].speaker == "customer"
    assert practice.report("pg-trainee")["ended"] is True  # type: ignore[index]
