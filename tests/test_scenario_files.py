"""The scenario format: every shipped file is valid; broken files are reported with file, field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.scenarios.loader import ScenarioError, load_library, parse_scenario
from tests.conftest import SCENARIOS

GOOD = (SCENARIOS / "cafe_late_order.yml").read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "broken.yml")
    return [str(p) for p in caught.value.problems]


def test_every_shipped_scenario_loads() -> None:
    library = load_library(SCENARIOS)
    assert not library.problems, library.problems
    assert library.scenarios


def test_missing_field_names_the_field() -> None:
    found = problems(GOOD.replace("need: To eat something", "needs: To eat something"))
    assert any("missing required field 'need'" in p for p in found)


def test_wrong_type_names_field_and_line() -> None:
    text = GOOD.replace("feelings: [frustrated, rushed, ignored]", "feelings: frustrated")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("feelings:"))
    found = problems(text)
    assert f"broken.yml:{line}: feelings: must be a list, not a text" in found


def test_a_feeling_the_detectors_cannot_recognise_is_reported() -> None:
    text = GOOD.replace("feelings: [frustrated, rushed, ignored]", "feelings: [frustrated, peckish]")
    found = problems(text)
    assert any("feelings[1]" in p and "'peckish' is not a feeling the skill detectors know" in p for p in found), found


def test_dangling_fact_reference_is_reported() -> None:
    text = GOOD.replace('    - "Well, {fact}."', '    - "Well, {fact:no_such_fact}."')
    found = problems(text)
    assert any("lines.reveal[0]" in p and "no_such_fact" in p for p in found)


def test_unknown_placeholder_is_reported() -> None:
    found = problems(GOOD.replace('"Not so fast. {reason}."', '"Not so fast. {reasons}."'))
    assert any("unknown placeholder {reasons}" in p for p in found)


def test_yaml_syntax_error_gives_the_line() -> None:
    text = GOOD.replace("title: \"Café: a late and wrong lunch order\"", "title: \"Café: unclosed")
    found = problems(text)
    assert len(found) == 1 and "YAML syntax error" in found[0] and found[0].startswith("broken.yml:")


def test_every_stage_needs_its_lines() -> None:
    text = GOOD.replace("  goodbye:\n", "  farewell:\n")
    found = problems(text)
    assert any("no lines for 'goodbye'" in p for p in found)
    assert any("lines.farewell" in p and "unknown reaction" in p for p in found)


def test_a_broken_file_is_left_out_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "good.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.yml").write_text("id: [unclosed", encoding="utf-8")
    library = load_library(tmp_path)
    assert list(library.scenarios) == ["cafe_late_order"]
    assert library.problems and library.problems[0].file.endswith("bad.yml")
