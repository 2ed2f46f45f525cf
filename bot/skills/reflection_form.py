"""Whether a statement is shaped like a restatement ("You're fed up with being passed around."), learnt
from the examples in data/skills/reflection_form.yml.

The shape alone never earns a restatement where the customer's words can be checked: the detector
still asks for their facts or feelings. It decides only where their last words are too thin to check
against ("Mm.", "Yeah."), and it tells a restatement from advice or information when there is overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

FILE_NAME = "reflection_form.yml"
#: Inverse regularisation of the logistic regression: a middle value (0.3 to 10 ranked AnnoMI dev lines alike).
REGULARISATION = 3.0


@dataclass(frozen=True)
class FormExamples:
    """The example statements: restatement-shaped or not, and the cut-offs chosen for them."""

    reflective: list[str]
    not_reflective: list[str]
    thresholds: dict[str, float]


def load_form_examples(skills_dir: Path) -> FormExamples | None:
    """The examples, or None when the file is missing."""
    path = skills_dir / FILE_NAME
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return FormExamples(
        reflective=[str(t) for t in data.get("reflective", [])],
        not_reflective=[str(t) for t in data.get("not_reflective", [])],
        thresholds={str(k): float(v) for k, v in (data.get("thresholds") or {}).items()},
    )


@dataclass(frozen=True)
class ReflectionForm:
    """A logistic regression over sentence embeddings: the probability a sentence is restatement-shaped."""

    weights: np.ndarray
    bias: float

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        """One probability per row of (normalised) sentence embeddings."""
        if not len(vectors):
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-(vectors @ self.weights + self.bias)))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {"weights": [round(float(w), 6) for w in self.weights], "bias": round(self.bias, 6)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReflectionForm:
        """The inverse of :meth:`to_dict`."""
        return cls(np.asarray(data["weights"], dtype=np.float32), float(data["bias"]))


def fit_form(examples: FormExamples, encoder: Any) -> tuple[ReflectionForm, float]:
    """Fit the model on the examples; returns it with its 5-fold cross-validated accuracy."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    texts = examples.reflective + examples.not_reflective
    targets = np.array([1] * len(examples.reflective) + [0] * len(examples.not_reflective))
    vectors = np.asarray(encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False))
    model = LogisticRegression(C=REGULARISATION, max_iter=2000)
    accuracy = float(cross_val_score(model, vectors, targets, cv=5).mean())
    model.fit(vectors, targets)
    return ReflectionForm(model.coef_[0].astype(np.float32), float(model.intercept_[0])), accuracy
