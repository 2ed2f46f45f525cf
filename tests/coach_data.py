"""Stored practice sessions for the coach console's tests, written through the repository (no models, no Rasa)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.practice import library
from bot.scoring.scorecard import TurnRecord, scorecard
from bot.skills.labels import Detection
from bot.store import repository
from bot.store.db import migrate, session_scope
from bot.store.models import PracticeSession

#: (speaker, text, stage, frustration after, labels with their evidence span)
Line = tuple[str, str, str, int, Sequence[tuple[str, str]]]

GOOD_VISIT: list[Line] = [
    ("customer", "I've been waiting twenty minutes and my order is wrong.", "receiving", 5, []),
    ("trainee", "Hi, thanks for waiting, and I'm sorry it's taken so long.", "receiving", 5,
     [("greet_acknowledge", "thanks for waiting")]),
    ("customer", "Well, at least someone noticed.", "understanding", 4, []),
    ("trainee", "That sounds really frustrating.", "understanding", 4, [("restate_feeling", "That sounds really frustrating")]),
    ("customer", "It is! I have a meeting soon.", "understanding", 3, []),
    ("trainee", "Ok.", "understanding", 3, []),
    ("customer", "So?", "understanding", 3, []),
]


def store_session(trainee: str, lines: Sequence[Line] = GOOD_VISIT, started: datetime | None = None,
                  scenario_id: str = "cafe_late_order", difficulty: str = "patient", outcome: str = "resolved") -> str:
    """A session that ran and ended, with its detector's scorecard; its id."""
    migrate()
    scenario = library().get(scenario_id)
    assert scenario is not None
    with session_scope() as db:
        session = repository.start_session(db, f"{trainee}-sender", scenario_id, difficulty, trainee=trainee)
        if started is not None:
            stored = db.get(PracticeSession, session.id)
            assert stored is not None
            stored.started_at = started
            db.commit()
        for speaker, text, stage, frustration, labels in lines:
            found = [Detection(label, span, max(0, text.find(span)), max(0, text.find(span)) + len(span), 0.9) for label, span in labels]
            repository.record_turn(db, session.id, speaker, text, stage, mood="calm", frustration=frustration, detections=found)
        repository.end_session(db, session.id, outcome, 8)
        loaded = repository.get_session(db, session.id)
        assert loaded is not None
        turns = [TurnRecord.from_dict(t) for t in repository.turn_records(loaded)]
        repository.save_scorecard(db, session.id, scorecard(scenario, turns, outcome, 8))
        return session.id
