"""Learned decisions: per label, a calibrated logistic regression over what the pipeline read of one message.

The detector reads a message once (bot.skills.detector): its sentences' meaning vectors, their similarity to each
label's examples, the rules' own verdicts, the parse's features (`bot.language.features_of`) and how the message
stands to what the customer said. `Reading` holds that; `LearnedDecisions` turns it into one probability per
label. `bot skills fit` trains the models on the independently written examples (data/skills/examples/*.jsonl),
choosing each label's regularisation and threshold on cross-writer folds (trained on one writer, scored on the
other), and keeps a label's learned decision only where it beats the rules on those folds. The fitted weights are
plain numbers in models/skills/learned.json: no pickles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.skills.details import MEANING_LABELS
from bot.skills.labels import LABELS

#: labels whose examples the similarity features compare with (data/skills/<label>.yml), "none" included.
SIMILARITY_LABELS: tuple[str, ...] = (*MEANING_LABELS, "none")
#: bump when what a Reading holds changes, so stored models are refitted.
FEATURES_VERSION = 2
EMBEDDING_SIZE = 384


@dataclass(frozen=True)
class Reading:
    """What the learned decisions read of one message (from the detector's single pass)."""

    #: one meaning vector per sentence (normalised).
    vectors: np.ndarray
    #: per sentence, its best similarity to each label's examples.
    similarities: tuple[dict[str, float], ...]
    #: the rules' verdicts: label -> confidence, for the labels they found.
    rules: dict[str, float]
    #: the parse's features and how the message stands to the customer's words.
    features: dict[str, float] = field(default_factory=dict)


def row_of(reading: Reading, names: Sequence[str]) -> np.ndarray:
    """One feature row: mean meaning, best similarity per label, the rules' verdicts, the named features."""
    vectors = reading.vectors if len(reading.vectors) else np.zeros((1, EMBEDDING_SIZE), dtype=np.float32)
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    meaning = mean / norm if norm else mean
    sims = [max((s.get(label, 0.0) for s in reading.similarities), default=0.0) for label in SIMILARITY_LABELS]
    rules = [reading.rules.get(label, 0.0) for label in LABELS]
    named = [reading.features.get(name, 0.0) for name in names]
    return np.concatenate([meaning, np.array(sims + rules + named, dtype=np.float64)])


@dataclass(frozen=True)
class LabelModel:
    """One label's logistic regression and the probabilities it needs, with what the folds measured: `keep` to
    keep what the rules found, `add` (never lower) to add what they did not."""

    label: str
    weights: tuple[float, ...]
    bias: float
    keep: float
    add: float
    regularisation: float
    folds_f1: float
    rules_f1: float
    positives: int

    @property
    def decides(self) -> bool:
        """Whether the learned decision replaces the rules for this label (it beat them across writers)."""
        return self.folds_f1 > self.rules_f1 + 0.01


@dataclass(frozen=True)
class LearnedDecisions:
    """Per-label probabilities for readings; load with :func:`load_learned`."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    models: dict[str, LabelModel]
    fingerprint: str = ""

    @property
    def deciding(self) -> tuple[str, ...]:
        """The labels the learned decisions decide (the rest stay with the rules)."""
        return tuple(label for label, model in self.models.items() if model.decides)

    def matrix(self, readings: Sequence[Reading]) -> np.ndarray:
        """The standardised feature rows of some readings."""
        rows = np.vstack([row_of(r, self.names) for r in readings]) if readings else np.zeros((0, len(self.mean)))
        return (rows - self.mean) / self.scale

    def probabilities(self, readings: Sequence[Reading]) -> list[dict[str, float]]:
        """Per reading: label -> probability, for the labels the learned decisions decide."""
        if not readings:
            return []
        x = self.matrix(readings)
        out: list[dict[str, float]] = [{} for _ in readings]
        for label in self.deciding:
            model = self.models[label]
            p = _sigmoid(x @ np.asarray(model.weights) + model.bias)
            for i, value in enumerate(p):
                out[i][label] = float(value)
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {"features_version": FEATURES_VERSION, "fingerprint": self.fingerprint, "names": list(self.names),
                "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "models": {label: asdict(model) for label, model in self.models.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnedDecisions:
        """The inverse of :meth:`to_dict`."""
        models = {label: LabelModel(**{**m, "weights": tuple(m["weights"])}) for label, m in data["models"].items()}
        return cls(tuple(data["names"]), np.asarray(data["mean"]), np.asarray(data["scale"]), models,
                   str(data.get("fingerprint", "")))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def load_learned(path: Path) -> LearnedDecisions | None:
    """The learned decisions `bot skills fit` stored, or None (none yet, or fitted on other features)."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("features_version") != FEATURES_VERSION:
        return None
    return LearnedDecisions.from_dict(data)


def read(sentences: Sequence[Any], vectors: np.ndarray, shapes: Sequence[float], similarities: Sequence[dict[str, float]],
         rules: dict[str, float], said: Any, closeness: Sequence[float]) -> Reading:
    """The reading of one message: its sentences (bot.language.Sentence), their vectors, restatement-shape
    probabilities and similarities, the rules' verdicts, what the customer said (bot.skills.restating.Heard) and
    each sentence's best cosine to it."""
    from bot.language import features_of
    from bot.skills.restating import content_lemmas, said_text

    features = dict(features_of(sentences))
    words = set().union(*(content_lemmas(s.span) for s in sentences)) if sentences else set()
    tokens = sum(len(s.span) for s in sentences)
    features["length"] = float(np.log1p(tokens))
    features["shape"] = max(shapes, default=0.0)
    features["question_mark"] = float(any(said_text(s.span).rstrip().endswith("?") for s in sentences))
    if said.messages:
        shared = words & said.lemmas
        features["context"] = 1.0
        features["context:informative"] = float(said.informative)
        features["context:cosine"] = max(closeness, default=0.0)
        features["context:shared"] = len(shared) / max(1, len(words))
        features["context:shared_words"] = float(min(len(shared), 6))
        named = {f.family for s in sentences for f in s.feelings if not f.negated and f.whose != "speaker"}
        features["context:feeling_named"] = float(bool(named))
        features["context:feeling_fits"] = float(bool(named & (said.feelings | said.felt)))
        features["context:customer_feels"] = float(bool(said.feelings | said.felt))
    return Reading(vectors, tuple(similarities), dict(rules), features)
