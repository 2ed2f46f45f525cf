"""The web app (:8000): trainee pages and scorecards, reading the app tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from bot.practice import library
from bot.settings import get_settings
from bot.skills.labels import SKILL_NAMES, STAGES
from bot.store import repository
from bot.store.db import get_db, migrate

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


def create_app() -> FastAPI:
    """The FastAPI application."""
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        migrate()
        yield

    app = FastAPI(title="Service trainer", docs_url="/api/docs", openapi_url="/api/openapi.json", lifespan=lifespan)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/scenarios")
    def scenarios() -> list[dict[str, Any]]:
        return [s.summary() for s in sorted(library().scenarios.values(), key=lambda s: s.id)]

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        items = sorted(library().scenarios.values(), key=lambda s: s.id)
        return templates.TemplateResponse(request, "index.html", {"scenarios": items, "rasa_url": get_settings().rasa_url})

    @app.get("/api/sessions/{session_id}/scorecard")
    def scorecard_json(session_id: str, db: Session = Depends(get_db)) -> JSONResponse:
        return JSONResponse(_scorecard(db, session_id))

    @app.get("/scorecards/{session_id}", response_class=HTMLResponse)
    def scorecard_page(request: Request, session_id: str, db: Session = Depends(get_db)) -> HTMLResponse:
        card = _scorecard(db, session_id)
        scenario = library().get(card["scenario"])
        return templates.TemplateResponse(request, "scorecard.html", {
            "card": card, "scenario": scenario, "stages": STAGES, "skill_names": SKILL_NAMES,
        })

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse | HTMLResponse:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return templates.TemplateResponse(request, "error.html", {"message": exc.detail}, status_code=exc.status_code)

    return app


def _scorecard(db: Session, session_id: str) -> dict[str, Any]:
    session = repository.get_session(db, session_id)
    if session is None:
        raise HTTPException(404, f"No practice session '{session_id}'.")
    if session.scorecard is None:
        raise HTTPException(409, "This practice session has not ended yet, so it has no scorecard.")
    return {**session.scorecard.data, "session_id": session.id, "trainee": session.trainee,
            "difficulty": session.difficulty, "transcript": repository.transcript(session)}


app = create_app()
