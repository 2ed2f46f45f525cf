"""The web app (:8000): sign-in, the trainee's practice page, scorecards; it reads the app tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from bot.practice import library
from bot.scoring.scorecard import RUBRIC
from bot.settings import get_settings
from bot.skills.labels import SKILL_NAMES, STAGES
from bot.store import repository
from bot.store.db import get_db, migrate
from bot.web.trainer_api import router as trainer_api

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
TRAINEE_COOKIE = "trainee"
MAX_NAME = 64


def create_app() -> FastAPI:
    """The FastAPI application."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        migrate()
        yield

    app = FastAPI(title="Service trainer", docs_url="/api/docs", openapi_url="/api/openapi.json", lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(trainer_api)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/status")
    async def status() -> dict[str, Any]:
        """Whether the Rasa server and the action server answer, for the page to say plainly."""
        settings = get_settings()
        async with httpx.AsyncClient(timeout=2.0) as client:
            rasa, actions = await _reachable(client, settings.rasa_url + "/"), await _reachable(client, settings.action_server_url + "/health")
        return {"rasa": rasa, "actions": actions}

    @app.get("/api/scenarios")
    def scenarios() -> list[dict[str, Any]]:
        return [s.summary() for s in sorted(library().scenarios.values(), key=lambda s: s.id)]

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        if _trainee(request):
            return RedirectResponse("/practice", status_code=303)
        return templates.TemplateResponse(request, "signin.html", {"error": None, "name": ""})

    @app.post("/signin", response_class=HTMLResponse)
    def signin(request: Request, trainee: str = Form("")) -> Response:
        name = " ".join(trainee.split())
        error = None
        if not name:
            error = "Please enter your name or staff id."
        elif len(name) > MAX_NAME:
            error = f"Please use at most {MAX_NAME} characters."
        if error:
            return templates.TemplateResponse(request, "signin.html", {"error": error, "name": name}, status_code=422)
        response = RedirectResponse("/practice", status_code=303)
        response.set_cookie(TRAINEE_COOKIE, quote(name), max_age=60 * 60 * 24 * 365, samesite="lax")
        return response

    @app.get("/signout")
    def signout() -> Response:
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(TRAINEE_COOKIE)
        return response

    @app.get("/practice", response_class=HTMLResponse)
    def practice_page(request: Request) -> Response:
        trainee = _trainee(request)
        if not trainee:
            return RedirectResponse("/", status_code=303)
        settings = get_settings()
        items = sorted(library().scenarios.values(), key=lambda s: s.id)
        config = {
            "rasaUrl": settings.rasa_public_url,
            "trainee": trainee,
            "stages": list(STAGES),
            "replyTimeoutMs": int(settings.reply_timeout_seconds * 1000),
            "scenarios": [{**s.summary(), "setting": s.setting} for s in items],
        }
        return templates.TemplateResponse(request, "practice.html", {"trainee": trainee, "config": config, "scenarios": items})

    @app.get("/api/practice/{sender_id}")
    def current_practice(sender_id: str, db: Session = Depends(get_db)) -> JSONResponse:
        """The sender's latest session, so a reloaded page resumes where it was."""
        session = repository.latest_session(db, sender_id)
        if session is None:
            return JSONResponse({"session": None})
        last = session.turns[-1] if session.turns else None
        return JSONResponse({"session": {
            "session_id": session.id, "scenario": session.scenario_id, "difficulty": session.difficulty,
            "stage": last.stage if last else "receiving", "mood": last.mood if last else None,
            "ended": session.scorecard is not None,
            "transcript": repository.transcript(session),
        }})

    @app.get("/api/sessions/{session_id}/scorecard")
    def scorecard_json(session_id: str, db: Session = Depends(get_db)) -> JSONResponse:
        return JSONResponse(_scorecard(db, session_id))

    @app.get("/scorecards/{session_id}", response_class=HTMLResponse)
    def scorecard_page(request: Request, session_id: str, db: Session = Depends(get_db)) -> HTMLResponse:
        return templates.TemplateResponse(request, "scorecard.html", _scorecard_context(db, session_id))

    @app.get("/scorecards/{session_id}/fragment", response_class=HTMLResponse)
    def scorecard_fragment(request: Request, session_id: str, db: Session = Depends(get_db)) -> HTMLResponse:
        """The scorecard without the page around it, for the practice page to show in place."""
        return templates.TemplateResponse(request, "_scorecard.html", _scorecard_context(db, session_id))

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return templates.TemplateResponse(request, "error.html", {"message": exc.detail}, status_code=exc.status_code)

    return app


async def _reachable(client: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await client.get(url)).status_code < 500
    except httpx.HTTPError:
        return False


def _trainee(request: Request) -> str:
    return unquote(request.cookies.get(TRAINEE_COOKIE, "")).strip()[:MAX_NAME]


def _scorecard(db: Session, session_id: str) -> dict[str, Any]:
    session = repository.get_session(db, session_id)
    if session is None:
        raise HTTPException(404, f"No practice session '{session_id}'.")
    if session.scorecard is None:
        raise HTTPException(409, "This practice session has not ended yet, so it has no scorecard.")
    return {**session.scorecard.data, "session_id": session.id, "trainee": session.trainee,
            "difficulty": session.difficulty, "transcript": repository.transcript(session)}


def _scorecard_context(db: Session, session_id: str) -> dict[str, Any]:
    card = _scorecard(db, session_id)
    skills = [card["skills"][skill] for stage in STAGES for skill, _ in RUBRIC[stage]]
    return {
        "card": card, "scenario": library().get(card["scenario"]), "skill_names": SKILL_NAMES,
        "stage_chart_rows": [(name.capitalize(), card["stages"][name]["score"], card["stages"][name]["max"]) for name in STAGES],
        "skill_chart_rows": [(s["name"], s["points"], s["max"]) for s in skills],
    }


app = create_app()
