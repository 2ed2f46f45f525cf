"""The play-test corpus (data/playtests/*.yml) played through the detectors, the customer and the scorecard, no Rasa.

Reports how many sessions land in the coach's band, every must / must-not miss, and a believability check over
every customer reply (the trainee's words echoed back; acknowledgements stacked). Writes its section of
docs/benchmarks.md. Run: `.venv/bin/python -m bench.playtests`.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT
from bot.skills.labels import SKILLS

PLAYTESTS = PROJECT_ROOT / "data" / "playtests"
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
SECTION = "## Play-test corpus"
TARGET_IN_BAND = 0.90
#: A customer reply that repeats this many consecutive words of the trainee's line echoes it.
ECHO_WORDS = 5
ACKNOWLEDGEMENT = re.compile(r"^(yes|yeah|yep|no|okay|ok|alright|right|fine|sure|exactly|thanks|thank you|that's (right|correct)|"
                             r"i am|i do|you're welcome)\b", re.IGNORECASE)


@dataclass
class SessionResult:
    """One play-test session, played."""

    id: str
    kind: str
    band: tuple[int, int]
    overall: int
    outcome: str | None
    missing: list[str] = field(default_factory=list)
    wrongly: list[str] = field(default_factory=list)
    echoes: list[tuple[str, str]] = field(default_factory=list)
    stacked: list[str] = field(default_factory=list)

    @property
    def in_band(self) -> bool:
        return self.band[0] <= self.overall <= self.band[1]


def sessions(folder: Path = PLAYTESTS) -> list[dict[str, Any]]:
    """Every scripted session of every writer's file."""
    return [item for path in sorted(folder.glob("*.yml")) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def echoed(trainee: str, reply: str, n: int = ECHO_WORDS) -> bool:
    """True if the reply repeats n consecutive words of the trainee's line."""
    said = _words(trainee)
    grams = {tuple(said[i:i + n]) for i in range(len(said) - n + 1)}
    heard = _words(reply)
    return any(tuple(heard[i:i + n]) in grams for i in range(len(heard) - n + 1))


def stacked_acknowledgements(reply: str) -> bool:
    """True if two or more short acknowledgements follow each other ("Yes, exactly. Thank you. That's correct.")."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", reply) if s.strip()]
    run = 0
    for sentence in sentences:
        short = len(_words(sentence)) <= 6 and bool(ACKNOWLEDGEMENT.match(sentence))
        run = run + 1 if short else 0
        if run >= 2:
            return True
    return False


def _penalised(skill: str) -> bool:
    """Whether the skill loses points each time it is found (dismissive, overpromise)."""
    return skill in SKILLS and SKILLS[skill].penalty is not None


def play(item: dict[str, Any], detector: Any, library: Any) -> SessionResult:
    """Play one scripted session and judge it against its coach's expectations."""
    from bot.play import play_lines

    played = play_lines(library.get(item["scenario"]), item["difficulty"], item["lines"], detector)
    touched = {e["skill"] for e in played.card["evidence"]}
    # A penalty skill (dismissive, overpromise) is "credited" when it is found, that is when it cost points.
    earned = {e["skill"] for e in played.card["evidence"] if e["points"] > 0 or _penalised(e["skill"])}
    result = SessionResult(item["id"], item["trainee_kind"], tuple(item["band"]), played.card["overall"], played.state.outcome,
                           missing=sorted(set(item.get("must_credit") or []) - earned),
                           wrongly=sorted(set(item.get("must_not_credit") or []) & touched))
    for before, after in zip(played.turns, played.turns[1:], strict=False):
        if before.speaker == "trainee" and after.speaker == "customer":
            if echoed(before.text, after.text):
                result.echoes.append((before.text, after.text))
            if stacked_acknowledgements(after.text):
                result.stacked.append(after.text)
    return result


def report(results: list[SessionResult]) -> str:
    """The play-test section of docs/benchmarks.md."""
    in_band = sum(r.in_band for r in results)
    replies_echo = sum(len(r.echoes) for r in results)
    replies_stacked = sum(len(r.stacked) for r in results)
    share = in_band / len(results) if results else 0.0
    from bench.__main__ import commit, machine

    lines = [SECTION, "", f"{len(results)} scripted sessions (`data/playtests/`, two independent writers), played through the "
             "detectors, the customer and the scorecard without Rasa (`python -m bench.playtests`), at commit "
             f"{commit()} on {machine()}.", "",
             "| measure | value | target | |", "|---|---|---|---|",
             f"| sessions whose overall score is in the coach's band | {in_band}/{len(results)} ({share:.0%}) | ≥ {TARGET_IN_BAND:.0%} | "
             f"{'met' if share >= TARGET_IN_BAND else '**not met**'} |",
             f"| sessions missing a must-credit skill | {sum(bool(r.missing) for r in results)} | 0 | |",
             f"| sessions crediting a must-not skill | {sum(bool(r.wrongly) for r in results)} | 0 | |",
             f"| customer replies echoing {ECHO_WORDS}+ words of the trainee's line | {replies_echo} | 0 | |",
             f"| customer replies with stacked acknowledgements | {replies_stacked} | 0 | |", "",
             "| session | kind | band | scored | outcome | must-credit missed | must-not credited |", "|---|---|---|---|---|---|---|"]
    for r in results:
        mark = "" if r.in_band else " **out**"
        lines.append(f"| {r.id} | {r.kind} | {r.band[0]}–{r.band[1]} | {r.overall}{mark} | {r.outcome or 'ended'} | "
                     f"{', '.join(r.missing) or '–'} | {', '.join(r.wrongly) or '–'} |")
    by_kind = Counter(r.kind for r in results)
    kind_in = Counter(r.kind for r in results if r.in_band)
    lines += ["", "In band by kind of trainee: " + ", ".join(f"{k} {kind_in[k]}/{n}" for k, n in sorted(by_kind.items())) + "."]
    return "\n".join(lines) + "\n"


def write_section(text: str, path: Path = REPORT, section: str = SECTION) -> None:
    """Replace (or add) one section of the benchmarks page, leaving the rest as it is."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if section in current:
        before, _, rest = current.partition(section)
        following = rest.find("\n## ")
        current = before + text + (rest[following + 1:] if following >= 0 else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current, encoding="utf-8")


def main() -> int:
    """Play every session and write the report."""
    from bot.practice import library
    from bot.skills.detector import get_detector

    detector, lib = get_detector(), library()
    results = [play(item, detector, lib) for item in sessions()]
    text = report(results)
    write_section(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
