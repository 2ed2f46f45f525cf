"""Fit the detectors' per-label similarity thresholds on the examples in data/skills (never on evaluation data)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from bot.skills.detector import DEFAULT_THRESHOLDS, MEANING_LABELS, Example, load_examples
from bot.skills.reflection_form import fit_form, load_form_examples

#: Thresholds are kept in this band: below it anything matches, above it nothing new does.
LOWEST, HIGHEST = 0.45, 0.80


def examples_fingerprint(directory: Path) -> str:
    """A hash of the example files, to tell when the fitted thresholds are stale."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def fit_thresholds(examples: list[Example], vectors: np.ndarray) -> dict[str, dict[str, float]]:
    """Per label: leave-one-out best similarity of every example to the label's other examples; the F1-best cut."""
    labels = np.array([e.label for e in examples])
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1.0)
    fitted: dict[str, dict[str, float]] = {}
    for label in MEANING_LABELS:
        members = labels == label
        if members.sum() < 3:
            continue
        score = sims[:, members].max(axis=1)
        positive = members
        best = (0.0, DEFAULT_THRESHOLDS[label])
        for cut in np.arange(LOWEST, HIGHEST + 1e-9, 0.01):
            predicted = score >= cut
            tp = float((predicted & positive).sum())
            fp = float((predicted & ~positive).sum())
            fn = float((~predicted & positive).sum())
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best[0] + 1e-9:
                best = (f1, round(float(cut), 2))
        fitted[label] = {"threshold": best[1], "f1": round(best[0], 3), "examples": int(members.sum())}
    return fitted


def fit(skills_dir: Path, out: Path, encoder: Any) -> dict[str, Any]:
    """Fit and store models/skills/thresholds.json; returns what was stored."""
    examples = [e for e in load_examples(skills_dir) if e.label in MEANING_LABELS or e.label == "none"]
    vectors = np.asarray(encoder.encode([e.text for e in examples], normalize_embeddings=True, show_progress_bar=False))
    fitted = fit_thresholds(examples, vectors)
    stored: dict[str, Any] = {
        "fingerprint": examples_fingerprint(skills_dir),
        "thresholds": {label: v["threshold"] for label, v in fitted.items()},
        "leave_one_out": fitted,
    }
    form_examples = load_form_examples(skills_dir)
    if form_examples is not None:
        form, accuracy = fit_form(form_examples, encoder)
        stored["thresholds"].update(form_examples.thresholds)
        stored["reflection_form"] = {**form.to_dict(), "cross_validated_accuracy": round(accuracy, 3),
                                     "examples": len(form_examples.reflective) + len(form_examples.not_reflective)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
    return stored


def is_stale(skills_dir: Path, out: Path) -> bool:
    """True when the stored thresholds were fitted on other examples (or never)."""
    return stored_differs(out, examples_fingerprint(skills_dir))


def stored_differs(out: Path, fingerprint: str) -> bool:
    """True when a fitted file is missing, unreadable, or stamped with another fingerprint."""
    if not out.exists():
        return True
    try:
        return json.loads(out.read_text(encoding="utf-8")).get("fingerprint") != fingerprint
    except (OSError, ValueError):
        return True
