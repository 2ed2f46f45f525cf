"""Exports of sessions, turns, detections and scores: JSON records, CSV rows and xAPI statements."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy.orm import Session

from bot import review
from bot.skills.labels import SKILLS
from bot.store import repository
from bot.store.models import PracticeSession, as_utc

XAPI_VERSION = "1.0.3"
COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}}
SCORED = {"id": "http://adlnet.gov/expapi/verbs/scored", "display": {"en-US": "scored"}}
CSV_COLUMNS = ("session_id", "trainee", "scenario", "difficulty", "started_at", "ended_at", "outcome", "detector_score",
               "coach_score", "turn", "speaker", "stage", "text", "mood", "frustration", "detected_labels", "coach_labels")


class TurnExport(TypedDict):
    """One turn as exported."""

    index: int
    speaker: str
    stage: str
    text: str
    mood: str | None
    frustration: int | None
    detections: list[dict[str, Any]]
    labels: list[str]


class SessionExport(TypedDict):
    """One session as exported."""

    session_id: str
    trainee: str
    scenario: str
    difficulty: str
    started_at: str
    ended_at: str | None
    outcome: str | None
    detector_score: int | None
    coach_score: int | None
    detector_skills: dict[str, Any]
    coach_skills: dict[str, Any] | None
    turns: list[TurnExport]


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the zone, as xAPI requires (stored naive times are UTC)."""
    return as_utc(moment).isoformat() if moment else None


def record(db: Session, session: PracticeSession) -> SessionExport:
    """A session with its turns, detections, the coach's labels and both scores."""
    labels = review.labels_by_turn(db, session)
    card = session.scorecard
    owner = session.user.username if session.user else session.trainee
    return {
        "session_id": session.id, "trainee": owner, "scenario": session.scenario_id, "difficulty": session.difficulty,
        "started_at": _iso(session.started_at) or "", "ended_at": _iso(session.ended_at), "outcome": session.outcome,
        "detector_score": card.overall if card else None, "coach_score": card.coach_overall if card else None,
        "detector_skills": card.data.get("skills", {}) if card else {},
        "coach_skills": card.coach_data.get("skills", {}) if card and card.coach_data else None,
        "turns": [{
            "index": t.index, "speaker": t.speaker, "stage": t.stage, "text": t.text, "mood": t.mood, "frustration": t.frustration,
            "detections": [{"label": d.label, "span": d.span, "start": d.start, "end": d.end, "confidence": d.confidence}
                           for d in t.detections],
            "labels": sorted(labels.get(t.id, set())),
        } for t in session.turns],
    }


def records(db: Session, session_ids: Sequence[str]) -> list[SessionExport]:
    """The export records of these sessions, in the order given."""
    out = []
    for session_id in session_ids:
        session = repository.get_session(db, session_id)
        if session is not None:
            out.append(record(db, session))
    return out


def capped_note(held: int, total: int) -> str | None:
    """What to tell the coach when an export holds fewer sessions than matched (None when it holds them all)."""
    if held >= total:
        return None
    return (f"An export holds at most {held:,} sessions, the newest, and {total:,} match these filters: "
            "narrow them (for example by date) to export the rest.")


def _cell(value: object) -> str:
    """A CSV cell; one a spreadsheet would run as a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(items: Sequence[SessionExport]) -> Iterator[list[str]]:
    """The header, then one row per turn."""
    yield list(CSV_COLUMNS)
    for s in items:
        for t in s["turns"]:
            detected = sorted({d["label"] for d in t["detections"]})
            yield [_cell(v) for v in (
                s["session_id"], s["trainee"], s["scenario"], s["difficulty"], s["started_at"], s["ended_at"], s["outcome"],
                s["detector_score"], s["coach_score"], t["index"], t["speaker"], t["stage"], t["text"], t["mood"], t["frustration"],
                " ".join(detected) if t["speaker"] == "trainee" else "", " ".join(t["labels"]) if t["speaker"] == "trainee" else "",
            )]


def _verdict(skills: dict[str, Any] | None, label: str) -> dict[str, Any] | None:
    skill = (skills or {}).get(label)
    return None if skill is None else {"points": skill["points"], "max": skill["max"], "count": skill["count"]}


def xapi_statements(items: Sequence[SessionExport], site: str) -> list[dict[str, Any]]:
    """One statement per session (completed, with both scores) and one per observed skill (scored, both verdicts)."""
    site = site.rstrip("/")
    out: list[dict[str, Any]] = []
    for s in items:
        actor = {"objectType": "Agent", "name": s["trainee"], "account": {"homePage": site, "name": s["trainee"]}}
        scenario = {"objectType": "Activity", "id": f"{site}/xapi/scenarios/{s['scenario']}",
                    "definition": {"name": {"en-US": s["scenario"]}, "type": "http://adlnet.gov/expapi/activities/simulation"}}
        registration = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/sessions/{s['session_id']}"))
        score = s["coach_score"] if s["coach_score"] is not None else s["detector_score"]
        extensions = {f"{site}/xapi/ext/detector-score": s["detector_score"], f"{site}/xapi/ext/coach-score": s["coach_score"],
                      f"{site}/xapi/ext/difficulty": s["difficulty"], f"{site}/xapi/ext/outcome": s["outcome"]}
        when = s["ended_at"] or s["started_at"]
        out.append({
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/sessions/{s['session_id']}/completed")), "version": XAPI_VERSION,
            "actor": actor, "verb": COMPLETED, "object": scenario, "timestamp": when,
            "result": {"completion": s["ended_at"] is not None, "extensions": extensions,
                       **({"score": {"scaled": score / 100, "raw": score, "min": 0, "max": 100}} if score is not None else {})},
            "context": {"registration": registration},
        })
        observed = sorted({label for t in s["turns"] if t["speaker"] == "trainee"
                           for label in [*t["labels"], *(d["label"] for d in t["detections"])]})
        for label in observed:
            detector, coach = _verdict(s["detector_skills"], label), _verdict(s["coach_skills"], label)
            out.append({
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site}/sessions/{s['session_id']}/skills/{label}")), "version": XAPI_VERSION,
                "actor": actor, "verb": SCORED, "timestamp": when,
                "object": {"objectType": "Activity", "id": f"{site}/xapi/skills/{label}",
                           "definition": {"name": {"en-US": SKILLS[label].name if label in SKILLS else label},
                                          "type": "http://adlnet.gov/expapi/activities/objective"}},
                "result": {"extensions": {f"{site}/xapi/ext/detector-verdict": detector, f"{site}/xapi/ext/coach-verdict": coach}},
                "context": {"registration": registration, "contextActivities": {"parent": [scenario]}},
            })
    return out
