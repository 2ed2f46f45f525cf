"""Calibration: how far the detectors agree with the coaches, per label, over the turns coaches reviewed.

For each label every reviewed trainee turn is a yes/no pair (did the detector say it, does the coach
say it after corrections): precision, recall and Cohen's kappa, with the counts behind them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewedTurn:
    """The labels the detector gave a turn and the labels it has after the coach's corrections."""

    detected: frozenset[str]
    corrected: frozenset[str]


@dataclass(frozen=True)
class LabelAgreement:
    """Detector against coach on one label."""

    label: str
    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int
    precision: float | None
    recall: float | None
    kappa: float | None

    @property
    def turns(self) -> int:
        """How many reviewed turns this is over."""
        return self.true_positive + self.false_positive + self.false_negative + self.true_negative


def cohen_kappa(tp: int, fp: int, fn: int, tn: int) -> float | None:
    """Cohen's kappa of two yes/no raters; None when undefined (no turns, or both always give the same one answer)."""
    n = tp + fp + fn + tn
    if n == 0:
        return None
    observed = (tp + tn) / n
    expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def agreement(turns: Sequence[ReviewedTurn], labels: Iterable[str]) -> list[LabelAgreement]:
    """Per label, in the order given."""
    out = []
    for label in labels:
        tp = sum(1 for t in turns if label in t.detected and label in t.corrected)
        fp = sum(1 for t in turns if label in t.detected and label not in t.corrected)
        fn = sum(1 for t in turns if label not in t.detected and label in t.corrected)
        tn = len(turns) - tp - fp - fn
        out.append(LabelAgreement(label, tp, fp, fn, tn, _ratio(tp, tp + fp), _ratio(tp, tp + fn), cohen_kappa(tp, fp, fn, tn)))
    return out
