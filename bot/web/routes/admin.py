"""The admin's pages: accounts and teams."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.store import accounts
from bot.store.db import get_db
from bot.store.models import ROLES, User
from bot.web.auth import admin_only, csrf_protect
from bot.web.forms import MAX_ROW_ID
from bot.web.views import render

router = APIRouter(prefix="/admin", dependencies=[Depends(admin_only)])


def _page(request: Request, db: Session, message: str | None = None, error: str | None = None, status_code: int = 200) -> Response:
    return render(request, "admin.html", {
        "users": accounts.list_users(db), "teams": accounts.list_teams(db), "roles": ROLES,
        "message": message, "error": error,
    }, status_code)


@router.get("", response_class=HTMLResponse)
def admin_page(request: Request, db: Session = Depends(get_db)) -> Response:
    return _page(request, db)


@router.post("/users", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def add_user(request: Request, username: str = Form(""), role: str = Form("trainee"), team: str = Form(""),
             password: str = Form(""), db: Session = Depends(get_db)) -> Response:
    try:
        added = accounts.add_user(db, username, role, team or None, password or None)
    except accounts.AccountError as exc:
        db.rollback()
        return _page(request, db, error=str(exc), status_code=422)
    said = f"{'Added' if added.created else 'Updated'} {added.user.username} ({added.user.role})"
    if added.attached_sessions:
        said += f"; {added.attached_sessions} stored session(s) attached"
    if added.password:
        said += f". Their password: {added.password} (shown once)"
    return _page(request, db, message=said + ".")


@router.post("/users/{user_id}", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def update_user(request: Request, user_id: int = Path(ge=1, le=MAX_ROW_ID), role: str = Form(...), team: str = Form(""), active: str = Form(""),
                password: str = Form(""), admin: User = Depends(admin_only), db: Session = Depends(get_db)) -> Response:
    if user_id == admin.id and (role != "admin" or not active):
        return _page(request, db, error="You cannot remove your own admin role or deactivate yourself.", status_code=422)
    try:
        user = accounts.update_user(db, user_id, role=role, team=team, active=bool(active), password=password or None)
    except accounts.AccountError as exc:
        db.rollback()
        return _page(request, db, error=str(exc), status_code=422)
    return _page(request, db, message=f"Saved {user.username}.")


@router.post("/teams", dependencies=[Depends(csrf_protect)])
def add_team(request: Request, name: str = Form(""), db: Session = Depends(get_db)) -> Response:
    try:
        accounts.ensure_team(db, name)
        db.commit()
    except accounts.AccountError as exc:
        db.rollback()
        return _page(request, db, error=str(exc), status_code=422)
    return RedirectResponse("/admin", status_code=303)
