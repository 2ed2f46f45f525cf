"""The scenario format as plain, typed data (loaded and checked by :mod:`bot.scenarios.loader`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.language import feeling_families, known_feeling

DIFFICULTY_LEVELS: tuple[str, ...] = ("patient", "impatient", "angry")
REVEAL_KINDS: tuple[str, ...] = ("volunteered", "open", "high_gain")

#: Every reaction a customer can have, and so the line groups each scenario must provide.
REACTIONS: dict[str, str] = {
    "opening": "the customer's first words, before the trainee has said anything",
    "explain": "after a greeting: the customer explains the problem ({volunteered})",
    "no_greeting": "when the trainee skipped the greeting: annoyed, then explains ({volunteered})",
    "reveal": "answers an open question with a fact they had kept back ({fact})",
    "nothing_to_add": "an open question when every fact is already told",
    "dont_know": "asked for something none of their facts answers: an honest 'I don't know', committing to nothing",
    "feeling_heard": "the trainee restated their feeling; the customer softens",
    "fact_confirmed": "the trainee restated the facts; the customer confirms",
    "dismissed": "the trainee was rude, blaming or passed the buck",
    "overpromised": "the trainee promised something unrealistic ({promise})",
    "stalled": "the trainee said nothing useful; the customer gets impatient",
    "prompt_for_help": "the customer has told everything and asks what will be done",
    "option_heard": "reacts to the option the trainee offered ({offer})",
    "expectation_heard": "reacts to the time or outcome the trainee set ({expectation})",
    "accept": "agrees to the plan ({plan})",
    "not_yet": "not ready to agree yet ({reason})",
    "satisfied": "answers the satisfaction check",
    "thanked": "reacts to being thanked",
    "bridged": "answers 'anything else?'",
    "followed_up": "reacts to the promise of a follow-up ({follow_up})",
    "goodbye": "leaves, satisfied",
    "walk_out": "leaves angry, unresolved",
}

#: Reactions a scenario may give lines for; the engine has defaults (or, for call_me, stays formal).
OPTIONAL_REACTIONS: dict[str, str] = {
    "kept_waiting": "the trainee took longer to answer than this customer's patience allows",
    "call_me": "said once, on agreeing to the plan: the customer invites first-name terms",
    "opening_impatient": "the first words of an impatient customer (else `opening`)",
    "opening_angry": "the first words of an angry customer (else `opening`): no apology for interrupting",
    "already_told": "asked for a fact they have already given, they say it again ({fact})",
}

#: Placeholders a line may use, per reaction ({address_as} and {name} are always allowed).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "explain": frozenset({"volunteered"}),
    "no_greeting": frozenset({"volunteered"}),
    "reveal": frozenset({"fact"}),
    "already_told": frozenset({"fact"}),
    "overpromised": frozenset({"promise"}),
    "option_heard": frozenset({"offer"}),
    "expectation_heard": frozenset({"expectation"}),
    "accept": frozenset({"plan"}),
    "not_yet": frozenset({"reason"}),
    "followed_up": frozenset({"follow_up"}),
}
ALWAYS_ALLOWED: frozenset[str] = frozenset({"address_as", "name"})
#: How a placeholder is written in a line: {offer}, {fact:order_number}.
PLACEHOLDER = re.compile(r"\{([a-z_]+(?::[a-z0-9_]+)?)\}")


def names_feeling(line: str, feeling: str) -> bool:
    """True if a line names the feeling, by the feelings lexicon: 'rushed' is named by 'in a rush', 'frustrated' by
    'frustrating'."""
    family = known_feeling(feeling)
    return family is not None and family in feeling_families(line)


@dataclass(frozen=True)
class Persona:
    """Who the customer is and how they want to be addressed."""

    name: str
    address_as: str
    description: str


@dataclass(frozen=True)
class Fact:
    """Something the customer knows; `reveal` says what it takes to hear it."""

    id: str
    text: str
    reveal: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """A realistic option the business can offer."""

    id: str
    text: str


@dataclass(frozen=True)
class Difficulty:
    """How a level changes the customer (see docs/authoring-scenarios.md)."""

    start_frustration: int
    volunteer: int
    stall_penalty: int
    moves_to_accept: int
    patience_seconds: int


DEFAULT_DIFFICULTIES: dict[str, Difficulty] = {
    "patient": Difficulty(start_frustration=3, volunteer=3, stall_penalty=1, moves_to_accept=2, patience_seconds=180),
    "impatient": Difficulty(start_frustration=5, volunteer=2, stall_penalty=2, moves_to_accept=3, patience_seconds=90),
    "angry": Difficulty(start_frustration=7, volunteer=1, stall_penalty=2, moves_to_accept=4, patience_seconds=45),
}


@dataclass(frozen=True)
class Scenario:
    """One customer situation a trainee can practise on."""

    id: str
    title: str
    setting: str
    persona: Persona
    situation: str
    feelings: tuple[str, ...]
    need: str
    facts: tuple[Fact, ...]
    options: tuple[Option, ...]
    realistic_expectations: tuple[str, ...]
    overpromises: tuple[str, ...]
    difficulties: dict[str, Difficulty]
    lines: dict[str, tuple[str, ...]]
    aliases: tuple[str, ...] = ()
    source: str = ""

    def fact(self, fact_id: str) -> Fact:
        """The fact with this id (KeyError if there is none)."""
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    @property
    def first_name(self) -> str:
        """The persona's first name."""
        return self.persona.name.split()[0]

    def summary(self) -> dict[str, object]:
        """The short, JSON-ready description used by `scenarios list`."""
        return {"id": self.id, "title": self.title, "difficulties": list(self.difficulties)}
