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
        assert "Your name or staff id" in web.get("/").text


def test_scorecard_page_and_json_for_an_ended_session(temp_db: str) -> None:
    started = practice.begin("web-trainee", "cafe_late_order", "patient", trainee="Robin")
    practice.finish(started.state, started.session_id, sender_id="web-trainee")
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


def test_sign_in_attributes_the_practice_page_to_the_trainee(temp_db: str) -> None:
    with client() as web:
        assert web.get("/practice", follow_redirects=False).status_code == 303
        empty = web.post("/signin", data={"trainee": "   "})
        assert empty.status_code == 422 and "Please enter your name" in empty.text
        signed = web.post("/signin", data={"trainee": "Sam  Lee"}, follow_redirects=False)
        assert signed.status_code == 303
        page = web.get("/practice")
        assert page.status_code == 200 and "Sam Lee" in page.text
        assert "Café: a late and wrong lunch order" in page.text
        assert web.get("/signout", follow_redirects=False).status_code == 303


def test_resume_returns_the_latest_session_of_a_sender(temp_db: str) -> None:
    started = practice.begin("resume-me", "cafe_late_order", "angry")
    with client() as web:
        data = web.get("/api/practice/resume-me").json()["session"]
        assert data["session_id"] == started.session_id and data["difficulty"] == "angry"
        assert data["transcript"][0]["speaker"] == "customer" and not data["ended"]
        assert web.get("/api/practice/nobody").json() == {"session": None}


def test_status_says_which_server_is_down(temp_db: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.settings import get_settings

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    with client() as web:
        assert web.get("/api/status").json() == {"rasa": False, "actions": False}


def test_scorecard_fragment_has_the_charts_and_nps(temp_db: str) -> None:
    started = practice.begin("chart-trainee", "cafe_late_order", "patient")
    practice.finish(started.state, started.session_id, sender_id="chart-trainee")
    with client() as web:
        fragment = web.get(f"/scorecards/{started.session_id}/fragment").text
        assert fragment.count("<svg") == 2 and "How likely are you to recommend us?" in fragment
        assert "<html" not in fragment
