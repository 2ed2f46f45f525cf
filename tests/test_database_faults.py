"""The database briefly unavailable: writes are retried, the trainee gets a clear message when it stays away, and
nothing is stored twice (a real SQLite database whose sessions fail on purpose for a while)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot import practice
from bot.practice import DATABASE_AWAY, PracticeError
from bot.store import db as store_db
from bot.store.db import session_scope
from bot.store.models import SkillDetection, Turn

pytestmark = pytest.mark.models


class Outage:
    """Makes the next `failures` sessions opened by bot.practice fail as an unreachable database does."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.refused = 0

    def __call__(self, url: str | None = None):  # type: ignore[no-untyped-def]
        if self.failures > 0:
            self.failures -= 1
            self.refused += 1
            raise OperationalError("SELECT 1", {}, Exception("could not connect to server: Connection refused"))
        return session_scope(url)


@pytest.fixture
def started(temp_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[practice.Exchange]:
    monkeypatch.setattr(store_db, "RETRY_PAUSES", (0.0, 0.0, 0.0))
    yield practice.begin("fault-trainee", "cafe_late_order", "patient")


def _turns(session_id: str) -> list[tuple[str, str]]:
    with session_scope() as db:
        return [(t.speaker, t.text) for t in db.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.index))]


def test_a_short_outage_is_ridden_out_and_the_turn_is_stored_once(started: practice.Exchange, monkeypatch: pytest.MonkeyPatch) -> None:
    outage = Outage(failures=2)
    monkeypatch.setattr(practice, "session_scope", outage)
    reply = practice.respond("fault-trainee", started.state, started.session_id, "Sorry about the wait, what happened?")
    assert outage.refused == 2 and reply.lines
    turns = _turns(str(started.session_id))
    assert [speaker for speaker, _ in turns] == ["customer", "trainee", "customer"]
    assert turns[1][1] == "Sorry about the wait, what happened?"


def test_an_outage_that_lasts_gets_a_clear_message_and_stores_nothing_half(started: practice.Exchange,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(practice, "session_scope", Outage(failures=100))
    with pytest.raises(PracticeError) as raised:
        practice.respond("fault-trainee", started.state, started.session_id, "Hello?")
    assert str(raised.value) == DATABASE_AWAY
    assert [speaker for speaker, _ in _turns(str(started.session_id))] == ["customer"]


def test_a_reply_whose_confirmation_was_lost_is_stored_once_with_its_skills(
        started: practice.Exchange, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = practice._store_reply

    def flaky(session_id: str, turn_id: int, outcome: object) -> None:
        calls["n"] += 1
        real(session_id, turn_id, outcome)
        if calls["n"] == 1:  # the first attempt's work is done, then the connection drops before it is confirmed
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(practice, "_store_reply", flaky)
    practice.respond("fault-trainee", started.state, started.session_id, "Hi, thanks for waiting. What happened?")
    turns = _turns(str(started.session_id))
    assert calls["n"] == 2
    with session_scope() as db:
        trainee_turn = db.scalars(select(Turn).where(Turn.session_id == started.session_id, Turn.speaker == "trainee")).one()
        labels = [d.label for d in db.scalars(select(SkillDetection).where(SkillDetection.turn_id == trainee_turn.id))]
    assert len(labels) == len(set(labels)) and labels, "the skills are stored once"
    assert [speaker for speaker, _ in turns] == ["customer", "trainee", "customer"], "the retried reply is not stored twice"
