"""The JSON API: health and status, scenarios, resuming a practice session, scorecards."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from bot.practice import library
from bot.settings import get_settings
from bot.store import accounts, repository
from bot.store.db import get_db
from bot.store.models import User
from bot.web.auth import csrf_token, signed_in
from bot.web.views import scorecard_data, visible_session

router = APIRouter()


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/api/status")
async def status() -> dict[str, Any]:
    """Whether the Rasa server and the action server answer, for the page to say plainly."""
    settings = get_settings()
    async with httpx.AsyncClient(timeout=2.0) as client:
        rasa, actions = await _reachable(client, settings.rasa_url + "/"), await _reachable(client, settings.action_server_url + "/health")
    return {"rasa": rasa, "actions": actions}


@router.get("/api/scenarios")
def scenarios() -> list[dict[str, Any]]:
    return [s.summary() for s in sorted(library().scenarios.values(), key=lambda s: s.id)]


@router.get("/api/me")
def me(request: Request, user: User = Depends(signed_in)) -> dict[str, Any]:
    """The signed-in account, and the CSRF token its scripts send in the X-CSRF-Token header."""
    return {"username": user.username, "role": user.role, "team": user.team.name if user.team else None,
            "csrf_token": csrf_token(request)}


@router.get("/api/practice/{sender_id}")
def current_practice(sender_id: str, user: User = Depends(signed_in), db: Session = Depends(get_db)) -> JSONResponse:
    """The sender's latest session, so a reloaded page resumes where it was (only one the account may see)."""
    session = repository.latest_session(db, sender_id)
    if session is None or not accounts.can_see(user, session):
        return JSONResponse({"session": None})
    last = session.turns[-1] if session.turns else None
    return JSONResponse({"session": {
        "session_id": session.id, "scenario": session.scenario_id, "difficulty": session.difficulty,
        "stage": last.stage if last else "receiving", "mood": last.mood if last else None,
        "ended": session.scorecard is not None,
        "transcript": repository.transcript(session),
    }})


@router.get("/api/sessions/{session_id}/scorecard")
def scorecard_json(session_id: str, user: User = Depends(signed_in), db: Session = Depends(get_db)) -> JSONResponse:
    return JSONResponse(scorecard_data(visible_session(db, user, session_id)))


async def _reachable(client: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await client.get(url)).status_code < 500
    except httpx.HTTPError:
        return False
