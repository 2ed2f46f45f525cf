"""A coach's review, end to end: corrections rescored, Moments of Truth, calibration data, corrected labels.

Like bot/practice.py this is an edge: it joins the pure scoring with the store.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session

from bot.practice import library, shortened
from bot.scoring.calibration import ReviewedTurn
from bot.scoring.corrections import ACTIONS, Correction, corrected_labels, corrected_turns
from bot.scoring.moments import Moment, moments_of_truth
from bot.scoring.progress import ScoredSession, skill_shares
from bot.scoring.scorecard import TurnRecord, scorecard
from bot.skills.labels import LABELS, SKILLS
from bot.store import repository, reviews
from bot.store.models import LabelCorrection, PracticeSession, User


class ReviewError(ValueError):
    """A correction or comment that cannot be taken as sent; the message says why."""


def _corrections(session: PracticeSession, stored: Sequence[LabelCorrection]) -> list[Correction]:
    index_of = {t.id: t.index for t in session.turns}
    return [Correction(index_of[c.turn_id], c.label, c.action) for c in stored if c.turn_id in index_of]


def turn_records(session: PracticeSession) -> list[TurnRecord]:
    """The session's turns as the scoring reads them."""
    return [TurnRecord.from_dict(t) for t in repository.turn_records(session)]


def rescore(db: Session, session: PracticeSession) -> dict[str, Any] | None:
    """Recompute and store the coach's score from the corrected labels (None when nothing was corrected)."""
    stored = reviews.corrections_of(db, session.id)
    if session.scorecard is None:
        return None
    if not stored:
        reviews.save_coach_scorecard(db, session.id, None)
        return None
    scenario = library().get(session.scenario_id)
    if scenario is None:
        raise ReviewError(f"The scenario '{session.scenario_id}' is no longer installed, so the score cannot be recomputed.")
    card = scorecard(scenario, corrected_turns(turn_records(session), _corrections(session, stored)), session.outcome, session.nps)
    reviews.save_coach_scorecard(db, session.id, card)
    return card


def correct(db: Session, session: PracticeSession, turn_id: int, label: str, action: str, reason: str, coach: User) -> None:
    """Add or remove a label on a trainee turn, with a reason; the coach's score is recomputed."""
    turn = reviews.turn_of(db, session.id, turn_id)
    if turn is None or turn.speaker != "trainee":
        raise ReviewError("Labels can be corrected only on the trainee's turns of this session.")
    if label not in LABELS:
        raise ReviewError(f"Unknown label '{shortened(label)}'. Choose one of: {', '.join(LABELS)}.")
    if action not in ACTIONS:
        raise ReviewError("A correction either adds or removes a label.")
    if not reason.strip():
        raise ReviewError("Please give a reason for the correction.")
    if session.scorecard is None:
        raise ReviewError("This session has not ended yet; correct its labels once it has a scorecard.")
    earlier = [c for c in _corrections(session, reviews.corrections_of(db, session.id)) if c.turn == turn.index]
    now = corrected_labels((d.label for d in turn.detections), earlier)
    if action == "add" and label in now:
        raise ReviewError(f"This turn already has '{SKILLS[label].name}'.")
    if action == "remove" and label not in now:
        raise ReviewError(f"This turn does not have '{SKILLS[label].name}'.")
    reviews.add_correction(db, turn, coach, label, action, reason)
    rescore(db, session)


def labels_by_turn(db: Session, session: PracticeSession) -> dict[int, set[str]]:
    """Each trainee turn's labels after the coach's corrections, by turn id."""
    stored = reviews.corrections_of(db, session.id)
    fixes = _corrections(session, stored)
    return {t.id: corrected_labels((d.label for d in t.detections), [c for c in fixes if c.turn == t.index])
            for t in session.turns if t.speaker == "trainee"}


def moments(session: PracticeSession, card: dict[str, Any]) -> list[Moment]:
    """The Moments of Truth of a scored session, from the card given (the coach's when there is one)."""
    return moments_of_truth(turn_records(session), card.get("evidence", []))


def _reviewed(db: Session, viewer: User) -> Iterator[tuple[PracticeSession, int, str, list[str], set[str], set[str]]]:
    sessions = reviews.reviewed_sessions(db, viewer)
    stored = reviews.corrections_by_turn(db, [s.id for s in sessions])
    for session in sessions:
        context: list[str] = []
        for turn in session.turns:
            if turn.speaker == "customer":
                context.append(turn.text)
                continue
            if turn.speaker != "trainee":
                continue
            detected = {d.label for d in turn.detections}
            fixes = [Correction(turn.index, c.label, c.action) for c in stored.get(turn.id, [])]
            yield session, turn.index, turn.text, list(context), detected, corrected_labels(detected, fixes)


def reviewed_turns(db: Session, viewer: User) -> list[ReviewedTurn]:
    """Detector and coach labels of every trainee turn in the reviewed sessions the viewer may see."""
    return [ReviewedTurn(frozenset(detected), frozenset(corrected)) for *_, detected, corrected in _reviewed(db, viewer)]


def corrected_examples(db: Session, viewer: User, only_corrected: bool = True) -> list[dict[str, Any]]:
    """Reviewed trainee turns in the `bot label` format: {"id", "text", "context", "labels"}."""
    out = []
    for session, index, text, context, detected, corrected in _reviewed(db, viewer):
        if only_corrected and detected == corrected:
            continue
        out.append({"id": f"{session.id}:{index}", "text": text, "context": context or None, "labels": sorted(corrected)})
    return out


def scored_sessions(db: Session, viewer: User, trainee: str | None = None) -> list[ScoredSession]:
    """The viewer's visible scored sessions for progress: the coach's score where a coach corrected one."""
    out = []
    for name, started, card in reviews.scored_sessions(db, viewer, trainee):
        data = card.coach_data or card.data
        out.append(ScoredSession(name, started, int(card.coach_overall if card.coach_overall is not None else card.overall),
                                 skill_shares(data)))
    return out
