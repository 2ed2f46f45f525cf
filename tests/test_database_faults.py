"""The database briefly unavailable: writes are retried, the trainee gets a clear message when it stays away, and
nothing is stored twice (a real SQLite database whose sessions fail on purpose for a while)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from bot import practice
from bot.practice import DATABASE_AWAY, SCORECARD_LATER, CustomerUnavailable, PracticeError
from bot.scenarios.turn import WALK_OUT_AT
from bot.settings import get_settings
from bot.store import db as store_db
from bot.store.db import session_scope
from bot.store.models import PracticeSession, SkillDetection, Turn

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


class FailingStatements:
    """Makes SQL statements that start with `prefix` fail as a dropped connection does: `failures` of them, after the
    first `skip` (the fault sits in the database driver, below every retry and transaction of the code)."""

    def __init__(self, prefix: str, failures: int, skip: int = 0) -> None:
        self.prefix, self.failures, self.skip = prefix, failures, skip

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(self.prefix):
            return
        if self.skip > 0:
            self.skip -= 1
        elif self.failures > 0:
            self.failures -= 1
            raise OperationalError(statement, {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def fault(started: practice.Exchange) -> Iterator[list[FailingStatements]]:
    """Put a FailingStatements into the list to switch it on; it is taken off the engine afterwards."""
    faults: list[FailingStatements] = []

    def each(*args: Any) -> None:
        for f in faults:
            f(*args)

    engine = store_db.engine_for(get_settings().database_url)
    event.listen(engine, "before_cursor_execute", each)
    yield faults
    event.remove(engine, "before_cursor_execute", each)


def test_a_customer_who_cannot_answer_keeps_the_line_once_and_says_not_to_send_it_again(
        started: practice.Exchange, fault: list[FailingStatements]) -> None:
    fault.append(FailingStatements("INSERT INTO TURNS", failures=100, skip=1))  # the trainee's line is stored, the reply is not
    with pytest.raises(CustomerUnavailable) as raised:
        practice.respond("fault-trainee", started.state, started.session_id, "Hi, thanks for waiting. What happened?")
    assert "Your message is saved, so there is no need to send it again" in str(raised.value)
    assert _turns(str(started.session_id)) == [("customer", started.messages[-1]),
                                               ("trainee", "Hi, thanks for waiting. What happened?")]


def test_a_line_sent_again_before_the_customer_answered_it_is_one_turn_answered_once(
        started: practice.Exchange, fault: list[FailingStatements]) -> None:
    """The trainee was told the customer stepped away (or resent anyway): the same words again are the same turn."""
    line = "Hi, thanks for waiting. What happened?"
    fault.append(FailingStatements("INSERT INTO TURNS", failures=100, skip=1))
    with pytest.raises(CustomerUnavailable):
        practice.respond("fault-trainee", started.state, started.session_id, line)
    fault.clear()
    answered = practice.respond("fault-trainee", started.state, started.session_id, line)
    assert answered.messages
    assert [speaker for speaker, _ in _turns(str(started.session_id))] == ["customer", "trainee", "customer"]
    again = practice.respond("fault-trainee", answered.state, started.session_id, line)  # answered now: a new turn
    assert again.messages and _trainee_lines(str(started.session_id)) == [line, line]


RUDE = "Calm down, that is not my problem."


def _walk_out(started: practice.Exchange) -> practice.Exchange:
    """The trainee's next line makes the customer, already at the end of their patience, walk out: the closing turn."""
    assert started.state is not None
    at_the_edge = {**started.state, "frustration": WALK_OUT_AT}
    return practice.respond("fault-trainee", at_the_edge, started.session_id, RUDE)


def _trainee_lines(session_id: str) -> list[str]:
    return [text for speaker, text in _turns(session_id) if speaker == "trainee"]


def test_a_short_fault_while_the_closing_turn_is_scored_is_ridden_out(started: practice.Exchange,
                                                                      fault: list[FailingStatements]) -> None:
    fault.append(FailingStatements("INSERT INTO SCORECARDS", failures=1))
    closing = _walk_out(started)
    assert closing.payload["ended"] and closing.scorecard is not None and closing.messages[-1].startswith("Scorecard: ")
    assert _trainee_lines(str(started.session_id)) == [RUDE]
    with session_scope() as db:
        session = db.get(PracticeSession, started.session_id)
        assert session is not None and session.ended_at is not None and session.outcome == "walked_out"


def test_a_lasting_fault_at_the_closing_turn_never_asks_for_the_line_again(started: practice.Exchange,
                                                                          fault: list[FailingStatements]) -> None:
    fault.append(FailingStatements("INSERT INTO SCORECARDS", failures=100))
    closing = _walk_out(started)
    session_id = str(started.session_id)
    assert closing.messages[-1] == SCORECARD_LATER and "again" not in closing.messages[0]
    assert closing.state is not None and closing.state["outcome"] == "walked_out"
    resent = practice.respond("fault-trainee", closing.state, session_id, RUDE)  # the trainee sends it again anyway
    assert "has ended" in resent.messages[0]
    assert _trainee_lines(session_id) == [RUDE], "the closing line is stored once"
    fault.clear()  # the database is back: /end scores the session
    ended = practice.finish(closing.state, session_id, sender_id="fault-trainee")
    assert ended.scorecard is not None and ended.messages[-1].startswith("Scorecard: ")
    assert _trainee_lines(session_id) == [RUDE]


def test_starting_rides_out_a_short_outage_and_says_so_plainly_when_it_lasts(temp_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "RETRY_PAUSES", (0.0, 0.0, 0.0))
    outage = Outage(failures=2)
    monkeypatch.setattr(practice, "session_scope", outage)
    opened = practice.begin("fault-starter", "cafe_late_order", "patient")
    assert outage.refused == 2 and [speaker for speaker, _ in _turns(str(opened.session_id))] == ["customer"]
    monkeypatch.setattr(practice, "session_scope", Outage(failures=100))
    with pytest.raises(PracticeError) as raised:
        practice.begin("fault-starter", "cafe_late_order", "patient")
    assert str(raised.value) == practice.NOT_STARTED
    with session_scope() as db:  # one session: the retries left none half made, the lasting outage none at all
        assert len(db.scalars(select(PracticeSession).where(PracticeSession.sender_id == "fault-starter")).all()) == 1


def test_ending_rides_out_a_short_outage_and_says_so_plainly_when_it_lasts(started: practice.Exchange,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(practice, "session_scope", Outage(failures=100))
    with pytest.raises(PracticeError) as raised:
        practice.finish(started.state, started.session_id, sender_id="fault-trainee")
    assert str(raised.value) == SCORECARD_LATER
    outage = Outage(failures=2)
    monkeypatch.setattr(practice, "session_scope", outage)
    ended = practice.finish(started.state, started.session_id, sender_id="fault-trainee")
    assert outage.refused == 2 and ended.scorecard is not None
