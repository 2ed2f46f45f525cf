"""The coach console: the session list, transcript review with comments and corrections, calibration."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot import exports, review
from bot.practice import library
from bot.scoring.calibration import agreement
from bot.settings import get_settings
from bot.skills.labels import LABELS, skill_names
from bot.store import reviews
from bot.store.db import get_db
from bot.store.models import User
from bot.web import review as review_view
from bot.web.auth import coach_or_admin, csrf_protect
from bot.web.forms import MAX_ROW_ID, FormProblem, free_text, said_back, whole_number
from bot.web.views import render, scorecard_context, visible_session

router = APIRouter(prefix="/coach", dependencies=[Depends(coach_or_admin)])
OUTCOMES = ("resolved", "walked_out", "ended_by_trainee", "running")
DIFFICULTIES = ("patient", "impatient", "angry")
FILTER_FIELDS = ("trainee", "team", "scenario", "difficulty", "from", "to", "outcome", "min_score", "max_score", "sort", "order")


def parse_filters(request: Request) -> tuple[reviews.SessionFilters, list[str]]:
    """The list's filters from the query string; anything unreadable is left out and said."""
    q = request.query_params
    problems: list[str] = []

    def day(name: str) -> date | None:
        value = q.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            problems.append(f"'{said_back(value)}' is not a date (use YYYY-MM-DD); the {name} filter is left out.")
            return None

    def number(name: str, low: int, high: int) -> int | None:
        value = q.get(name, "").strip()
        if not value:
            return None
        found = whole_number(value, low, high)
        if found is None:
            problems.append(f"'{said_back(value)}' is not a whole number from {low} to {high}; "
                            f"the {name.replace('_', ' ')} filter is left out.")
        return found

    def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
        value = q.get(name, "").strip()
        if value and value not in allowed:
            problems.append(f"'{said_back(value)}' is not one of {', '.join(allowed)}; the {name} is left at {default}.")
        return value if value in allowed else default

    filters = reviews.SessionFilters(
        trainee=q.get("trainee", "").strip()[:64], team=q.get("team", "").strip()[:128], scenario=q.get("scenario", "").strip(),
        difficulty=q.get("difficulty", "").strip(), date_from=day("from"), date_to=day("to"), outcome=q.get("outcome", "").strip(),
        min_score=number("min_score", 0, 100), max_score=number("max_score", 0, 100),
        sort=choice("sort", tuple(reviews.SORTS), "started"), descending=choice("order", ("asc", "desc"), "desc") == "desc",
        page=number("page", 1, 100000) or 1,
    )
    return filters, problems


def filter_query(request: Request, **changes: str | int) -> str:
    """The current filters as a query string, with some changed (for sort links and pages)."""
    params = {k: v for k, v in request.query_params.items() if k in FILTER_FIELDS and v}
    params.update({k: str(v) for k, v in changes.items()})
    return urlencode(params)


@router.get("", response_class=HTMLResponse)
def session_list(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    filters, problems = parse_filters(request)
    page = reviews.list_sessions(db, coach, filters)
    scenarios, teams = reviews.scenario_and_team_choices(db, coach)
    titles = {s.id: s.title for s in library().scenarios.values()}
    return render(request, "coach_sessions.html", {
        "page": page, "filters": filters, "problems": problems, "scenarios": scenarios, "teams": teams, "titles": titles,
        "outcomes": OUTCOMES, "difficulties": DIFFICULTIES, "query": lambda **c: filter_query(request, **c),
        "export_query": filter_query(request),
        "export_capped": exports.capped_note(min(page.total, get_settings().export_max_sessions), page.total),
    })


def _review_page(request: Request, db: Session, session_id: str, coach: User, error: str | None = None,
                 status_code: int = 200) -> Response:
    session = visible_session(db, coach, session_id)
    if session.scorecard is None:
        raise HTTPException(409, "This practice session has not ended yet; it can be reviewed once it has a scorecard.")
    built = review_view.build(db, session)
    context = scorecard_context({**(built.coach_card or built.detector_card), "session_id": session.id, "trainee": session.trainee,
                                 "difficulty": session.difficulty})
    context.update({"session": session, "review": built, "labels": LABELS, "skill_names": skill_names(), "error": error,
                    "editable": True})
    return render(request, "coach_session.html", context, status_code)


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session_review(request: Request, session_id: str, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    return _review_page(request, db, session_id, coach)


@router.get("/sessions/{session_id}/print", response_class=HTMLResponse)
def session_print(request: Request, session_id: str, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    """The transcript for paper: no forms, print styles."""
    session = visible_session(db, coach, session_id)
    if session.scorecard is None:
        raise HTTPException(409, "This practice session has not ended yet; it can be printed once it has a scorecard.")
    built = review_view.build(db, session)
    return render(request, "coach_print.html", {"session": session, "review": built, "skill_names": skill_names(),
                                                "scenario": library().get(session.scenario_id), "editable": False})


@router.post("/sessions/{session_id}/comments", dependencies=[Depends(csrf_protect)])
def add_comment(request: Request, session_id: str, turn_id: int = Form(..., ge=0, le=MAX_ROW_ID), text: str = Form(""),
                coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    session = visible_session(db, coach, session_id)
    turn = reviews.turn_of(db, session.id, turn_id)
    if turn is None:
        return _review_page(request, db, session_id, coach, "That turn is not part of this session.", 422)
    try:
        comment = free_text(text, "A comment", reviews.MAX_COMMENT)
    except FormProblem as problem:
        return _review_page(request, db, session_id, coach, str(problem), 422)
    if not comment:
        return _review_page(request, db, session_id, coach, "A comment cannot be empty.", 422)
    reviews.add_comment(db, turn, coach, comment)
    return RedirectResponse(f"/coach/sessions/{session.id}#turn-{turn.index}", status_code=303)


@router.post("/sessions/{session_id}/note", dependencies=[Depends(csrf_protect)])
def save_note(request: Request, session_id: str, note: str = Form(""), coach: User = Depends(coach_or_admin),
              db: Session = Depends(get_db)) -> Response:
    session = visible_session(db, coach, session_id)
    try:
        reviews.save_review(db, session.id, coach, free_text(note, "The note", reviews.MAX_COMMENT))
    except FormProblem as problem:
        return _review_page(request, db, session_id, coach, str(problem), 422)
    return RedirectResponse(f"/coach/sessions/{session.id}#summary", status_code=303)


@router.post("/sessions/{session_id}/corrections", dependencies=[Depends(csrf_protect)])
def add_correction(request: Request, session_id: str, turn_id: int = Form(..., ge=0, le=MAX_ROW_ID), label: str = Form(""),
                   action: str = Form(""), reason: str = Form(""), coach: User = Depends(coach_or_admin),
                   db: Session = Depends(get_db)) -> Response:
    session = visible_session(db, coach, session_id)
    try:
        review.correct(db, session, turn_id, label, action, free_text(reason, "The reason", reviews.MAX_COMMENT), coach)
    except (review.ReviewError, FormProblem) as exc:
        db.rollback()
        return _review_page(request, db, session_id, coach, str(exc), 422)
    turn = reviews.turn_of(db, session.id, turn_id)
    return RedirectResponse(f"/coach/sessions/{session.id}#turn-{turn.index if turn else 0}", status_code=303)


@router.get("/calibration", response_class=HTMLResponse)
def calibration(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    turns = review.reviewed_turns(db, coach)
    return render(request, "coach_calibration.html", {"rows": agreement(turns, LABELS), "turns": len(turns), "skill_names": skill_names()})
