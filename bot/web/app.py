"""The web app (:8000): sign-in, the trainee's practice page and scorecards, the coach console, admin.

The routes live in bot/web/routes/ by audience; this module wires them together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.practice import library
from bot.store.db import DatabaseUnavailable, check_revision
from bot.web.auth import SignInLimiter, SignInRequired
from bot.web.routes import admin, api, assignments, coach, exports, progress, trainee
from bot.web.security import SessionAndHeaders
from bot.web.trainer_api import router as trainer_api
from bot.web.views import render

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def create_app() -> FastAPI:
    """The FastAPI application."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        check_revision()
        # Load the scenarios before the first request: the practice page and the trainer API read them, and a
        # cold load on a busy machine took longer than a sign-in or Slack's three seconds allow.
        await asyncio.to_thread(library)
        yield

    # No interactive API docs: they would load scripts from a CDN, which the Content-Security-Policy forbids.
    app = FastAPI(title="Service trainer", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.sign_in_limiter = SignInLimiter()
    app.add_middleware(SessionAndHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (api.router, trainee.router, exports.router, coach.router, assignments.router, progress.router, admin.router):
        app.include_router(router)
    app.include_router(trainer_api)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _: SignInRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "Please sign in."}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return render(request, "error.html", {"message": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(sorted({str(e.get("loc", ["?"])[-1]) for e in exc.errors()}))
        message = f"Some of what was sent is missing or not valid: {fields}."
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=422)
        return render(request, "error.html", {"message": message}, status_code=422)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    @app.exception_handler(DatabaseUnavailable)
    async def _database_away(request: Request, exc: Exception) -> Response:
        log.error("the database could not be reached for %s %s: %s", request.method, request.url.path, str(exc).splitlines()[0])
        message = DATABASE_AWAY if request.method == "GET" else DATABASE_AWAY + " " + NOT_SAVED
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=503, headers={"Retry-After": "10"})
        page = render(request, "error.html", {"message": message}, status_code=503)
        page.headers["Retry-After"] = "10"
        return page

    return app


#: What the web app says while its database is out of reach (a restart, a failover): a 503, never a bare 500.
DATABASE_AWAY = "The training database cannot be reached just now. Please try again in a moment."
NOT_SAVED = "What you just sent was not saved, so send it again once the page loads."

app = create_app()
