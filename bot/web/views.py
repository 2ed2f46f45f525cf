"""What the pages share: rendering with the signed-in account and CSRF token, and sessions the viewer may see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from bot import review
from bot.practice import library, shortened
from bot.scoring import moments
from bot.skills.labels import STAGES, scored_skills, skill_names
from bot.store import accounts, repository
from bot.store.models import PracticeSession, User
from bot.web.auth import CSRF_FIELD, csrf_token
from bot.web.charts import bar_chart

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    """A page, with the signed-in account (`user`) and the CSRF token (`csrf`) for its forms."""
    full = {"user": getattr(request.state, "user", None), "csrf": csrf_token(request), **(context or {})}
    return templates.TemplateResponse(request, name, full, status_code=status_code)


def visible_session(db: Session, viewer: User, session_id: str) -> PracticeSession:
    """A session the viewer may see; 404 for one that does not exist or is someone else's (no difference shown)."""
    session = repository.get_session(db, session_id)
    if session is None or not accounts.can_see(viewer, session):
        raise HTTPException(404, f"No practice session '{shortened(session_id)}' that you can see.")
    return session


def scorecard_data(session: PracticeSession) -> dict[str, Any]:
    """A session's stored scorecard with who, how hard and the transcript; 409 while it is still running.

    A scorecard stored before Moments of Truth were kept on it gets them worked out from its turns."""
    if session.scorecard is None:
        raise HTTPException(409, "This practice session has not ended yet, so it has no scorecard.")
    card = moments.with_moments(session.scorecard.data, review.turn_records(session))
    return {**card, "session_id": session.id, "trainee": session.trainee,
            "difficulty": session.difficulty, "transcript": repository.transcript(session)}


def scorecard_context(card: dict[str, Any]) -> dict[str, Any]:
    """What the scorecard template needs: the card, its scenario, the chart rows and the Moments of Truth."""
    skills = [card["skills"][s.label] for s in scored_skills()]
    return {
        "card": card, "scenario": library().get(card["scenario"]), "skill_names": skill_names(),
        "stage_chart": bar_chart("stage-chart", "Score per stage", [
            (name.capitalize(), card["stages"][name]["score"], card["stages"][name]["max"]) for name in STAGES],
            headings=("Stage", "Score")),
        "skill_chart": bar_chart("skill-chart", "Points per skill",
                                 [(s["name"], s["points"], s["max"]) for s in skills if not s.get("no_chance")]),
        "no_chance": [s["name"] for s in skills if s.get("no_chance")],
        "moments": moments.stored(card),
    }
