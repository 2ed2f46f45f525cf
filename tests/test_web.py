"""The web app's routes, through FastAPI's test client, on a throw-away database."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot import practice


def client() -> TestClient:
    from bot.web.app import create_app

    return TestClient(create_app())


def test_health_and_scenarios(temp_db: str) -> None:
    with client() as web:
        assert web.get("/health").json() == {"status": "ok"}
        assert any(s["id"] == "cafe_late_order" for s in web.get("/api/scenarios").json())
        assert "Café" in web.get("/").text


def test_scorecard_page_and_json_for_an_ended_session(temp_db: str) -> None:
    started = practice.begin("web-trainee", "cafe_late_order", "patient", trainee="Robin")
    practice.finish(started.state, started.session_id)
    with client() as web:
        data = web.get(f"/api/sessions/{started.session_id}/scorecard").json()
        assert data["overall"] == 0 and data["trainee"] == "Robin"
        page = web.get(f"/scorecards/{started.session_id}")
        assert page.status_code == 200 and "Scorecard" in page.text and "Try next time" in page.text


def test_missing_and_unfinished_sessions_get_clear_answers(temp_db: str) -> None:
    started = practice.begin("web-trainee", "cafe_late_order", "patient")
    with client() as web:
        missing = web.get("/api/sessions/nope/scorecard")
        assert missing.status_code == 404 and "No practice session" in missing.json()["error"]
        unfinished = web.get(f"/scorecards/{started.session_id}")
        assert unfinished.status_code == 409 and "has not ended" in unfinished.text
