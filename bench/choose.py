"""`python -m bench.choose`: sweep the detector's cut-offs on the AnnoMI dev files and print the best.

This is the one use the AnnoMI files allow besides measuring: choosing thresholds. Nothing is
trained on them and none of their text is stored; copy the printed values into
data/skills/reflection_form.yml (`thresholds:`) by hand, then `make bench` to measure.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from bench.__main__ import EVAL, _load
from bench.mapping import mi_reflection

#: The reflection cut-offs and the values tried for each.
GRID: dict[str, Sequence[float]] = {
    "restate_shape": (0.1, 0.2, 0.3, 0.4),
    "restate_shape_thin_context": (0.3, 0.4, 0.5, 0.6),
}


class CachingEncoder:
    """Wraps the sentence encoder so that a sweep encodes each sentence once."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        self.cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str], **kwargs: Any) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            for text, vector in zip(missing, self.encoder.encode(missing, **kwargs), strict=True):
                self.cache[text] = vector
        return np.asarray([self.cache[t] for t in texts])


def reflection_f1(detector: Any, rows: list[dict[str, Any]]) -> float:
    guessed = [mi_reflection(ds) for ds in detector.detect_many([(r["text"], r["context"]) for r in rows])]
    tp = sum(g == r["label"] == "reflection" for g, r in zip(guessed, rows, strict=True))
    return 2 * tp / (sum(g == "reflection" for g in guessed) + sum(r["label"] == "reflection" for r in rows))


def main() -> int:
    """Print the F1-best combination of the reflection cut-offs."""
    from bot.skills.detector import get_detector

    detector = get_detector()
    detector.encoder = CachingEncoder(detector.encoder)
    rows = _load(EVAL / "annomi_reflections_dev.jsonl")
    results = []
    for values in itertools.product(*GRID.values()):
        detector.thresholds.update(dict(zip(GRID, values, strict=True)))
        results.append((reflection_f1(detector, rows), values))
        print(f"{dict(zip(GRID, values, strict=True))}: F1 {results[-1][0]:.3f}", file=sys.stderr)
    best_f1, best = max(results)
    print(f"best F1 {best_f1:.3f} with " + ", ".join(f"{k}: {v}" for k, v in zip(GRID, best, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
