"""The app tables on PostgreSQL through DATABASE_URL, as beyond one machine (a real server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.settings import get_settings
from tests.pg import as_sqlalchemy, temporary_database


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from bot import practice
    from bot.store.db import migrate

    with temporary_database("trainer_test") as plain:
        url = as_sqlalchemy(plain)
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        practice._database_ready.cache_clear()
        migrate(url)
        try:
            yield url
        finally:
            get_settings.cache_clear()
            practice._database_ready.cache_clear()


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


def test_the_coach_console_on_postgresql(postgres_url: str) -> None:
    """Accounts, the filtered list, a correction, progress, assignments and exports, as on SQLite."""
    import re
    from datetime import UTC, date, datetime, timedelta

    from tests.coach_data import GOOD_VISIT, store_session
    from tests.web_client import add_users, client, csrf, sign_in

    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"), ("alex", "trainee", "B"))
    early = store_session("robin", GOOD_VISIT[:3], started=datetime(2026, 11, 2, 9, tzinfo=UTC))
    later = store_session("robin", GOOD_VISIT, started=datetime(2026, 11, 10, 9, tzinfo=UTC))
    store_session("alex", GOOD_VISIT)
    with client() as web:
        sign_in(web, "casey")
        listed = re.findall(r'href="/coach/sessions/([0-9a-f-]{36})"', web.get("/coach?from=2026-11-09&trainee=ROB&min_score=20").text)
        assert listed == [later]
        ids = dict(re.findall(r'id="turn-(\d+)" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{later}").text))
        web.post(f"/coach/sessions/{later}/corrections", data={"turn_id": ids["5"], "label": "open_question", "action": "add",
                                                              "reason": "asks", "csrf_token": csrf(web)})
        assert 'class="coach-score">32/100' in web.get(f"/coach/sessions/{later}").text
        assert "Average overall score by week: 02 Nov 15, 09 Nov 32" in web.get("/coach/progress/robin").text
        team = re.search(r'<option value="(team:\d+)">Team: A', web.get("/coach/assignments").text)
        assert team
        web.post("/coach/assignments", data={"assignee": team.group(1), "scenario": "cafe_late_order", "difficulty": "patient",
                                             "due_on": (date.today() + timedelta(days=3)).isoformat(), "csrf_token": csrf(web)})
        assert "not yet" in web.get("/coach/assignments").text
        rows = web.get("/coach/export.csv").text.splitlines()
        assert len(rows) == 1 + 3 + 7 and all(early in r or later in r for r in rows[1:])


def test_comments_notes_calibration_and_the_json_and_xapi_exports_on_postgresql(postgres_url: str) -> None:
    """The rest of the coach console, as on SQLite: a comment and a note the trainee sees, the calibration counts, and
    the JSON and xAPI exports with both verdicts and times in UTC."""
    import re
    from datetime import UTC, datetime

    from tests.coach_data import GOOD_VISIT, store_session
    from tests.web_client import add_users, client, csrf, sign_in

    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"))
    session = store_session("robin", GOOD_VISIT, started=datetime(2026, 11, 10, 9, tzinfo=UTC))
    with client() as web:
        sign_in(web, "casey")
        ids = dict(re.findall(r'id="turn-(\d+)" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{session}").text))
        web.post(f"/coach/sessions/{session}/comments", data={"turn_id": ids["1"], "text": "Great opener.\x00", "csrf_token": csrf(web)})
        web.post(f"/coach/sessions/{session}/note", data={"note": "Ask what happened next time.", "csrf_token": csrf(web)})
        web.post(f"/coach/sessions/{session}/corrections", data={"turn_id": ids["5"], "label": "thank", "action": "add",
                                                               "reason": "thanks them", "csrf_token": csrf(web)})
        assert "<strong>3</strong> trainee turns" in web.get("/coach/calibration").text
        exported = web.get("/coach/export.json").json()
        assert [s["session_id"] for s in exported] == [session] and exported[0]["coach_score"] is not None
        statements = web.get("/coach/export.xapi.json").json()
        assert statements and all(s["timestamp"].endswith("+00:00") for s in statements)
        assert any("coach-verdict" in key for s in statements for key in s.get("result", {}).get("extensions", {}))
    with client() as web:
        sign_in(web, "robin")
        card = web.get(f"/scorecards/{session}").text
        assert "Great opener.\ufffd" in card and "Ask what happened next time." in card


@pytest.mark.models
def test_postgresql_dropping_every_connection_mid_session_loses_no_turn(postgres_url: str) -> None:
    """A real fault: the server ends every connection of the app's pool (as a restart or a failover does) between two
    trainee lines; the next line is stored once, answered, and the session goes on."""
    import psycopg

    from bot import practice
    from bot.store import repository
    from bot.store.db import session_scope
    from tests.pg import ADMIN_URL

    started = practice.begin("pg-fault", "cafe_late_order", "patient")
    first = practice.respond("pg-fault", started.state, started.session_id, "Hi, thanks for waiting. What happened?")
    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        ended = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()
    assert ended is not None and ended[0] >= 1, "the app's pooled connections were there to be ended"
    line = "So you've waited twenty minutes and got the wrong coffee?"
    second = practice.respond("pg-fault", first.state, first.session_id, line)
    assert second.messages and second.session_id == started.session_id
    with session_scope() as db:
        session = repository.latest_session(db, "pg-fault")
        assert session is not None
        said = [t.text for t in session.turns if t.speaker == "trainee"]
    assert said == ["Hi, thanks for waiting. What happened?", line]


def _restart_command() -> list[str] | None:
    """How to restart the local PostgreSQL server (Debian's pg_ctlcluster), or None where this test cannot."""
    import os
    import shutil
    from pathlib import Path

    from tests.pg import ADMIN_URL

    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    if not shutil.which("pg_ctlcluster") or not versions or os.geteuid() != 0 or "127.0.0.1:5432" not in ADMIN_URL:
        return None
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"]


def test_a_postgresql_restart_mid_session_loses_no_turn(postgres_url: str) -> None:
    """A real restart of the server (about 2 s down) while a trainee line is being stored: the line is stored once and
    answered when the server is back within the retries, else the trainee is told plainly and sending it again stores it
    once; the session goes on either way, and nothing is stored twice or half."""
    import subprocess
    import threading
    import time

    import psycopg

    from bot import practice
    from bot.store import repository
    from bot.store.db import session_scope
    from tests.pg import ADMIN_URL

    command = _restart_command()
    if command is None:
        pytest.skip("restarting PostgreSQL needs Debian's pg_ctlcluster, root and the local server on 127.0.0.1:5432")
    def server_started() -> object:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10) as admin:
            row = admin.execute("SELECT pg_postmaster_start_time()").fetchone()
        assert row is not None
        return row[0]

    booted = server_started()
    started = practice.begin("pg-restart", "cafe_late_order", "patient")
    restart = threading.Thread(target=subprocess.run, args=(command,), kwargs={"check": True, "capture_output": True})
    restart.start()
    time.sleep(0.3)  # the server is going down
    line = "Hi, thanks for waiting. What happened?"
    try:
        reply = practice.respond("pg-restart", started.state, started.session_id, line)
    except practice.PracticeError as told:
        assert "database" in str(told).lower()
        restart.join(30)
        reply = practice.respond("pg-restart", started.state, started.session_id, line)
    restart.join(30)
    assert not restart.is_alive() and server_started() != booted, "the server really restarted, and came back"
    assert reply.messages and reply.session_id == started.session_id
    after = practice.respond("pg-restart", reply.state, reply.session_id, "I'm sorry, that sounds really frustrating.")
    assert after.messages
    with session_scope() as db:
        session = repository.latest_session(db, "pg-restart")
        assert session is not None
        said = [(t.speaker, t.text) for t in session.turns]
    assert [text for speaker, text in said if speaker == "trainee"] == [line, "I'm sorry, that sounds really frustrating."]
    assert [speaker for speaker, _ in said] == ["customer", "trainee", "customer", "trainee", "customer"]
