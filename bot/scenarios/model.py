"""The scenario format as plain, typed data (loaded and checked by :mod:`bot.scenarios.loader`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.language import feeling_families, known_feeling

DIFFICULTY_LEVELS: tuple[str, ...] = ("patient", "impatient", "angry")
REVEAL_KINDS: tuple[str, ...] = ("volunteered", "open", "high_gain")

#: Placeholders every line may use (each reaction's own: bot.scenarios.reactions).
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
    #: the longest further wait they take without pushing back, in minutes (0: any). A scenario where the customer
    #: is waiting in person declares it; a refund in five working days is no wait at the counter.
    longest_wait_minutes: int = 0


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
