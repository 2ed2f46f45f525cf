"""The one registry of the cycle's skills (see docs/skills.md): each label's stage, name and scoring; and the
detection record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

STAGES: tuple[str, ...] = ("receiving", "understanding", "helping", "keeping")


@dataclass(frozen=True)
class Skill:
    """Everything known about one skill label: its stage, its plain-language name and how it scores."""

    label: str
    #: the stage of the customer interaction cycle it belongs to ("any" for both-ways labels).
    stage: str
    #: the plain-language name, as a coach would say it.
    name: str
    #: the most it earns in the rubric (0 for labels that earn none); 100 over all skills.
    points: int = 0
    #: points per use, when several uses earn up to :attr:`points` (None: one use earns them all).
    per_use: int | None = None
    #: points lost each time it happens (None: never penalised).
    penalty: int | None = None
    #: the only stages of the visit in which it counts (empty: any stage).
    counts_only_in: frozenset[str] = frozenset()
    #: what a weaker use earns instead of :attr:`points`: a greeting after the first line, or one that only says hello.
    partial: int | None = None


#: Keeping skills count only at the close of the visit: "thanks for waiting" in the greeting is receiving.
_CLOSE = frozenset({"helping", "keeping"})

#: The registry, in the cycle's order; within a stage, the rubric's order.
SKILLS: dict[str, Skill] = {s.label: s for s in (
    Skill("greet_acknowledge", "receiving", "Greeting and acknowledging", points=15, partial=5),
    Skill("open_question", "understanding", "Open-ended questions", points=10, per_use=5),
    Skill("factual_question", "understanding", "Factual questions"),
    Skill("high_gain_question", "understanding", "High-gain questions", points=5),
    Skill("closed_question", "any", "Closed questions"),
    Skill("restate_feeling", "understanding", "Restating feelings", points=12),
    Skill("restate_fact", "understanding", "Restating facts", points=8),
    Skill("offer_options", "helping", "Offering options", points=10),
    Skill("set_expectation", "helping", "Setting realistic expectations", points=12),
    Skill("overpromise", "helping", "Over-promising", penalty=6),
    Skill("seek_agreement", "helping", "Seeking agreement", points=8),
    Skill("check_satisfaction", "keeping", "Checking satisfaction", points=8, counts_only_in=_CLOSE),
    Skill("thank", "keeping", "Thanking", points=6, counts_only_in=_CLOSE),
    Skill("bridge", "keeping", "Bridging", points=3, counts_only_in=_CLOSE),
    Skill("follow_up", "keeping", "Following up", points=3, counts_only_in=_CLOSE),
    Skill("dismissive", "any", "Dismissive remarks", penalty=10),
)}
LABELS: tuple[str, ...] = tuple(SKILLS)


def scored_skills(stage: str | None = None) -> tuple[Skill, ...]:
    """The skills that earn points, in the rubric's order (stage by stage); only one stage's if given."""
    stages = STAGES if stage is None else (stage,)
    return tuple(s for st in stages for s in SKILLS.values() if s.stage == st and s.points > 0)


def rubric() -> dict[str, tuple[Skill, ...]]:
    """Stage -> the skills that earn points there, in order; each stage's maximum is the sum of their points."""
    return {stage: scored_skills(stage) for stage in STAGES}


def skill_names() -> dict[str, str]:
    """Label -> plain-language name (for templates, which look names up by label)."""
    return {label: s.name for label, s in SKILLS.items()}


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
    #: the time or date it names, with the words that belong to it ("within fifteen minutes", "3 to 5 working days").
    time: str = ""
    #: how long a wait that time is, in minutes ("within fifteen minutes": 15); None for a date or a clock time.
    minutes: float | None = None
    #: what the speaker commits to doing, each as the customer says it back ("remake my coffee", "sit me at the bar").
    said_back: tuple[str, ...] = ()
    #: a feeling named back: its family and whose it is ("listener", "situation").
    feeling: str = ""
    whose: str = ""
    #: the customer's facts (content words) a restatement says back.
    restated: tuple[str, ...] = ()
    #: a greeting that is a salutation only ("Hi. Name?"): no welcome, no thanks or apology, no offer of help.
    salutation_only: bool = False
    #: a question of which they would like ("What would you like to do?"): after options, it asks them to choose.
    asks_to_choose: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Details:
        """The inverse of dataclasses.asdict."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("options", "timed", "restated", "said_back"):
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
