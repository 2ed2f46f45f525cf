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

from bot.language.text import ECHO_WORDS, echoes, plain_sentences
from bot.settings import PROJECT_ROOT
from bot.skills.labels import SKILLS

PLAYTESTS = PROJECT_ROOT / "data" / "playtests"
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
SECTION = "## Play-test corpus"
TARGET_IN_BAND = 0.90
#: the held-out writers (who wrote before the customer was tuned), reported apart.
HELD_OUT_WRITERS = frozenset({"p3", "p4"})
#: how far above the careless trainee the excellent one must score, on every scenario.
ORDER_GAP = 30
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
    writer: str = ""
    scenario: str = ""
    missing: list[str] = field(default_factory=list)
    wrongly: list[str] = field(default_factory=list)
    echoes: list[tuple[str, str]] = field(default_factory=list)
    stacked: list[str] = field(default_factory=list)
    #: (question, reply) where a question for information got neither a fact nor an honest "I don't know".
    unanswered: list[tuple[str, str]] = field(default_factory=list)

    @property
    def in_band(self) -> bool:
        return self.band[0] <= self.overall <= self.band[1]


def sessions(folder: Path = PLAYTESTS) -> list[dict[str, Any]]:
    """Every scripted session of every writer's file."""
    return [item for path in sorted(folder.glob("*.yml")) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def stacked_acknowledgements(reply: str) -> bool:
    """True if two or more short acknowledgements follow each other ("Yes, exactly. Thank you. That's correct.")."""
    sentences = plain_sentences(reply)
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
    # labels that earn no points of their own (factual and closed questions) are credited when they are found
    earned |= {d.label for t in played.turns for d in t.detections if d.label in SKILLS and not SKILLS[d.label].points}
    result = SessionResult(item["id"], item["trainee_kind"], tuple(item["band"]), played.card["overall"], played.state.outcome,
                           item.get("writer", ""), item["scenario"],
                           missing=sorted(set(item.get("must_credit") or []) - earned),
                           wrongly=sorted(set(item.get("must_not_credit") or []) & touched))
    trainee = [t for t in played.turns if t.speaker == "trainee"]
    for turn, reply in zip(trainee, played.replies, strict=False):
        if echoes(turn.text, reply.text):
            result.echoes.append((turn.text, reply.text))
        if stacked_acknowledgements(reply.text):
            result.stacked.append(reply.text)
        if asks_for_information(turn.detections) and not (ANSWERS | choices(turn.detections)) & set(reply.reactions):
            result.unanswered.append((turn.text, reply.text))
    return result


#: the reactions that answer a question: a fact, a fact again, an honest "I don't know", nothing more to add, a
#: restatement confirmed ("…twice for your appointment. Is that right?") (and, to the first line, the customer's
#: account of the problem or their walking out).
ANSWERS = frozenset({"reveal", "already_told", "dont_know", "nothing_to_add", "fact_confirmed", "explain", "no_greeting",
                     "walk_out"})
#: question labels, and the labels whose question asks for something else than information.
_QUESTIONS = frozenset({"open_question", "closed_question", "factual_question", "high_gain_question"})
_NOT_FOR_INFORMATION = frozenset({"seek_agreement", "check_satisfaction", "bridge", "restate_fact", "offer_options", "dismissive"})


#: the reactions that answer a question of which option they would like ("What would you like to do?").
CHOICES = frozenset({"accept", "accept_plain", "not_yet"})


def choices(detections: list[Any]) -> frozenset[str]:
    """CHOICES where a question asks which option they would like, else nothing: such a question is answered by
    choosing (or by what they still need to know first)."""
    asked = any(d.details is not None and d.details.asks_to_choose for d in detections)
    return CHOICES if asked else frozenset()


def asks_for_information(detections: list[Any]) -> bool:
    """Whether a trainee line asks a question for information: a question sentence that is not asking to agree,
    checking satisfaction, bridging, confirming a restatement, offering a choice or a rhetorical jab."""
    other = {d.span for d in detections if d.label in _NOT_FOR_INFORMATION}
    return any(d.label in _QUESTIONS and d.span not in other for d in detections)


def order_check(results: list[SessionResult]) -> list[tuple[str, str, int, int, int, bool]]:
    """Per writer and scenario with an excellent, an average and a careless trainee: (writer, scenario, excellent,
    average, careless, ordered), ordered meaning excellent > average > careless and excellent - careless >= 30."""
    rows = []
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for r in results:
        groups.setdefault((r.writer, r.scenario), {})[r.kind] = r.overall
    for (writer, scenario), scores in sorted(groups.items()):
        if {"excellent", "average", "careless"} <= set(scores):
            good, mid, poor = scores["excellent"], scores["average"], scores["careless"]
            rows.append((writer, scenario, good, mid, poor, good > mid > poor and good - poor >= ORDER_GAP))
    return rows


def _measures(results: list[SessionResult]) -> list[str]:
    """One column of the summary table: in band, must / must-not, the believability checks."""
    in_band = sum(r.in_band for r in results)
    share = in_band / len(results) if results else 0.0
    return [f"{in_band}/{len(results)} ({share:.0%})", str(sum(bool(r.missing) for r in results)),
            str(sum(bool(r.wrongly) for r in results)), str(sum(len(r.echoes) for r in results)),
            str(sum(len(r.stacked) for r in results)), str(sum(len(r.unanswered) for r in results))]


def report(results: list[SessionResult]) -> str:
    """The play-test section of docs/benchmarks.md: the tuned and the held-out writers apart, and the order check."""
    from bench.__main__ import commit, machine

    held = [r for r in results if r.writer in HELD_OUT_WRITERS]
    tuned = [r for r in results if r.writer not in HELD_OUT_WRITERS]
    names = ["sessions whose overall score is in the coach's band (target ≥ 90%)", "sessions missing a must-credit skill (0)",
             "sessions crediting a must-not skill (0)", f"customer replies repeating {ECHO_WORDS}+ consecutive words of the trainee's line (0)",
             "customer replies with stacked acknowledgements (0)", "questions for information answered with neither a fact nor \"I don't know\" (0)"]
    columns = [_measures(tuned), _measures(held), _measures(results)]
    lines = [SECTION, "", f"{len(results)} scripted sessions (`data/playtests/`, four independent writers; p3 and p4 are held "
             "out, written before the customer was tuned and never tuned on), played through the detectors, the customer and "
             f"the scorecard without Rasa (`python -m bench.playtests`), at commit {commit()} on {machine()}.", "",
             "| measure | tuned on (p1, p2) | held out (p3, p4) | all |", "|---|---|---|---|"]
    lines += [f"| {name} | {a} | {b} | {c} |" for name, a, b, c in zip(names, *columns, strict=True)]
    ordered = order_check(results)
    lines += ["", f"Order check (each writer's scenario with an excellent, an average and a careless trainee; p3 and p4 "
              f"wrote one for every scenario: excellent > average > careless, excellent at least {ORDER_GAP} above careless): "
              f"{sum(row[5] for row in ordered)}/{len(ordered)} triples hold.", "",
              "| writer | scenario | excellent | average | careless | holds |", "|---|---|---|---|---|---|"]
    lines += [f"| {w} | {sc} | {g} | {m} | {c} | {'yes' if ok else '**no**'} |" for w, sc, g, m, c, ok in ordered]
    lines += ["", "| session | kind | band | scored | outcome | must-credit missed | must-not credited |", "|---|---|---|---|---|---|---|"]
    for r in results:
        mark = "" if r.in_band else " **out**"
        lines.append(f"| {r.id} | {r.kind} | {r.band[0]}–{r.band[1]} | {r.overall}{mark} | {r.outcome or 'ended'} | "
                     f"{', '.join(r.missing) or '–'} | {', '.join(r.wrongly) or '–'} |")
    by_kind = Counter(r.kind for r in results)
    kind_in = Counter(r.kind for r in results if r.in_band)
    lines += ["", "In band by kind of trainee: " + ", ".join(f"{k} {kind_in[k]}/{n}" for k, n in sorted(by_kind.items())) + "."]
    return "\n".join(lines) + "\n"


def write_sections(text: str, path: Path = REPORT) -> None:
    """Replace the page's heading and each "## " section the text holds, leaving the other benchmarks' sections."""
    head, *sections = re.split(r"(?m)^(?=## )", text)
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    rest = current[current.find("\n## ") + 1:] if "\n## " in current else ""
    path.write_text(head + rest, encoding="utf-8")
    for section in sections:
        write_section(section.rstrip("\n") + "\n\n", path, section.splitlines()[0])


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
