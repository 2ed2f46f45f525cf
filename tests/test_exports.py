"""Exports with the list's filters: CSV, JSON and xAPI statements, for a coach's own team only."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import get_settings
from tests.coach_data import GOOD_VISIT, store_session
from tests.web_client import add_users, client, csrf, sign_in


def test_csv_json_and_xapi_exports(temp_db: str) -> None:
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"), ("alex", "trainee", "B"))
    formula = [*GOOD_VISIT[:5], ("trainee", "=HYPERLINK(\"http://x\")", "understanding", 3, []), GOOD_VISIT[6]]
    mine = store_session("robin", formula, started=datetime(2026, 11, 2, 9, tzinfo=UTC))
    older = store_session("robin", GOOD_VISIT, started=datetime(2026, 10, 1, 9, tzinfo=UTC))
    store_session("alex", GOOD_VISIT)
    with client() as web:
        sign_in(web, "casey")
        ids = dict(re.findall(r'id="turn-(\d+)" class="[^"]*" data-turn-id="(\d+)"', web.get(f"/coach/sessions/{mine}").text))
        web.post(f"/coach/sessions/{mine}/corrections", data={"turn_id": ids["5"], "label": "open_question", "action": "add",
                                                             "reason": "asks", "csrf_token": csrf(web)})

        response = web.get("/coach/export.csv?from=2026-11-01")
        assert response.headers["content-disposition"] == 'attachment; filename="sessions.csv"'
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert {r["session_id"] for r in rows} == {mine}, "filtered like the list, and never another team's"
        assert len(rows) == 7 and rows[1]["detected_labels"] == "greet_acknowledge" and rows[1]["detector_score"] == "27"
        assert rows[5]["text"] == "'=HYPERLINK(\"http://x\")", "a formula is defused"
        assert rows[5]["coach_labels"] == "open_question" and rows[5]["coach_score"] == "32"

        data = web.get("/coach/export.json").json()
        assert [s["session_id"] for s in data] == [mine, older]
        assert data[0]["turns"][1]["detections"][0]["span"] == "thanks for waiting" and data[0]["coach_score"] == 32

        statements = web.get("/coach/export.xapi.json?trainee=robin&to=2026-11-30&scenario=cafe_late_order").json()
        sessions = [s for s in statements if s["verb"]["id"].endswith("/completed")]
        skills = [s for s in statements if s["verb"]["id"].endswith("/scored")]
        assert len(sessions) == 2 and len(skills) == 5, "greeting and feeling twice, the added open question once"
        first = next(s for s in sessions if s["result"]["score"]["raw"] == 32)
        assert first["actor"]["account"]["name"] == "robin" and first["result"]["score"]["scaled"] == 0.32
        assert first["result"]["extensions"]["http://testserver/xapi/ext/detector-score"] == 27
        assert uuid.UUID(first["id"]).version == 5 and uuid.UUID(first["context"]["registration"]).version == 5
        added = next(s for s in skills if s["object"]["id"].endswith("/skills/open_question"))
        verdicts = added["result"]["extensions"]
        assert verdicts["http://testserver/xapi/ext/detector-verdict"] == {"points": 0, "max": 10, "count": 0}
        assert verdicts["http://testserver/xapi/ext/coach-verdict"] == {"points": 5, "max": 10, "count": 1}
        assert added["context"]["registration"] == first["context"]["registration"]
    with client() as web:
        sign_in(web, "robin")
        assert web.get("/coach/export.csv").status_code == 403


def test_export_times_carry_their_zone_even_on_sqlite(temp_db: str) -> None:
    assert temp_db.startswith("sqlite"), "SQLite hands back naive datetimes: the case to guard"
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"))
    store_session("robin", GOOD_VISIT, started=datetime(2026, 11, 2, 9, tzinfo=UTC))
    with client() as web:
        sign_in(web, "casey")
        statements = web.get("/coach/export.xapi.json").json()
        assert statements
        for statement in statements:
            moment = datetime.fromisoformat(statement["timestamp"])
            assert moment.utcoffset() == timedelta(0), statement["timestamp"]
        data = web.get("/coach/export.json").json()
        assert data[0]["started_at"] == "2026-11-02T09:00:00+00:00"
        assert datetime.fromisoformat(data[0]["ended_at"]).tzinfo is not None


def test_an_export_says_when_it_holds_fewer_sessions_than_matched(temp_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPORT_MAX_SESSIONS", "2")
    get_settings.cache_clear()
    add_users(("casey", "coach", "A"), ("robin", "trainee", "A"))
    oldest, second, third = (store_session("robin", GOOD_VISIT, started=datetime(2026, 11, day, 9, tzinfo=UTC)) for day in (1, 2, 3))
    with client() as web:
        sign_in(web, "casey")
        for path in ("/coach/export.csv", "/coach/export.json", "/coach/export.xapi.json"):
            response = web.get(path)
            assert response.headers["x-export-sessions"] == "2" and response.headers["x-export-matching"] == "3", path
            assert "at most 2 sessions, the newest, and 3 match" in response.headers["x-export-capped"], path
        assert [s["session_id"] for s in web.get("/coach/export.json").json()] == [third, second], f"not {oldest}"
        assert "at most 2 sessions, the newest, and 3 match these filters" in web.get("/coach").text
        narrowed = web.get("/coach/export.csv?from=2026-11-02")
        assert narrowed.headers["x-export-sessions"] == "2" and "x-export-capped" not in narrowed.headers
        assert "at most 2 sessions" not in web.get("/coach?from=2026-11-02").text
