"""Fit the learned decisions (bot.skills.learned) on the independently written examples, never on evaluation data.

Each label's regularisation and threshold are chosen on cross-writer folds: trained on every other writer's lines,
scored on the held writer's, so what is chosen is what carries to words the model did not see written. The rules'
F1 on the same lines is kept beside it; a label's learned decision is used only where it beats the rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.settings import PROJECT_ROOT
from bot.skills.decisions import JUDGED_WHEN, constrained, constraints, is_firm, outside
from bot.skills.labels import LABELS
from bot.skills.learned import FEATURES_VERSION, LabelModel, LearnedDecisions, Reading, row_of

#: the strengths of the L2 penalty tried (scikit-learn's C: smaller is stronger).
REGULARISATION: tuple[float, ...] = (0.03, 0.1, 0.3, 1.0)
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)
#: cuts whose fold F1 is this close to the best count as equally good, and of those the most cautious addition wins:
#: a skill credited for words that do not carry it ("Evening.", "Yes?") costs a coach's trust more than a miss, and
#: F1 on the folds is flat over a range of cuts (probabilities of a strongly regularised model sit close together).
F1_TOLERANCE = 0.01
#: a label needs this many positive lines before it is learned at all.
MIN_POSITIVES = 12
#: a parse feature is kept when it occurs on at least this many lines.
MIN_FEATURE_LINES = 3
#: what the readings depend on beside the examples: the pipeline's code and word lists.
_CODE = ("bot/skills", "bot/language", "data/language")


@dataclass(frozen=True)
class LabelledLine:
    """One independently written, labelled staff line (data/skills/examples/*.jsonl)."""

    id: str
    writer: str
    text: str
    context: list[str] | None
    labels: frozenset[str]


def load_labelled(directory: Path) -> list[LabelledLine]:
    """Every labelled line under data/skills/examples/."""
    lines = []
    for path in sorted(directory.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                row = json.loads(raw)
                context = row.get("context")
                lines.append(LabelledLine(str(row["id"]), str(row.get("writer", path.stem)), str(row["text"]),
                                          [context] if isinstance(context, str) else context, frozenset(row["labels"])))
    return lines


def fingerprint(skills_dir: Path) -> str:
    """A hash of everything the fitted decisions depend on: the examples, the pipeline's code and word lists."""
    digest = hashlib.sha256(f"features {FEATURES_VERSION}".encode())
    files = sorted(skills_dir.glob("*.yml")) + sorted((skills_dir / "examples").glob("*.jsonl"))
    for folder in _CODE:
        files += sorted((PROJECT_ROOT / folder).rglob("*.py")) + sorted((PROJECT_ROOT / folder).rglob("*.yml"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    tp = float((gold & predicted).sum())
    return 2 * tp / (tp + float(gold.sum()) + float(predicted.sum()) - tp) if tp else 0.0


def _out_of_fold(x: np.ndarray, y: np.ndarray, writers: np.ndarray, c: float) -> np.ndarray:
    """Each line's probability from a model trained without its writer's lines."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros(len(y))
    for writer in np.unique(writers):
        held = writers == writer
        if y[~held].sum() < 2 or (~y[~held]).sum() < 2:
            continue
        model = LogisticRegression(C=c, max_iter=3000).fit(x[~held], y[~held])
        out[held] = model.predict_proba(x[held])[:, 1]
    return out


def _predicted(states: np.ndarray, p: np.ndarray, keep: float, add: float) -> np.ndarray:
    """What the decision gives (as bot.skills.decisions.decide does) for the rules' verdict states."""
    return np.asarray((states == "firm") | ((states == "soft") & (p >= keep)) | ((states == "open") & (p >= add)))


def _best_cuts(y: np.ndarray, p: np.ndarray, states: np.ndarray) -> tuple[float, float, float]:
    """The two probability thresholds with the best F1 on the folds: to keep what the rules found by resemblance,
    and (never lower) to add what they did not; and the best F1 (whether the learned decision beats the rules is
    judged by it). Of the cuts within F1_TOLERANCE of the best, the most cautious additions win."""
    scored = [(_f1(y, _predicted(states, p, keep, add)), add, keep)
              for keep in THRESHOLDS for add in THRESHOLDS if add >= keep]
    best = max(s[0] for s in scored)
    _, add, keep = max((s for s in scored if s[0] >= best - F1_TOLERANCE), key=lambda s: (s[1], -s[2], s[0]))
    return float(keep), float(add), best


def feature_names(readings: Sequence[Reading]) -> tuple[str, ...]:
    """The parse and context features that occur often enough to learn from."""
    counts: dict[str, int] = {}
    for reading in readings:
        for name, value in reading.features.items():
            counts[name] = counts.get(name, 0) + bool(value)
    return tuple(sorted(name for name, n in counts.items() if n >= MIN_FEATURE_LINES))


def fit_learned(lines: Sequence[LabelledLine], readings: Sequence[Reading], verdicts: Sequence[dict[str, str]],
                stamp: str = "", rules_decide: frozenset[str] = frozenset()) -> tuple[LearnedDecisions, dict[str, Any]]:
    """Fit every label with enough positives; returns the decisions and a report of the folds. `verdicts`: per
    line, label -> the rules' verdict ("firm", "soft": found by resemblance, "locked": a "no" that stands);
    labels absent are open to the learned decision. `rules_decide`: labels declared to stay with the rules."""
    from sklearn.linear_model import LogisticRegression

    names = feature_names(readings)
    raw = np.vstack([row_of(r, names) for r in readings])
    mean, scale = raw.mean(axis=0), raw.std(axis=0)
    scale[scale < 1e-6] = 1.0
    x = (raw - mean) / scale
    writers = np.array([line.writer for line in lines])
    models: dict[str, LabelModel] = {}
    report: dict[str, Any] = {}
    for label in LABELS:
        y = np.array([label in line.labels for line in lines])
        states = np.array([v.get(label, "open") for v in verdicts])
        rules_f1 = _f1(y, (states == "firm") | (states == "soft"))
        if label in rules_decide:
            report[label] = {"positives": int(y.sum()), "rules_f1": round(rules_f1, 3), "learned": "declared: the rules decide"}
            continue
        if y.sum() < MIN_POSITIVES:
            report[label] = {"positives": int(y.sum()), "rules_f1": round(rules_f1, 3), "learned": "too few examples"}
            continue
        tried = [(c, *_best_cuts(y, _out_of_fold(x, y, writers, c), states)) for c in REGULARISATION]
        c, keep, add, folds_f1 = max(tried, key=lambda t: t[3])
        final = LogisticRegression(C=c, max_iter=3000).fit(x, y)
        model = LabelModel(label, tuple(float(w) for w in final.coef_[0]), float(final.intercept_[0]), keep, add, c,
                           round(folds_f1, 3), round(rules_f1, 3), int(y.sum()))
        models[label] = model
        report[label] = {"positives": int(y.sum()), "rules_f1": model.rules_f1, "folds_f1": model.folds_f1,
                         "keep": keep, "add": add, "C": c, "decides": model.decides}
    return LearnedDecisions(names, mean, scale, models, stamp), report


def fit_and_store(skills_dir: Path, out: Path, detector: Any) -> dict[str, Any]:
    """Read the examples with the rules-only detector, fit, store models/skills/learned.json; returns the report."""
    lines = load_labelled(skills_dir / "examples")
    found, readings, messages = detector.read_many([(line.text, line.context) for line in lines])
    table = constraints()
    verdicts = [_verdicts(constrained(f, m.spoken), m, table) for f, m in zip(found, messages, strict=True)]
    decisions, report = fit_learned(lines, readings, verdicts, fingerprint(skills_dir), table.rules_decide)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(decisions.to_dict()) + "\n", encoding="utf-8")
    return {"lines": len(lines), "writers": sorted({line.writer for line in lines}), "labels": report}


def _verdicts(found: Sequence[Any], message: Any, table: Any) -> dict[str, str]:
    """The rules' verdict per label on one message, as bot.skills.decisions.decide treats them."""
    out = {d.label: "firm" if table.firm and is_firm(d, table) else "soft" for d in found}
    for label, when in table.judged_when.items():
        if label not in out and JUDGED_WHEN[when](message):
            out[label] = "locked"
    for label in outside(found, table):
        out[label] = "locked"
    return out


def learned_is_stale(skills_dir: Path, out: Path) -> bool:
    """True when the stored decisions were fitted on other examples or another pipeline (or never)."""
    from bot.skills.fit import stored_differs

    return stored_differs(out, fingerprint(skills_dir))
