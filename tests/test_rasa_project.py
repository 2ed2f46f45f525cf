"""The Rasa project itself, run in its own environment (.venv-rasa): data validation and test stories."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.rasa
RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL = PROJECT_ROOT / "models" / "service-trainer.tar.gz"


def rasa(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    if not RASA.exists():
        pytest.fail("The Rasa environment is missing: run `make test` (it sets up .venv-rasa first).")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONWARNINGS": "ignore", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    return subprocess.run([str(RASA), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_training_data_is_valid() -> None:
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_stories_pass_against_the_trained_model(tmp_path: Path) -> None:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make test` (it trains when data changed).")
    result = rasa("test", "core", "--model", str(MODEL), "--stories", "tests/test_stories.yml",
                  "--fail-on-prediction-errors", "--out", str(tmp_path / "results"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_generated_training_data_is_up_to_date() -> None:
    from bot.__main__ import main

    assert main(["rasa-data", "--check"]) == 0, "run `python -m bot rasa-data` and commit the result"
