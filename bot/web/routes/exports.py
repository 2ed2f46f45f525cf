"""Exports for coaches, with the session list's filters: CSV, JSON and xAPI statements."""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot import exports
from bot.store import reviews
from bot.store.db import get_db
from bot.store.models import User
from bot.web.auth import coach_or_admin
from bot.web.routes.coach import parse_filters

router = APIRouter(prefix="/coach", dependencies=[Depends(coach_or_admin)])


def _records(request: Request, db: Session, coach: User) -> list[exports.SessionExport]:
    filters, problems = parse_filters(request)
    if problems:  # an export must hold what was asked for, not more: nothing is left out quietly
        raise HTTPException(422, "The export was not made: " + " ".join(problems))
    return exports.records(db, reviews.matching_session_ids(db, coach, filters))


def _download(body: str, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/export.csv")
def export_csv(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    """One row per turn: the session, the turn, its detected and coach labels, both scores."""
    out = io.StringIO()
    csv.writer(out).writerows(exports.csv_rows(_records(request, db, coach)))
    return _download(out.getvalue(), "text/csv; charset=utf-8", "sessions.csv")


@router.get("/export.json")
def export_json(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    """The sessions with their turns, detections, coach labels and scores."""
    return _download(json.dumps(_records(request, db, coach), ensure_ascii=False, indent=1), "application/json", "sessions.json")


@router.get("/export.xapi.json")
def export_xapi(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    """xAPI statements an LRS can import: one per session, one per observed skill."""
    site = str(request.base_url).rstrip("/")
    statements = exports.xapi_statements(_records(request, db, coach), site)
    return _download(json.dumps(statements, ensure_ascii=False, indent=1), "application/json", "statements.json")
