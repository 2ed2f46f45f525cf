"""Shared fixtures: the real scenarios, a throw-away database, the (slow-loading) detector."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.scenarios.loader import load_library
from bot.scenarios.model import Scenario
from bot.settings import PROJECT_ROOT, get_settings
from bot.skills.labels import Detection

SCENARIOS = PROJECT_ROOT / "data" / "scenarios"


@pytest.fixture(scope="session")
def cafe() -> Scenario:
    scenario = load_library(SCENARIOS).get("cafe_late_order")
    assert scenario is not None
    return scenario


@pytest.fixture(scope="session")
def airline() -> Scenario:
    scenario = load_library(SCENARIOS).get("airline_lost_baggage")
    assert scenario is not None
    return scenario


@pytest.fixture
def temp_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite database for one test, via DATABASE_URL as in production."""
    from bot import practice
    from bot.store.db import migrate

    url = f"sqlite:///{tmp_path / 'trainer.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    practice._database_ready.cache_clear()
    migrate(url)  # as `bot db upgrade` does before the services start
    yield url
    get_settings.cache_clear()
    practice._database_ready.cache_clear()


@pytest.fixture(scope="session")
def detector():  # type: ignore[no-untyped-def]
    from bot.skills.detector import get_detector

    return get_detector()


def det(label: str, span: str = "") -> Detection:
    """A detection as the detectors would report it."""
    return Detection(label, span, 0, len(span), 0.9)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close the app's pooled database connections before the interpreter goes (psycopg warns of open ones)."""
    from bot.store.db import dispose_engines

    dispose_engines()
