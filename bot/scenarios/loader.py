"""Load scenario files and check them against the format, reporting file, field and line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.language import known_feeling
from bot.language.parse import lexicon
from bot.scenarios.model import (
    ALWAYS_ALLOWED,
    DEFAULT_DIFFICULTIES,
    DIFFICULTY_LEVELS,
    PLACEHOLDER,
    REVEAL_KINDS,
    Difficulty,
    Fact,
    Option,
    Persona,
    Scenario,
    names_feeling,
)
from bot.scenarios.reactions import REACTIONS, authored

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    field: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ScenarioError(Exception):
    """A scenario file that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _to_data(node: yaml.Node, path: str, lines: dict[str, int]) -> Any:
    """Turn a composed YAML node into plain data, remembering the line of every field."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            out[key] = _to_data(value_node, child, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, f"{path}[{i}]", lines) for i, item in enumerate(node.value)]
    return _SCALARS.construct_object(node)


#: Turns one scalar node into its value by its resolved tag (int, bool, text, ...), as yaml.safe_load would.
_SCALARS = yaml.constructor.SafeConstructor()
#: libyaml's parser where PyYAML was built with it (several times faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Checker:
    """Collects problems while reading one file's data into a Scenario."""

    def __init__(self, file: str, lines: dict[str, int]) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        """Record a problem at the line of `path`, or of its nearest parent the file has."""
        line = self.lines.get(path)
        probe = path
        while line is None and probe:
            probe = _parent(probe)
            line = self.lines.get(probe) if probe else None
        self.problems.append(Problem(self.file, path or "(file)", line or 1, message))

    def get(self, data: dict[str, Any], path: str, key: str, kind: type, required: bool = True) -> Any:
        full = f"{path}.{key}" if path else key
        if key not in data:
            if required:
                self.fail(path, f"missing required field '{key}'")
            return None
        value = data[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(full, f"must be {_KIND_NAMES[kind]}, not {_describe(value)}")
            return None
        if isinstance(value, str) and not value.strip():
            self.fail(full, "must not be empty")
            return None
        return value

    def strings(self, data: dict[str, Any], path: str, key: str, required: bool = True) -> tuple[str, ...]:
        items = self.get(data, path, key, list, required)
        if items is None:
            return ()
        full = f"{path}.{key}" if path else key
        out = []
        for i, item in enumerate(items):
            if isinstance(item, str) and item.strip():
                out.append(item.strip())
            else:
                self.fail(f"{full}[{i}]", f"must be a non-empty text, not {_describe(item)}")
        if required and not items:
            self.fail(full, "must list at least one entry")
        return tuple(out)


def _parent(path: str) -> str:
    """The field a path is in: 'facts[2].text' -> 'facts[2]' -> 'facts' -> ''."""
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rpartition(".")[0]


_KIND_NAMES = {str: "a text", int: "a whole number", list: "a list", dict: "a mapping"}


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    for kind, name in _KIND_NAMES.items():
        if isinstance(value, kind) and not isinstance(value, bool):
            return name
    return type(value).__name__


def _check_placeholders(check: _Checker, reaction: str, path: str, line: str, facts: set[str]) -> None:
    allowed = (REACTIONS[reaction].placeholders if reaction in REACTIONS else frozenset()) | ALWAYS_ALLOWED
    if line.count("{") != line.count("}"):
        check.fail(path, "unbalanced braces { } in line")
        return
    for name in PLACEHOLDER.findall(line):
        if name.startswith("fact:"):
            if name[5:] not in facts:
                check.fail(path, f"refers to fact '{name[5:]}', which the scenario does not define")
        elif name not in allowed:
            known = ", ".join(sorted("{" + a + "}" for a in allowed))
            check.fail(path, f"unknown placeholder {{{name}}} in a '{reaction}' line (allowed: {known}, {{fact:<id>}})")


def _line_group(check: _Checker, lines_data: dict[str, Any], reaction: str, fact_ids: set[str]) -> tuple[str, ...]:
    variants = check.strings(lines_data, "lines", reaction)
    for i, line in enumerate(variants):
        _check_placeholders(check, reaction, f"lines.{reaction}[{i}]", line, fact_ids)
    return variants


def parse_scenario(text: str, file: str = "<string>") -> Scenario:
    """Read one scenario from YAML text; raise ScenarioError listing every problem."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(file, "(file)", line, f"YAML syntax error: {problem}")]) from exc
    lines: dict[str, int] = {}
    data = _to_data(node, "", lines) if node is not None else None
    check = _Checker(file, lines)
    if not isinstance(data, dict):
        check.fail("", "a scenario file must be a mapping of fields")
        raise ScenarioError(check.problems)

    scenario_id = check.get(data, "", "id", str) or ""
    if scenario_id and not _ID.match(scenario_id):
        check.fail("id", "must be lower-case letters, digits and underscores, starting with a letter")
    persona_data = check.get(data, "", "persona", dict) or {}
    persona = Persona(
        name=check.get(persona_data, "persona", "name", str) or "",
        address_as=check.get(persona_data, "persona", "address_as", str) or "",
        description=check.get(persona_data, "persona", "description", str, required=False) or "",
    )

    facts: list[Fact] = []
    for i, item in enumerate(check.get(data, "", "facts", list) or []):
        path = f"facts[{i}]"
        if not isinstance(item, dict):
            check.fail(path, f"must be a mapping with id, text and reveal, not {_describe(item)}")
            continue
        reveal = check.get(item, path, "reveal", str) or "open"
        if reveal not in REVEAL_KINDS:
            check.fail(f"{path}.reveal", f"must be one of {', '.join(REVEAL_KINDS)}, not '{reveal}'")
        fact_id = check.get(item, path, "id", str) or f"fact{i}"
        if any(f.id == fact_id for f in facts):
            check.fail(f"{path}.id", f"duplicate fact id '{fact_id}'")
        keywords = check.strings(item, path, "keywords", required=False)
        facts.append(Fact(fact_id, check.get(item, path, "text", str) or "", reveal, keywords))
    if facts and not any(f.reveal == "volunteered" for f in facts):
        check.fail("facts", "at least one fact must be 'volunteered' (told without being asked)")
    fact_ids = {f.id for f in facts}

    options: list[Option] = []
    for i, item in enumerate(check.get(data, "", "options", list) or []):
        path = f"options[{i}]"
        if not isinstance(item, dict):
            check.fail(path, f"must be a mapping with id and text, not {_describe(item)}")
            continue
        options.append(Option(check.get(item, path, "id", str) or f"option{i}", check.get(item, path, "text", str) or ""))

    expectations = check.get(data, "", "expectations", dict) or {}
    realistic = check.strings(expectations, "expectations", "realistic")
    overpromises = check.strings(expectations, "expectations", "overpromise")

    difficulties: dict[str, Difficulty] = {}
    levels = check.get(data, "", "difficulties", dict, required=False)
    for level in levels if levels is not None else DIFFICULTY_LEVELS:
        path = f"difficulties.{level}"
        if level not in DIFFICULTY_LEVELS:
            check.fail(path, f"unknown difficulty '{level}' (use {', '.join(DIFFICULTY_LEVELS)})")
            continue
        overrides = (levels or {}).get(level) or {}
        if not isinstance(overrides, dict):
            check.fail(path, f"must be a mapping of settings, not {_describe(overrides)}")
            overrides = {}
        base = DEFAULT_DIFFICULTIES[level].__dict__.copy()
        for key, value in overrides.items():
            if key not in base:
                check.fail(f"{path}.{key}", f"unknown setting (use {', '.join(base)})")
            elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                check.fail(f"{path}.{key}", f"must be a whole number of 0 or more, not {_describe(value)}")
            else:
                base[key] = value
        difficulties[level] = Difficulty(**base)

    lines_data = check.get(data, "", "lines", dict) or {}
    line_groups: dict[str, tuple[str, ...]] = {}
    required, optional = authored("required"), authored("optional")
    known = [r.name for r in (*required, *optional)]
    for reaction in lines_data:
        if reaction not in known:
            check.fail(f"lines.{reaction}", f"unknown reaction (known: {', '.join(known)})")
    for reaction in required:
        if reaction.name not in lines_data:
            if "lines" in data:
                check.fail("lines", f"no lines for '{reaction.name}' ({reaction.means})")
            continue
        line_groups[reaction.name] = _line_group(check, lines_data, reaction.name, fact_ids)
    for reaction in optional:
        if reaction.name in lines_data:
            line_groups[reaction.name] = _line_group(check, lines_data, reaction.name, fact_ids)
    feelings = check.strings(data, "", "feelings")
    for i, feeling in enumerate(feelings):
        if not known_feeling(feeling):
            check.fail(f"feelings[{i}]", f"'{feeling}' is not a feeling the skill detectors know, so naming it back could never "
                                         f"count (known: {', '.join(lexicon().families)} and their synonyms in data/language/feelings.yml)")
    for reaction in ("explain", "no_greeting"):
        for i, line in enumerate(line_groups.get(reaction, ())):
            if feelings and not any(names_feeling(line, feeling) for feeling in feelings):
                check.fail(f"lines.{reaction}[{i}]",
                           f"should name one of the customer's feelings ({', '.join(feelings)}) so trainees can restate it")

    scenario = Scenario(
        id=scenario_id,
        title=check.get(data, "", "title", str) or "",
        setting=check.get(data, "", "setting", str) or "",
        persona=persona,
        situation=check.get(data, "", "situation", str) or "",
        feelings=feelings,
        need=check.get(data, "", "need", str) or "",
        facts=tuple(facts),
        options=tuple(options),
        realistic_expectations=realistic,
        overpromises=overpromises,
        difficulties=difficulties,
        lines=line_groups,
        aliases=check.strings(data, "", "aliases", required=False),
        source=file,
    )
    if check.problems:
        raise ScenarioError(check.problems)
    return scenario


def load_scenario(path: Path) -> Scenario:
    """Read and check one scenario file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), "(file)", 1, f"cannot read file: {exc}")]) from exc
    return parse_scenario(text, str(path))


@dataclass(frozen=True)
class Library:
    """The scenarios that loaded, and the problems of those left out."""

    scenarios: dict[str, Scenario]
    problems: list[Problem]

    def get(self, scenario_id: str) -> Scenario | None:
        """The scenario with this id, or None."""
        return self.scenarios.get(scenario_id)


def scenario_files(directory: Path) -> list[Path]:
    """The scenario files in a folder."""
    return sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml"))


def load_library(directory: Path) -> Library:
    """Load every scenario under a folder; a broken file is reported and left out, never fatal."""
    return load_files(scenario_files(directory))


def load_files(paths: list[Path]) -> Library:
    """Load these scenario files; broken ones and duplicate ids are reported and left out."""
    scenarios: dict[str, Scenario] = {}
    problems: list[Problem] = []
    for path in paths:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        if scenario.id in scenarios:
            problems.append(Problem(str(path), "id", 1, f"duplicate scenario id '{scenario.id}' (also in {scenarios[scenario.id].source})"))
            continue
        scenarios[scenario.id] = scenario
    return Library(scenarios, problems)
