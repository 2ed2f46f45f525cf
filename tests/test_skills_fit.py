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


class WordEncoder:
    """A stand-in sentence encoder: one dimension per marker word, normalised."""

    WORDS = ("you", "so", "sounds", "the", "will", "let")

    def encode(self, texts: list[str], **_: object) -> np.ndarray:
        rows = [[float(w in t.lower().split()) for w in self.WORDS] + [0.1] for t in texts]
        return np.array([np.array(r) / np.linalg.norm(r) for r in rows])


def test_the_reflection_form_model_learns_from_its_examples_and_round_trips(tmp_path: Path) -> None:
    from bot.skills.reflection_form import ReflectionForm, fit_form, load_form_examples

    (tmp_path / "reflection_form.yml").write_text(
        "label: reflection_form\nthresholds: {restate_shape: 0.4}\n"
        "reflective: [so you waited, sounds like you waited, you paid twice, so you are tired, sounds awful for you]\n"
        "not_reflective: [the shop will open, let me check, the refund will come, let it rest, the form will arrive]\n"
    )
    examples = load_form_examples(tmp_path)
    assert examples is not None and examples.thresholds == {"restate_shape": 0.4}
    model, accuracy = fit_form(examples, WordEncoder())
    assert accuracy >= 0.8
    probabilities = model.probability(WordEncoder().encode(["so you were charged", "the parcel will come"]))
    assert probabilities[0] > 0.5 > probabilities[1]
    again = ReflectionForm.from_dict(model.to_dict())
    assert np.allclose(again.probability(WordEncoder().encode(["so you"])), model.probability(WordEncoder().encode(["so you"])), atol=1e-4)
    assert load_form_examples(tmp_path / "missing") is None


def test_question_shapes_for_reading_disagreements() -> None:
    from bench.mapping import question_shape

    assert question_shape(["so", "how", "long", "has", "it", "been"], True) == "wh-question"
    assert question_shape(["okay", "did", "you", "keep", "it"], True) == "yes/no question"
    assert question_shape(["so", "you", "kept", "it"], True) == "statement with a question mark"
    assert question_shape(["tell", "me", "more"], False) == "no question mark"
