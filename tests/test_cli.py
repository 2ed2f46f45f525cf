"""The command line, run as a user would: `python -m bot ...` in a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.stack import PYTHON


def bot(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PYTHON), "-m", "bot", *args], cwd=PROJECT_ROOT, input=stdin, env=env,
                          capture_output=True, text=True, timeout=300)


def test_scenarios_list_json() -> None:
    result = bot("scenarios", "list", "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    cafe = next(i for i in items if i["id"] == "cafe_late_order")
    assert set(cafe) == {"id", "title", "difficulties"}
    assert cafe["difficulties"] == ["patient", "impatient", "angry"]


def test_scenarios_validate_passes_on_the_shipped_files_and_fails_on_a_broken_one(tmp_path: Path) -> None:
    assert bot("scenarios", "validate").returncode == 0
    broken = tmp_path / "broken.yml"
    broken.write_text((PROJECT_ROOT / "data/scenarios/cafe_late_order.yml").read_text().replace("need:", "nead:"))
    result = bot("scenarios", "validate", str(broken))
    assert result.returncode == 1
    assert f"{broken}:" in result.stdout and "missing required field 'need'" in result.stdout


@pytest.mark.models
def test_label_round_trips_a_small_file_in_input_order() -> None:
    lines = [
        {"id": "a", "text": "Hi, thanks for waiting!", "context": None},
        {"id": "b", "text": "It sounds like you're really frustrated.", "context": "I'm so frustrated, I've waited an hour."},
        {"id": "c", "text": "Let me check that for you.", "context": "Where is my order?"},
        {"id": "d", "text": "can you tell me what happened", "context": None},
        {"id": "e", "text": "So you were charged twice on Tuesday.", "context": ["I was charged twice on Tuesday.", "Yes."]},
    ]
    result = bot("label", stdin="\n".join(json.dumps(line) for line in lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d", "e"]
    by_id = {o["id"]: set(o["labels"]) for o in out}
    assert "greet_acknowledge" in by_id["a"]
    assert "restate_feeling" in by_id["b"]
    assert by_id["c"] == set()
    assert "open_question" in by_id["d"]
    assert "restate_fact" in by_id["e"], "a context can be every message the customer sent so far"
    assert "label:" in result.stderr, "progress goes to stderr"


@pytest.mark.models
def test_label_reports_a_bad_line_without_losing_the_others() -> None:
    result = bot("label", stdin='{"id": "ok", "text": "Thank you!"}\nnot json\n{"id": "n", "text": "Hi", "context": 5}\n')
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0] == {"id": "ok", "labels": ["thank"]}
    assert "line 2: not JSON" in out[1]["error"]
    assert "line 3: \"context\" must be" in out[2]["error"]
