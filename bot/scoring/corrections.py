"""A coach's label corrections applied to stored turns, so the scorecard can be recomputed from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.scoring.scorecard import TurnRecord
from bot.skills.labels import Detection

ACTIONS: tuple[str, ...] = ("add", "remove")


@dataclass(frozen=True)
class Correction:
    """Add or remove one label on the trainee turn at this position in the session."""

    turn: int
    label: str
    action: str


def corrected_labels(detected: Iterable[str], corrections: Sequence[Correction]) -> set[str]:
    """The labels of one turn after its corrections, applied in order (the latest word on a label wins)."""
    labels = set(detected)
    for correction in corrections:
        if correction.action == "add":
            labels.add(correction.label)
        elif correction.action == "remove":
            labels.discard(correction.label)
    return labels


def corrected_turns(turns: Sequence[TurnRecord], corrections: Sequence[Correction]) -> list[TurnRecord]:
    """The turns with removed labels' detections dropped and added labels detected on the whole turn."""
    out = []
    for turn in turns:
        mine = [c for c in corrections if c.turn == turn.index]
        if not mine or turn.speaker != "trainee":
            out.append(turn)
            continue
        wanted = corrected_labels((d.label for d in turn.detections), mine)
        kept = [d for d in turn.detections if d.label in wanted]
        present = {d.label for d in kept}
        added = [Detection(label, turn.text, 0, len(turn.text), 1.0) for label in sorted(wanted - present)]
        out.append(replace(turn, detections=kept + added))
    return out
