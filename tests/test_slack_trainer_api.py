"""The trainer API the Slack channel reads (scenarios, a trainee's summary), through FastAPI's test client."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot import practice
from bot.settings import get_settings

TOKEN = {"Authorization": "Bearer s3cret"}


@pytest.fixture
def web(temp_db: str, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    from bot.web.app import create_app

    monkeypatch.setenv("TRAINER_API_TOKEN", "s3cret")
    get_settings.cache_clear()
    return TestClient(create_app())


def test_the_api_needs_the_shared_token_and_is_off_without_one(web: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    with web:
        assert web.get("/api/trainer/scenarios").status_code == 401
        wrong = web.get("/api/trainer/scenarios", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and "token" in wrong.json()["error"]
        monkeypatch.setenv("TRAINER_API_TOKEN", "")
        get_settings.cache_clear()
        off = web.get("/api/trainer/scenarios", headers=TOKEN)
        assert off.status_code == 503 and "TRAINER_API_TOKEN" in off.json()["error"]


def test_scenarios_come_with_the_words_trainees_call_them_by(web: TestClient) -> None:
    with web:
        cafe = next(s for s in web.get("/api/trainer/scenarios", headers=TOKEN).json() if s["id"] == "cafe_late_order")
    assert "cafe" in cafe["aliases"] and cafe["difficulties"] == ["patient", "impatient", "angry"]


def test_a_trainees_summary_lists_sessions_from_every_channel_with_the_weakest_skill(web: TestClient) -> None:
    ended = practice.begin("U1_C1_1.1", "cafe_late_order", "angry", channel="slack", trainee="alice@example.com")
    practice.finish(ended.state, ended.session_id, sender_id="U1_C1_1.1")
    running = practice.begin("alice-web", "cafe_late_order", "patient", channel="socketio", trainee="alice@example.com")
    practice.begin("someone-else", "cafe_late_order", "patient", trainee="bob")
    with web:
        data = web.get("/api/trainer/trainees/alice%40example.com/summary", headers=TOKEN).json()
        nobody = web.get("/api/trainer/trainees/nobody/summary", headers=TOKEN).json()
    assert [(s["session_id"], s["channel"], s["overall"]) for s in data["sessions"]] == [
        (running.session_id, "socketio", None), (ended.session_id, "slack", 0)]
    assert data["sessions"][0]["title"].startswith("Café")
    assert data["weakest_skill"]["skill"] == "greet_acknowledge" and data["weakest_skill"]["share"] == 0.0
    assert data["assignments"] == []
    assert nobody == {"trainee": "nobody", "sessions": [], "weakest_skill": None, "assignments": []}
