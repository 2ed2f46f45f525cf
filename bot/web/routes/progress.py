"""Progress by week: a trainee's own, any trainee's for their coach, and the team overview."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot import review
from bot.scoring.progress import TraineeProgress, progress, team_skill_averages, trainee_progress
from bot.skills.labels import SKILLS, scored_skills, skill_names
from bot.store.db import get_db
from bot.store.models import User
from bot.web.auth import coach_or_admin, signed_in
from bot.web.charts import bar_chart, line_chart, lines_chart
from bot.web.forms import said_back
from bot.web.views import render

router = APIRouter()
RUBRIC_SKILLS = [s.label for s in scored_skills()]


def _trainee_page(request: Request, item: TraineeProgress, own: bool) -> Response:
    weeks = [w.start.strftime("%d %b") for w in item.weeks]
    chart = line_chart("overall-chart", "Average overall score by week", list(zip(weeks, [w.overall for w in item.weeks], strict=True)))
    skills = [s for s in RUBRIC_SKILLS if any(s in w.skills for w in item.weeks)]
    # in whole percent of each skill's points, as the table beside it gives them; None: not scored that week
    skill_chart = lines_chart("skill-week-chart", "Each skill by week, in percent of its points", weeks, [
        (SKILLS[s].name, [round(100 * w.skills[s]) if s in w.skills else None for w in item.weeks]) for s in skills]) if skills else None
    return render(request, "progress_trainee.html", {
        "item": item, "chart": chart, "skill_chart": skill_chart, "skills": skills, "skill_names": skill_names(), "own": own,
    })


@router.get("/progress", response_class=HTMLResponse)
def my_progress(request: Request, user: User = Depends(signed_in), db: Session = Depends(get_db)) -> Response:
    """The signed-in trainee's own progress."""
    return _trainee_page(request, trainee_progress(user.username, review.scored_sessions(db, user, user.username)), own=True)


@router.get("/coach/progress", response_class=HTMLResponse)
def team_progress(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    """Each skill's average over the team, each trainee's weakest skill, trend and Rule-of-1% status."""
    sessions = [s for s in review.scored_sessions(db, coach) if s.trainee.lower() != coach.username.lower()]
    averages = team_skill_averages(sessions)
    rows = [(SKILLS[s].name, round(100 * averages[s]), 100) for s in RUBRIC_SKILLS if s in averages]
    return render(request, "progress_team.html", {
        "trainees": progress(sessions), "skill_rows": rows,
        "skill_chart": bar_chart("team-skill-chart", "Average share of each skill's points, in percent", rows), "skill_names": skill_names(), "sessions": len(sessions),
    })


@router.get("/coach/progress/{trainee}", response_class=HTMLResponse)
def trainee_progress_page(request: Request, trainee: str, coach: User = Depends(coach_or_admin),
                          db: Session = Depends(get_db)) -> Response:
    sessions = review.scored_sessions(db, coach, trainee)
    if not sessions:
        raise HTTPException(404, f"No scored sessions of '{said_back(trainee)}' that you can see.")
    return _trainee_page(request, trainee_progress(sessions[0].trainee, sessions), own=False)
