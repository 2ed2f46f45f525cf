"""Fitting thresholds and mapping labels onto AnnoMI's, on plain data (no models)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bench.mapping import mi_question, mi_reflection
from bot.skills.detector import Example
from bot.skills.fit import examples_fingerprint, fit_thresholds, is_stale
from bot.skills.labels import Detection


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=float)
    return v / np.linalg.norm(v)


def test_the_fitted_cut_separates_a_label_from_the_rest() -> None:
    examples = [Example("thank", f"t{i}") for i in range(4)] + [Example("none", f"n{i}") for i in range(4)]
    vectors = np.array([unit(1, 0.05 * i, 0) for i in range(4)] + [unit(0.2, 1, 0.1 * i) for i in range(4)])
    fitted = fit_thresholds(examples, vectors)
    assert fitted["thank"]["f1"] == 1.0
    cut = fitted["thank"]["threshold"]
    cross = (vectors[4:] @ vectors[:4].T).max()
    assert cross < cut <= 0.8


def test_fitted_thresholds_go_stale_when_the_examples_change(tmp_path: Path) -> None:
    (tmp_path / "thank.yml").write_text("label: thank\nexamples: [Thanks!]\n")
    out = tmp_path / "thresholds.json"
    assert is_stale(tmp_path, out)
    out.write_text(json.dumps({"fingerprint": examples_fingerprint(tmp_path)}))
    assert not is_stale(tmp_path, out)
    (tmp_path / "thank.yml").write_text("label: thank\nexamples: [Thanks!, Cheers!]\n")
    assert is_stale(tmp_path, out)


def det(label: str, start: int) -> Detection:
    return Detection(label, "x", start, start + 1, 0.9)


def test_annomi_mapping_follows_docs_skills() -> None:
    assert mi_question([det("open_question", 0)]) == "open_question"
    assert mi_question([det("open_question", 0), det("factual_question", 0)]) == "closed_question"
    assert mi_question([det("closed_question", 0), det("open_question", 20)]) == "open_question", "the last question decides"
    assert mi_question([]) == "closed_question"
    assert mi_reflection([det("restate_fact", 0)]) == "reflection"
    assert mi_reflection([det("open_question", 0)]) == "not_reflection"
