"""Assignments: a coach sets a scenario and difficulty for a trainee or the team, with a due date, and follows them."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.practice import library
from bot.store import accounts, assignments
from bot.store.db import get_db
from bot.store.models import Team, User
from bot.web.auth import coach_or_admin, csrf_protect
from bot.web.forms import FormProblem, free_text, said_back
from bot.web.views import render

router = APIRouter(prefix="/coach/assignments", dependencies=[Depends(coach_or_admin)])


def _choices(db: Session, coach: User) -> tuple[list[User], list[Team]]:
    users = [u for u in accounts.list_users(db) if u.role == "trainee" and u.active
             and (coach.role == "admin" or (coach.team_id is not None and u.team_id == coach.team_id))]
    teams = list(accounts.list_teams(db)) if coach.role == "admin" else ([coach.team] if coach.team else [])
    return users, teams


def _page(request: Request, db: Session, coach: User, error: str | None = None, status_code: int = 200) -> Response:
    users, teams = _choices(db, coach)
    items = [(a, assignments.completions(db, a)) for a in assignments.for_coach(db, coach)]
    scenarios = sorted(library().scenarios.values(), key=lambda s: s.title)
    return render(request, "coach_assignments.html", {
        "items": items, "users": users, "teams": teams, "scenarios": scenarios, "titles": {s.id: s.title for s in scenarios},
        "error": error, "today": date.today().isoformat(),
    }, status_code)


@router.get("", response_class=HTMLResponse)
def assignments_page(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    return _page(request, db, coach)


@router.post("", dependencies=[Depends(csrf_protect)])
def assign(request: Request, scenario: str = Form(""), difficulty: str = Form(""), due_on: str = Form(""),
           assignee: str = Form(""), note: str = Form(""), coach: User = Depends(coach_or_admin),
           db: Session = Depends(get_db)) -> Response:
    """`assignee` is 'user:<id>' or 'team:<id>', one of the coach's choices."""
    users, teams = _choices(db, coach)
    found = library().get(scenario)
    error = None
    try:
        due = date.fromisoformat(due_on)
    except ValueError:
        due, error = date.today(), "Please give the due date as YYYY-MM-DD."
    try:
        note = free_text(note, "The note", assignments.MAX_NOTE)
    except FormProblem as problem:
        error = str(problem)
    user = next((u for u in users if assignee == f"user:{u.id}"), None)
    team = next((t for t in teams if assignee == f"team:{t.id}"), None)
    if found is None:
        error = "Please choose one of the scenarios."
    elif difficulty not in found.difficulties:
        error = f"'{found.title}' has no difficulty '{said_back(difficulty)}'. Choose one of: {', '.join(found.difficulties)}."
    elif user is None and team is None:
        error = "Please choose a trainee or a team of yours."
    if error:
        return _page(request, db, coach, error, 422)
    assignments.create(db, coach, scenario, difficulty, due, user=user, team=team, note=note)
    return RedirectResponse("/coach/assignments", status_code=303)
