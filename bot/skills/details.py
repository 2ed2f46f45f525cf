"""What a detection says beyond its label: which part of the pipeline decided it, and the details the customer
needs (an offer's clause, options and time; a question's form and what it asks about; the feeling named and whose)."""

from __future__ import annotations

from bot.language import Sentence, choosing_after_options, describe_offer
from bot.language.saying import said_back, time_said
from bot.skills.labels import Details
from bot.skills.restating import content_lemmas

QUESTION_LABELS: tuple[str, ...] = ("open_question", "factual_question", "high_gain_question", "closed_question")
#: labels decided by similarity to examples (the question labels come from grammar).
MEANING_LABELS: tuple[str, ...] = (
    "greet_acknowledge", "thank", "bridge", "check_satisfaction", "seek_agreement",
    "offer_options", "set_expectation", "overpromise", "follow_up", "dismissive",
)
#: a sentence asks at most one of these.
CLOSING_QUESTIONS: tuple[str, ...] = ("seek_agreement", "check_satisfaction", "bridge")


def source_of(label: str, confidence: float, sims: dict[str, float]) -> str:
    """Which part of the pipeline decided a label."""
    if label in QUESTION_LABELS:
        return "question form"
    if label == "restate_feeling":
        return "feelings and context"
    if label == "restate_fact":
        return "context"
    return "similarity" if round(sims.get(label, -1.0), 3) == confidence else "rules"


def details_of(label: str, sentence: Sentence, heard: frozenset[str] = frozenset()) -> Details | None:
    """What the rest of the product needs of a detection: an offer's clause and time, a question's form and what it
    asks about, the feeling named and whose it is, which of the customer's words (`heard`) a restatement says back."""
    if label == "restate_fact":
        return Details(restated=tuple(sorted(content_lemmas(sentence.span) & heard)))
    if label in QUESTION_LABELS or label in CLOSING_QUESTIONS:
        question = sentence.question
        if not question.is_question:
            return None
        choosing = question.choosing or choosing_after_options(question, sentence.span).choosing
        return Details(question_form=question.form, asks_about=question.about, asks_to_choose=choosing)
    first = next((t for t in sentence.times if not t.vague), None)  # "as soon as it's in" says no time to say back
    time = time_said(sentence.span, first.start, first.end) if first is not None else ""
    minutes = sentence.minutes_of(first) if first is not None else None
    if label == "offer_options" or (label == "set_expectation" and any(c.commits for c in sentence.clauses)):
        offer = describe_offer(sentence)
        return Details(offer=offer.clause, options=offer.gists, timed=offer.timed, refused=offer.refused, time=time,
                       minutes=minutes, planned=offer.planned, said_back=said_back(sentence.span), question_form=sentence.question.form)
    if label in {"set_expectation", "follow_up", "overpromise"}:
        return Details(time=time, minutes=minutes, said_back=said_back(sentence.span))
    if label == "restate_feeling":
        named = [f for f in sentence.feelings if not f.negated and f.whose != "speaker"]
        return Details(feeling=named[0].family, whose=named[0].whose) if named else None
    return None
