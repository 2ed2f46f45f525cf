"""Our skill labels mapped onto AnnoMI's motivational-interviewing labels (docs/skills.md)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.skills.labels import Detection

QUESTION_LABELS = ("open_question", "factual_question", "closed_question")


def mi_question(detections: Sequence[Detection]) -> str:
    """MI open = open and not factual; MI closed = closed or factual. The utterance's last question decides."""
    questions = [d for d in detections if d.label in QUESTION_LABELS]
    if not questions:
        return "closed_question"  # not recognised as an open question
    last = max(d.start for d in questions)
    at_last = {d.label for d in questions if d.start == last}
    if "open_question" in at_last and "factual_question" not in at_last:
        return "open_question"
    return "closed_question"


def mi_reflection(detections: Sequence[Detection]) -> str:
    """MI reflection = restate_feeling or restate_fact."""
    return "reflection" if any(d.label in ("restate_feeling", "restate_fact") for d in detections) else "not_reflection"


_FILLERS = frozenset({"so", "and", "okay", "ok", "um", "uh", "well", "then", "right", "oh", "now", "yeah", "but", "alright", "like"})
_WH = frozenset({"what", "how", "why", "where", "when", "which", "who", "whose"})
_AUX = frozenset({"do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "can", "could", "would", "will",
                  "should", "shall", "may", "might", "any", "anything"})


def question_shape(words: list[str], marked: bool) -> str:
    """The plain form of an utterance's last question, from its lower-cased words: for reading disagreements."""
    first = next((w for w in words if w not in _FILLERS), "")
    if first in _WH:
        return "wh-question"
    if first in _AUX:
        return "yes/no question"
    return "statement with a question mark" if marked else "no question mark"
