"""Bad scenario files get a message, never a hang or a crash: mutated copies of every shipped scenario."""

from __future__ import annotations

import copy
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.scenarios.loader import ScenarioError, parse_scenario, scenario_files
from tests.conftest import SCENARIOS
from tests.stack import PYTHON

SHIPPED = scenario_files(SCENARIOS)
#: Not a speed target: a guard that turns a hang (the validator once looped for ever) into a failure.
HANG_GUARD_SECONDS = 5
WRONG_VALUES: tuple[Any, ...] = (7, "some text", [], {}, None)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@contextmanager
def hang_guard(what: str) -> Iterator[None]:
    def _hung(*_: object) -> None:
        raise TimeoutError(f"no answer within {HANG_GUARD_SECONDS}s: {what}")

    previous = signal.signal(signal.SIGALRM, _hung)
    signal.setitimer(signal.ITIMER_REAL, HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def node_paths(data: Any, path: tuple[Any, ...] = (), depth: int = 0) -> Iterator[tuple[Any, ...]]:
    """Paths to the nodes worth mutating: every mapping key to depth 3, the first item of each list."""
    if depth > 3:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key)
            yield from node_paths(value, (*path, key), depth + 1)
    elif isinstance(data, list) and data:
        yield (*path, 0)
        yield from node_paths(data[0], (*path, 0), depth + 1)


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def mutations(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(description, mutated data): keys renamed, values of the wrong type, lists emptied."""
    yield "every top-level key suffixed", {f"{key}_x": value for key, value in data.items()}
    for path in node_paths(data):
        parent, last = _at(data, path[:-1]), path[-1]
        if isinstance(parent, dict):
            renamed = copy.deepcopy(data)
            holder = _at(renamed, path[:-1])
            holder[f"{last}_typo"] = holder.pop(last)
            yield f"{path} renamed", renamed
        for wrong in WRONG_VALUES:
            changed = copy.deepcopy(data)
            _at(changed, path[:-1])[last] = wrong
            yield f"{path} = {wrong!r}", changed


def broken_yaml(text: str) -> Iterator[tuple[str, str]]:
    yield "cut in half", text[: len(text) // 2]
    yield "unclosed bracket", text.replace("[", "[[", 1)
    yield "tab indentation", text.replace("\n  ", "\n\t", 3)
    yield "not a mapping", "- just\n- a list\n"
    yield "empty", ""
    yield "binary", "\x00\x01\x02"


def answered(text: str, what: str) -> None:
    with hang_guard(what):
        try:
            parse_scenario(text, "mutated.yml")
        except ScenarioError as exc:
            assert exc.problems, what
            assert all(p.line >= 1 and p.message for p in exc.problems), what


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_mutation_of_a_shipped_scenario_is_answered(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    count = 0
    for what, mutated in mutations(data):
        answered(yaml.dump(mutated, Dumper=DUMPER, sort_keys=False, allow_unicode=True), f"{path.name}: {what}")
        count += 1
    for what, broken in broken_yaml(text):
        answered(broken, f"{path.name}: {what}")
    assert count > 100


def test_misspelled_top_level_keys_are_reported_by_the_cli(tmp_path: Path) -> None:
    data = yaml.safe_load((SCENARIOS / "cafe_late_order.yml").read_text(encoding="utf-8"))
    target = tmp_path / "misspelled.yml"
    target.write_text(yaml.safe_dump({f"{key}_x": value for key, value in data.items()}), encoding="utf-8")
    result = subprocess.run([str(PYTHON), "-m", "bot", "scenarios", "validate", str(target)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "missing required field 'id'" in result.stdout
    assert "missing required field 'persona'" in result.stdout
