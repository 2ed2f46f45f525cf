"""What the customer answers to a question: the fact it asks for, that fact again, an honest "I don't know", or, to a
general open question, the next thing they had kept back. Pure: reads the question as the language pipeline
structured it (its form and what it asks about) and the scenario's facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.language.text import long_words, words
from bot.scenarios.model import Fact, Scenario
from bot.scenarios.turn import PracticeState
from bot.skills.labels import Detection

#: question forms that ask for one particular thing: with no fact about it, the customer does not know.
_SPECIFIC_FORMS = frozenset({"closed", "either_or", "factual"})
#: a question's form from its label, when the detection carries no details.
_FORM_OF: dict[str, str] = {"closed_question": "closed", "factual_question": "factual", "open_question": "open"}


@dataclass(frozen=True)
class Answer:
    """The customer's answer: a reaction ("reveal", "already_told", "dont_know", "nothing_to_add") and its fact."""

    reaction: str
    fact_id: str | None = None


def answer(scenario: Scenario, state: PracticeState, question: Detection, high_gain: bool, factual: bool = False) -> Answer:
    """Answer one question from the facts: the one it asks about (kept back or already told); else, to a question
    about one particular thing, "I don't know"; else, to a general open question, the next fact kept back."""
    details = question.details
    form = details.question_form if details is not None and details.question_form else _FORM_OF.get(question.label, "")
    about = words(details.asks_about) if details is not None and details.asks_about else set()
    asked = words(question.span) | about
    candidates = [scenario.fact(fid) for fid in dict.fromkeys([*state.held_back, *state.told])]
    scored = [(_closeness(f, asked, about), f) for f in candidates]
    best_score = max((s for s, _ in scored), default=0)
    if best_score > 0:
        held = [f for s, f in scored if s == best_score and f.id in state.held_back]
        if held:
            preferred = [f for f in held if (f.reveal == "high_gain") == high_gain]
            return Answer("reveal", (preferred or held)[0].id)
        told = next(f for s, f in scored if s == best_score)
        return Answer("already_told", told.id)
    if (form in _SPECIFIC_FORMS or factual) and not high_gain:
        return Answer("dont_know")
    kept = [scenario.fact(fid) for fid in state.held_back]
    if not kept:
        return Answer("nothing_to_add")
    preferred = [f for f in kept if (f.reveal == "high_gain") == high_gain]
    return Answer("reveal", (preferred or kept)[0].id)


def _closeness(fact: Fact, asked: set[str], about: set[str]) -> int:
    """How plainly a question asks for this fact: each of its words the fact names (as a keyword or in its own text)
    counts once, and again when it is one of the fact's own words beyond its keywords ("the chicken one") or what
    the question asks about."""
    keywords = {k.lower() for k in fact.keywords}
    own = long_words(fact.text)
    named = keywords | own
    return len(asked & named) + len(asked & (own - keywords)) + len(about & named)
