"""The trainee's pages: sign-in and out, the practice page, their scorecards."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.attribution import trainee_pass
from bot.practice import library
from bot.settings import get_settings
from bot.skills.labels import STAGES
from bot.store import accounts, assignments
from bot.store.db import get_db
from bot.store.models import User
from bot.web import review as review_view
from bot.web.auth import SignInLimiter, csrf_protect, current_user, new_session, replace_session, sign_in, signed_in
from bot.web.views import render, scorecard_context, scorecard_data, visible_session

router = APIRouter()
HOME = {"trainee": "/practice", "coach": "/coach", "admin": "/coach"}


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never '//elsewhere' or a full URL)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def _limiter(request: Request) -> SignInLimiter:
    return request.app.state.sign_in_limiter


@router.get("/", response_class=HTMLResponse)
def index(user: User | None = Depends(current_user)) -> Response:
    return RedirectResponse(HOME[user.role] if user else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, user: User | None = Depends(current_user)) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next) or HOME[user.role], status_code=303)
    return render(request, "login.html", {"error": None, "username": "", "next": _safe_next(next) or ""})


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form(""),
          db: Session = Depends(get_db)) -> Response:
    address = request.client.host if request.client else "?"
    name = " ".join(username.split())[: accounts.MAX_USERNAME]
    limiter = _limiter(request)
    wait = limiter.wait_seconds(name, address)
    error = None
    if wait:
        error = f"Too many failed sign-ins. Please wait {max(1, wait // 60)} minute(s) and try again."
    elif not name or not password:
        error = "Please enter your username and password."
    else:
        user = accounts.authenticate(db, name, password)
        if user is not None:
            limiter.succeeded(name, address)
            sign_in(request, user)
            return RedirectResponse(_safe_next(next) or HOME[user.role], status_code=303)
        limiter.failed(name, address)
        error = "That username and password do not match an active account."
    status = 429 if wait else 422 if error.startswith("Please enter") else 401
    return render(request, "login.html", {"error": error, "username": name, "next": _safe_next(next) or ""}, status)


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request) -> Response:
    replace_session(request, new_session())
    return RedirectResponse("/login", status_code=303)


@router.get("/practice", response_class=HTMLResponse)
def practice_page(request: Request, user: User = Depends(signed_in), db: Session = Depends(get_db)) -> Response:
    settings = get_settings()
    items = sorted(library().scenarios.values(), key=lambda s: s.id)
    config = {
        "rasaUrl": settings.rasa_public_url,
        "trainee": user.username,
        # Lets the page name this account as the trainee in what it sends Rasa (bot/attribution.py).
        "traineePass": trainee_pass(user.username, settings.session_secret.encode()),
        "stages": list(STAGES),
        "replyTimeoutMs": int(settings.reply_timeout_seconds * 1000),
        "scenarios": [{**s.summary(), "setting": s.setting} for s in items],
    }
    mine = [(a, next(iter(assignments.completions(db, a, only=user)), None)) for a in assignments.for_trainee(db, user)]
    return render(request, "practice.html", {"config": config, "scenarios": items, "assignments": mine,
                                             "titles": {s.id: s.title for s in items}})


@router.get("/scorecards/{session_id}", response_class=HTMLResponse)
def scorecard_page(request: Request, session_id: str, user: User = Depends(signed_in), db: Session = Depends(get_db)) -> Response:
    """The scorecard with the coach's comments, note and score, and the Moments of Truth."""
    session = visible_session(db, user, session_id)
    context = scorecard_context(scorecard_data(session))
    context.update({"review": review_view.build(db, session), "session": session, "editable": False})
    return render(request, "scorecard.html", context)


@router.get("/scorecards/{session_id}/fragment", response_class=HTMLResponse)
def scorecard_fragment(request: Request, session_id: str, user: User = Depends(signed_in), db: Session = Depends(get_db)) -> Response:
    """The scorecard without the page around it, for the practice page to show in place."""
    session = visible_session(db, user, session_id)
    return render(request, "_scorecard.html", scorecard_context(scorecard_data(session)))
