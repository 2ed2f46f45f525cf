"""The transcript review as the pages show it: turns with highlighted evidence, stages, mood, comments, moments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from sqlalchemy.orm import Session

from bot import review
from bot.scenarios.turn import MOODS
from bot.scoring.moments import Moment, summary
from bot.store import reviews
from bot.store.models import LabelCorrection, PracticeSession, SessionReview, TurnComment
from bot.web.charts import Chart, line_chart

#: The top of the mood chart: frustration runs from 0 (calm) to 10 (angry), one more when they walk out.
CALM_TO_ANGRY = MOODS[-1][0]


@dataclass
class Segment:
    """A piece of a turn's text, and the skills whose evidence it is (none: plain text)."""

    text: str
    labels: tuple[str, ...] = ()


@dataclass
class TurnView:
    """One turn of the transcript review."""

    id: int
    index: int
    speaker: str
    stage: str
    new_stage: bool
    segments: list[Segment]
    mood: str | None
    frustration: int | None
    detected: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # after the coach's corrections
    moment: Moment | None = None
    comments: list[TurnComment] = field(default_factory=list)


def highlight(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Segment]:
    """The text cut at every evidence boundary, each piece with the labels whose span covers it."""
    cuts = {0, len(text)}
    clean = [(max(0, s), min(len(text), e), label) for s, e, label in spans if 0 <= s < e]
    for start, end, _ in clean:
        cuts.update((start, end))
    points = sorted(cuts)
    out = []
    for start, end in pairwise(points):
        labels = tuple(sorted({label for s, e, label in clean if s <= start and end <= e}))
        out.append(Segment(text[start:end], labels))
    return [s for s in out if s.text] or [Segment(text)]


def _turn_views(session: PracticeSession, comments: dict[int, list[TurnComment]], labels: dict[int, set[str]],
                moments: dict[int, Moment]) -> list[TurnView]:
    views: list[TurnView] = []
    previous_stage = None
    for turn in session.turns:
        spans = [(d.start, d.end, d.label) for d in turn.detections if d.end > d.start]
        views.append(TurnView(
            id=turn.id, index=turn.index, speaker=turn.speaker, stage=turn.stage,
            new_stage=previous_stage is not None and turn.stage != previous_stage,
            segments=highlight(turn.text, spans), mood=turn.mood, frustration=turn.frustration,
            detected=sorted({d.label for d in turn.detections}), labels=sorted(labels.get(turn.id, set())),
            moment=moments.get(turn.index), comments=comments.get(turn.id, []),
        ))
        previous_stage = turn.stage
    return views


def mood_points(session: PracticeSession) -> list[tuple[int, int, str]]:
    """(turn position, frustration, mood) after each turn: the customer's turns carry the mood they reached."""
    return [(t.index, t.frustration, t.mood or "") for t in session.turns if t.speaker == "customer" and t.frustration is not None]


@dataclass
class Review:
    """Everything the review page and the trainee's scorecard show of a coach's review."""

    turns: list[TurnView]
    detector_card: dict[str, Any]
    coach_card: dict[str, Any] | None
    moments: list[Moment]
    moment_counts: dict[str, int]
    note: SessionReview | None
    corrections: list[LabelCorrection]
    mood: Chart
    mood_rows: list[tuple[int, int, str]]


def build(db: Session, session: PracticeSession) -> Review:
    """The review of an ended session."""
    assert session.scorecard is not None
    detector_card = session.scorecard.data
    coach_card = session.scorecard.coach_data
    card = coach_card or detector_card
    moments = review.moments(session, card)
    points = mood_points(session)
    return Review(
        turns=_turn_views(session, reviews.comments_by_turn(db, session.id), review.labels_by_turn(db, session),
                          {m.turn: m for m in moments}),
        detector_card=detector_card, coach_card=coach_card, moments=moments, moment_counts=summary(moments),
        note=reviews.review_of(db, session.id), corrections=reviews.corrections_of(db, session.id),
        mood=line_chart("mood-chart", "The customer's frustration after each turn, from 0 (calm) to 10 (angry)",
                        [(f"#{i}", f) for i, f, _ in points], top=max([CALM_TO_ANGRY, *(f for _, f, _ in points)])),
        mood_rows=points,
    )
