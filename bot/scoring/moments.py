"""Moments of Truth: every trainee turn, seen from the customer's side, is positive, negative or redundant.

From the seeds' review of touch points (Jan Carlzon): each interaction is a positive, a negative or a
redundant one. Here a turn is *negative* when it cost points (a dismissive remark, an over-promise, the
customer walking out) or made the customer more frustrated; *positive* when it calmed the customer or
earned a skill's points; *redundant* when it moved nothing: a repeat of something already said, a filler,
or a skill already shown that earned nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.skills.labels import SKILLS

if TYPE_CHECKING:  # the scorecard stores these moments, so it imports this module
    from bot.scoring.scorecard import TurnRecord

VERDICTS: tuple[str, ...] = ("positive", "negative", "redundant")
REPEAT_SIMILARITY = 0.8
FILLER_WORDS = 4
_WORD = re.compile(r"[a-z0-9']+")


@dataclass(frozen=True)
class Moment:
    """One trainee turn's verdict, with the reasons a coach can read."""

    turn: int
    verdict: str
    reasons: tuple[str, ...]
    points: int
    change: int | None  # the customer's frustration after the turn minus before; None when unknown

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"turn": self.turn, "verdict": self.verdict, "reasons": list(self.reasons), "points": self.points,
                "change": self.change}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _repeats(text: str, earlier: Sequence[str]) -> bool:
    words = _words(text)
    if not words:
        return False
    for said in earlier:
        other = _words(said)
        if other and len(words & other) / len(words | other) >= REPEAT_SIMILARITY:
            return True
    return False


def _frustration_around(turns: Sequence[TurnRecord], position: int) -> tuple[int | None, int | None]:
    before = next((t.frustration for t in reversed(turns[:position]) if t.speaker == "customer" and t.frustration is not None),
                  turns[position].frustration)
    after = None
    for turn in turns[position + 1:]:
        if turn.speaker == "trainee":
            break
        if turn.speaker == "customer" and turn.frustration is not None:
            after = turn.frustration
            break
    return before, after


def _name(skill: str) -> str:
    if skill in SKILLS:
        return SKILLS[skill].name
    return "the customer walked out" if skill == "moment_of_truth" else skill


def moments_of_truth(turns: Sequence[TurnRecord], evidence: Sequence[Mapping[str, Any]]) -> list[Moment]:
    """A verdict for every trainee turn, in order, from the stored turns and the scorecard's evidence."""
    moments: list[Moment] = []
    earlier: list[str] = []
    for position, turn in enumerate(turns):
        if turn.speaker != "trainee":
            continue
        mine = [e for e in evidence if e.get("turn") == turn.index]
        gained = [e for e in mine if e["points"] > 0]
        lost = [e for e in mine if e["points"] < 0]
        before, after = _frustration_around(turns, position)
        change = after - before if before is not None and after is not None else None
        reasons = [f"earned {_name(e['skill'])} ({e['points']:+d})" for e in gained]
        reasons += [f"cost {_name(e['skill'])} ({e['points']:+d})" if e["skill"] != "moment_of_truth"
                    else f"{e.get('note') or 'the customer walked out'} ({e['points']:+d})" for e in lost]
        if change:
            reasons.append("the customer calmed down" if change < 0 else "the customer got more frustrated")
        if lost or (change is not None and change > 0):
            verdict = "negative"
        elif gained or (change is not None and change < 0):
            verdict = "positive"
        else:
            verdict = "redundant"
            reasons.append(_why_redundant(turn, earlier))
        moments.append(Moment(turn.index, verdict, tuple(reasons), sum(e["points"] for e in mine), change))
        earlier.append(turn.text)
    return moments


def _why_redundant(turn: TurnRecord, earlier: Sequence[str]) -> str:
    if _repeats(turn.text, earlier):
        return "a repeat of something already said"
    if turn.detections:
        return "a skill already shown: it earned nothing more"
    if len(_words(turn.text)) <= FILLER_WORDS:
        return "a filler: it moved nothing"
    return "it moved nothing for the customer"


def summary(moments: Sequence[Moment]) -> dict[str, int]:
    """How many turns were positive, negative and redundant."""
    return {verdict: sum(1 for m in moments if m.verdict == verdict) for verdict in VERDICTS}


def for_scorecard(turns: Sequence[TurnRecord], evidence: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The scorecard's "moments_of_truth", JSON-ready: the counts, and each trainee turn's verdict with its words.

    {"summary": {"positive": 2, "negative": 1, "redundant": 0},
     "moments": [{"turn": 1, "verdict": "positive", "reasons": [...], "points": 15, "change": -1, "quote": "Hi..."}, ...]}
    """
    said = {t.index: t.text for t in turns}
    found = moments_of_truth(turns, evidence)
    return {"summary": summary(found), "moments": [{**m.to_dict(), "quote": said.get(m.turn, "")} for m in found]}


def stored(card: Mapping[str, Any]) -> dict[str, Any] | None:
    """A scorecard's Moments of Truth as `for_scorecard` made them; None on a scorecard stored before they were
    (which has none, or an older list of mood changes under the same key)."""
    part = card.get("moments_of_truth")
    if isinstance(part, dict) and isinstance(part.get("summary"), dict) and isinstance(part.get("moments"), list):
        return part
    return None


def with_moments(card: dict[str, Any], turns: Sequence[TurnRecord]) -> dict[str, Any]:
    """The scorecard with its Moments of Truth: as stored, or worked out from its turns and evidence when it was
    stored before they were kept (the stored card is left as it is)."""
    if stored(card) is not None:
        return card
    return {**card, "moments_of_truth": for_scorecard(turns, card.get("evidence") or [])}
