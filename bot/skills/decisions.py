"""The final say on a message's skills: the learned probabilities where they decide, the rules elsewhere, then
the named constraints of data/skills/decisions.yml (one declared table, not a chain of overrides)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from bot.language import Sentence
from bot.settings import PROJECT_ROOT
from bot.skills.details import CLOSING_QUESTIONS, QUESTION_LABELS, details_of
from bot.skills.labels import Detection
from bot.skills.learned import LearnedDecisions

TABLE = PROJECT_ROOT / "data" / "skills" / "decisions.yml"


@dataclass(frozen=True)
class Constraints:
    """The declared table: labels the rules decide; labels that need the customer's words; label A implies
    label B; label A excludes label B (in one message)."""

    rules_decide: frozenset[str]
    firm: bool
    #: label -> the name of the condition (JUDGED_WHEN) under which the rules' "no" stands.
    judged_when: dict[str, str]
    needs_context: frozenset[str]
    implies: tuple[tuple[str, str], ...]
    excludes: tuple[tuple[str, str], ...]
    #: label -> the label the rules must have found (by grammar) for the learned decision to decide it there; the
    #: rules' own verdict on it is then only a reading the learned decision weighs, and elsewhere it is "no".
    within: dict[str, str] = field(default_factory=dict)
    #: groups of labels of which one sentence carries one: the likeliest, where several share their evidence.
    one_per_sentence: tuple[frozenset[str], ...] = ()


@lru_cache(maxsize=4)
def constraints(path: Path = TABLE) -> Constraints:
    """The declared table of data/skills/decisions.yml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    judged = {c["label"]: c["when"] for c in data.get("judged_when", [])}
    unknown = set(judged.values()) - set(JUDGED_WHEN)
    if unknown:
        raise ValueError(f"{path}: unknown conditions {sorted(unknown)}; known: {sorted(JUDGED_WHEN)}")
    return Constraints(frozenset(data.get("rules_decide", ())), bool(data.get("firm", False)), judged,
                       frozenset(data.get("needs_context", ())),
                       tuple((c["label"], c["implies"]) for c in data.get("implies", [])),
                       tuple((c["label"], c["excludes"]) for c in data.get("excludes", [])),
                       {c["label"]: c["within"] for c in data.get("within", [])},
                       tuple(frozenset(c["labels"]) for c in data.get("one_per_sentence", [])))


def constrained(found: Sequence[Detection], heard: bool = True, rules: Constraints | None = None) -> list[Detection]:
    """The detections with every constraint applied; `heard`: whether the customer has said anything yet."""
    rules = rules or constraints()
    by_label = {d.label: d for d in found if heard or d.label not in rules.needs_context}
    for label, implied in rules.implies:
        if label in by_label and implied not in by_label:
            by_label[implied] = replace(by_label[label], label=implied, source="constraint")
    for label, excluded in rules.excludes:
        if label in by_label:
            by_label.pop(excluded, None)
    for group in rules.one_per_sentence:
        rivals = sorted((d for d in by_label.values() if d.label in group), key=lambda d: -d.confidence)
        for rival in rivals[1:]:
            if rival.span == rivals[0].span:
                by_label.pop(rival.label)
    return list(by_label.values())


def is_firm(detection: Detection, table: Constraints | None = None) -> bool:
    """A rules' verdict from grammar or a pattern, not from resemblance to examples, that stands whatever the learned
    decision says (not one of the labels it decides `within` the rules' finding)."""
    return detection.source != "similarity" and detection.label not in (table or constraints()).within


def outside(found: Sequence[Detection], table: Constraints) -> frozenset[str]:
    """The `within` labels whose enclosing label the rules did not find in this message: "no" there."""
    have = {d.label for d in found}
    return frozenset(label for label, enclosing in table.within.items() if enclosing not in have)


def decide(found: Sequence[Detection], probabilities: dict[str, float], learned: LearnedDecisions | None,
           message: Message) -> list[Detection]:
    """Keep, add or drop each label the learned decisions decide; the rules' detections stand for the rest."""
    heard = message.spoken
    if learned is None:
        return constrained(found, heard)
    table = constraints()
    deciding = set(learned.deciding) - table.rules_decide - outside(found, table) - {
        label for label, when in table.judged_when.items() if JUDGED_WHEN[when](message)}
    kept: list[Detection] = []
    for detection in found:
        if detection.label not in deciding or (table.firm and is_firm(detection, table)):
            kept.append(detection)
        elif probabilities.get(detection.label, 0.0) >= learned.models[detection.label].keep:
            kept.append(replace(detection, confidence=round(probabilities[detection.label], 3),
                                source=f"learned ({detection.source})" if detection.source else "learned"))
    have = {d.label for d in kept}
    for label in sorted(deciding - have):
        p = probabilities.get(label, 0.0)
        if p >= learned.models[label].add:
            kept.append(evidence_for(message, label, round(p, 3)))
    return constrained(kept, heard)


@dataclass(frozen=True)
class Message:
    """One message as the detector read it, for placing a learned detection on its evidence."""

    original: str
    sentences: tuple[Sentence, ...]
    similarities: tuple[dict[str, float], ...]
    heard: frozenset[str]
    #: per sentence, its best cosine to what the customer said (0 without context).
    closeness: tuple[float, ...]
    #: whether the customer has said anything yet (however little).
    spoken: bool = False


def _checks_only(message: Message) -> bool:
    """Every commitment is to find out ("I'll see if…", "let me check"), and nothing says when."""
    clauses = [c for s in message.sentences for c in s.clauses if c.tense == "future" or c.checks]
    return bool(clauses) and all(c.checks for c in clauses) and not any(s.says_when for s in message.sentences)


#: the conditions `judged_when` may name: a message -> whether the rules had what they judge by.
JUDGED_WHEN: dict[str, Callable[[Message], bool]] = {"checks_only": _checks_only}


def span_of(original: str, sentence: Sentence) -> tuple[str, int, int]:
    """A sentence's evidence in the trainee's own words, without surrounding blanks: (text, start, end)."""
    sent = sentence.span
    evidence = original[sent.start_char : sent.end_char]
    start = sent.start_char + len(evidence) - len(evidence.lstrip())
    end = sent.end_char - len(evidence) + len(evidence.rstrip())
    return evidence.strip(), start, end


def evidence_for(message: Message, label: str, probability: float) -> Detection:
    """A learned detection on the sentence that best carries the label: a question for a question label, a
    sentence naming a feeling for a restated feeling, the closest to the customer's words for a restated fact,
    else the one most like the label's examples."""
    def weight(index: int) -> float:
        sentence = message.sentences[index]
        if label in QUESTION_LABELS or label in CLOSING_QUESTIONS:
            bonus = float(sentence.question.is_question)
        elif label == "restate_feeling":
            bonus = float(bool(sentence.families))
        elif label == "restate_fact":
            bonus = message.closeness[index]
        else:
            bonus = 0.0
        return bonus + message.similarities[index].get(label, 0.0) + 0.001 * index * (label in QUESTION_LABELS)

    if not message.sentences:
        return Detection(label, message.original.strip(), 0, len(message.original), probability, "learned")
    best = max(range(len(message.sentences)), key=weight)
    text, start, end = span_of(message.original, message.sentences[best])
    return Detection(label, text, start, end, probability, "learned", details_of(label, message.sentences[best], message.heard))
