"""Exports for coaches, with the session list's filters: CSV, JSON and xAPI statements."""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot import exports
from bot.settings import get_settings
from bot.store import reviews
from bot.store.db import get_db
from bot.store.models import User
from bot.web.auth import coach_or_admin
from bot.web.routes.coach import parse_filters

router = APIRouter(prefix="/coach", dependencies=[Depends(coach_or_admin)])


def _records(request: Request, db: Session, coach: User) -> tuple[list[exports.SessionExport], dict[str, str]]:
    """The export records for the list's filters, and the headers that say how many and whether capped."""
    filters, problems = parse_filters(request)
    if problems:  # an export must hold what was asked for, not more: nothing is left out quietly
        raise HTTPException(422, "The export was not made: " + " ".join(problems))
    matching = reviews.matching_session_ids(db, coach, filters, get_settings().export_max_sessions)
    headers = {"X-Export-Sessions": str(len(matching.ids)), "X-Export-Matching": str(matching.total)}
    note = exports.capped_note(len(matching.ids), matching.total)
    if note:
        headers["X-Export-Capped"] = note
    return exports.records(db, matching.ids), headers


def _download(body: str, media_type: str, name: str, headers: dict[str, str]) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"', **headers})


@router.get("/export.csv")
def export_csv(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    """One row per turn: the session, the turn, its detected and coach labels, both scores."""
    items, headers = _records(request, db, coach)
    out = io.StringIO()
    csv.writer(out).writerows(exports.csv_rows(items))
    return _download(out.getvalue(), "text/csv; charset=utf-8", "sessions.csv", headers)


@router.get("/export.json")
def export_json(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    """The sessions with their turns, detections, coach labels and scores."""
    items, headers = _records(request, db, coach)
    return _download(json.dumps(items, ensure_ascii=False, indent=1), "application/json", "sessions.json", headers)


@router.get("/export.xapi.json")
def export_xapi(request: Request, coach: User = Depends(coach_or_admin), db: Session = Depends(get_db)) -> Response:
    """xAPI statements an LRS can import: one per session, one per observed skill."""
    items, headers = _records(request, db, coach)
    statements = exports.xapi_statements(items, str(request.base_url).rstrip("/"))
    return _download(json.dumps(statements, ensure_ascii=False, indent=1), "application/json", "statements.json", headers)
