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
class Detection:
    """One skill found in a trainee's message: the label, the evidence span and a confidence."""

    label: str
    span: str
    start: int
    end: int
    confidence: float

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
        )
