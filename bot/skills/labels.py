"""The one label set of the cycle's skills (see docs/skills.md), and the detection record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

STAGES: tuple[str, ...] = ("receiving", "understanding", "helping", "keeping")

#: label -> the stage of the customer interaction cycle it belongs to ("any" for both-ways labels).
SKILL_STAGE: dict[str, str] = {
    "greet_acknowledge": "receiving",
    "open_question": "understanding",
    "factual_question": "understanding",
    "high_gain_question": "understanding",
    "closed_question": "any",
    "restate_feeling": "understanding",
    "restate_fact": "understanding",
    "offer_options": "helping",
    "set_expectation": "helping",
    "overpromise": "helping",
    "seek_agreement": "helping",
    "check_satisfaction": "keeping",
    "thank": "keeping",
    "bridge": "keeping",
    "follow_up": "keeping",
    "dismissive": "any",
}
LABELS: tuple[str, ...] = tuple(SKILL_STAGE)

#: Plain-language names, as a coach would say them.
SKILL_NAMES: dict[str, str] = {
    "greet_acknowledge": "Greeting and acknowledging",
    "open_question": "Open-ended questions",
    "factual_question": "Factual questions",
    "high_gain_question": "High-gain questions",
    "closed_question": "Closed questions",
    "restate_feeling": "Restating feelings",
    "restate_fact": "Restating facts",
    "offer_options": "Offering options",
    "set_expectation": "Setting realistic expectations",
    "overpromise": "Over-promising",
    "seek_agreement": "Seeking agreement",
    "check_satisfaction": "Checking satisfaction",
    "thank": "Thanking",
    "bridge": "Bridging",
    "follow_up": "Following up",
    "dismissive": "Dismissive remarks",
}


@dataclass(frozen=True)
class Details:
    """What a detection says beyond its label, read from the language pipeline (bot.language)."""

    #: a question's form ("open", "closed", "either_or", "factual", "prompt") and what it asks about.
    question_form: str = ""
    asks_about: str = ""
    #: an offer (or a plan decided on): its clause as the customer says it back, its options (each said back),
    #: which name a time, whether it only says what cannot be done, whether it is the speaker's own doing.
    offer: str = ""
    options: tuple[str, ...] = ()
    timed: tuple[bool, ...] = ()
    refused: bool = False
    planned: bool = False
    #: the time or date it names.
    time: str = ""
    #: a feeling named back: its family and whose it is ("listener", "situation").
    feeling: str = ""
    whose: str = ""
    #: the customer's facts (content words) a restatement says back.
    restated: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Details:
        """The inverse of dataclasses.asdict."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("options", "timed", "restated"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)


@dataclass(frozen=True)
class Detection:
    """One skill found in a trainee's message: the label, the evidence span, a confidence, which part of the
    pipeline decided it and the details the customer needs."""

    label: str
    span: str
    start: int
    end: int
    confidence: float
    source: str = ""
    details: Details | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Detection:
        """The inverse of :meth:`to_dict`."""
        return cls(
            label=str(data["label"]),
            span=str(data.get("span", "")),
            start=int(data.get("start", 0)),
            end=int(data.get("end", 0)),
            confidence=float(data.get("confidence", 1.0)),
            source=str(data.get("source", "")),
            details=Details.from_dict(data["details"]) if isinstance(data.get("details"), dict) else None,
        )
