"""The customer's side of one step: the state of a practice session, and the reply being put together."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from bot.language import mid_sentence, sentence_case
from bot.language.text import echoes, plain_sentences
from bot.scenarios.model import PLACEHOLDER, Scenario, names_feeling
from bot.scenarios.reactions import REACTIONS, acknowledgements

WALK_OUT_AT = 10
MAX_FRAGMENTS = 3

#: mood names by frustration (0..10), as shown to the trainee.
MOODS: tuple[tuple[int, str], ...] = ((2, "calm"), (4, "uneasy"), (6, "annoyed"), (8, "frustrated"), (10, "angry"))

_REPEAT_PREFIXES = ("Look, ", "Again, ", "Like I said, ", "Honestly, ")


@dataclass
class PracticeState:
    """Where a practice session stands; JSON-ready through :meth:`to_dict`."""

    scenario_id: str
    difficulty: str
    seed: int
    stage: str = "receiving"
    frustration: int = 0
    turn: int = 0
    told: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)
    feelings_expressed: list[str] = field(default_factory=list)
    moves_made: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    expectations: list[str] = field(default_factory=list)
    promises: list[str] = field(default_factory=list)
    #: how many times they refused a wait as too long (bot.scenarios.engine).
    waits_refused: int = 0
    agreed: bool = False
    checked: bool = False
    thanked: bool = False
    bridged: bool = False
    followed_up: bool = False
    keeping_turns: int = 0
    #: whether the trainee's last line moved nothing (a second such line in a row costs the full stall penalty).
    stalled_last: bool = False
    first_name: bool = False
    used_lines: list[str] = field(default_factory=list)
    outcome: str | None = None
    nps: int | None = None

    @property
    def ended(self) -> bool:
        """True once the customer has left or the trainee ended the session."""
        return self.outcome is not None

    @property
    def moves(self) -> int:
        """How many distinct skilful moves the trainee has made."""
        return len(self.moves_made)

    @property
    def mood(self) -> str:
        """The customer's mood, in words."""
        return mood_for(self.frustration)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (stored in a Rasa slot between messages)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PracticeState:
        """Rebuild a state from :meth:`to_dict`, ignoring unknown keys."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class CustomerReply:
    """What the customer says back, and what changed."""

    text: str
    reactions: tuple[str, ...]
    stage: str
    mood: str
    frustration: int
    outcome: str | None = None
    nps: int | None = None
    told: tuple[str, ...] = ()
    feelings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


def mood_for(frustration: int) -> str:
    """The mood word for a frustration level."""
    for limit, name in MOODS:
        if frustration <= limit:
            return name
    return MOODS[-1][1]


class Turn:
    """The customer's reply being put together during one step."""

    def __init__(self, scenario: Scenario, state: PracticeState, heard: str = "") -> None:
        self.scenario = scenario
        self.state = state
        #: the trainee's line being answered: the reply says back its gist, never five of its words in a row.
        self.heard = heard
        self.reactions: list[str] = []
        self.parts: list[str] = []
        self.told: list[str] = []
        self.feelings: list[str] = []
        self.progress = False
        self.rng = random.Random(f"{state.seed}:{state.turn}")

    def frustrate(self, amount: int) -> None:
        self.state.frustration = max(0, min(WALK_OUT_AT + 1, self.state.frustration + amount))

    def move(self, name: str) -> None:
        """Count a skilful move once (asking the same thing twice is not a second move)."""
        self.progress = True
        if name not in self.state.moves_made:
            self.state.moves_made.append(name)

    def say(self, reaction: str, **values: str) -> None:
        if reaction in self.reactions:
            return
        self.reactions.append(reaction)
        if reaction in ("explain", "no_greeting"):
            facts = [self.scenario.fact(fid) for fid in self.scenario_volunteered_now()]
            self.told.extend(f.id for f in facts)
            self.state.told.extend(f.id for f in facts)
            values["volunteered"] = _join([f.text for f in facts])
        values.setdefault("address_as", self.scenario.persona.address_as)
        values.setdefault("name", self.scenario.persona.name)

        def rendered(line: str) -> str:
            return PLACEHOLDER.sub(lambda m: self._value(m.group(1), values), line)

        text = rendered(self._choose(reaction, lambda line: not echoes(self.heard, rendered(line))))
        for feeling in self.scenario.feelings:
            if names_feeling(text, feeling) and feeling not in self.feelings:
                self.feelings.append(feeling)
                if feeling not in self.state.feelings_expressed:
                    self.state.feelings_expressed.append(feeling)
        self.parts.append(text)

    def unsay(self, reaction: str) -> None:
        """Take back a reaction already put into this reply (a later one says the same thing)."""
        if reaction in self.reactions:
            at = self.reactions.index(reaction)
            del self.reactions[at], self.parts[at]

    def scenario_volunteered_now(self) -> list[str]:
        volunteered = [f.id for f in self.scenario.facts if f.reveal == "volunteered"]
        return [fid for fid in volunteered if fid not in self.state.held_back and fid not in self.state.told]

    def _value(self, name: str, values: dict[str, str]) -> str:
        if name.startswith("fact:"):
            return self.scenario.fact(name[5:]).text
        return mid_sentence(values.get(name, ""))

    def _choose(self, reaction: str, natural: Callable[[str], bool]) -> str:
        """One of the reaction's phrasings not said yet, preferring one that is `natural` (does not parrot)."""
        variant = f"{reaction}_{self.state.difficulty}"  # "explain_angry": how this customer says it, if declared
        named = variant if variant in REACTIONS and self.scenario.lines.get(variant) else reaction
        own = [(f"{named}:{i}", line) for i, line in enumerate(self.scenario.lines.get(named, ()))]
        spare = [(f"{reaction}:fallback:{i}", line) for i, line in enumerate(REACTIONS[reaction].fallback)]
        for pool in (own, spare):
            unused = [(key, line) for key, line in pool if key not in self.state.used_lines]
            if unused:
                key, line = self.rng.choice([(k, v) for k, v in unused if natural(v)] or unused)
                self.state.used_lines.append(key)
                return line
        # Every variant has been said: vary the wording rather than repeat it verbatim.
        key, line = self.rng.choice(own or spare)
        count = sum(1 for used in self.state.used_lines if used.startswith(f"{key}#"))
        self.state.used_lines.append(f"{key}#{count + 1}")
        prefix = _REPEAT_PREFIXES[count % len(_REPEAT_PREFIXES)] * (1 + count // len(_REPEAT_PREFIXES))
        return prefix + line[0].lower() + line[1:]

    def reply(self) -> CustomerReply:
        text = sentence_case(" ".join(composed(self.reactions, self.parts)))
        state = self.state
        return CustomerReply(
            text=text,
            reactions=tuple(self.reactions),
            stage=state.stage,
            mood=state.mood,
            frustration=state.frustration,
            outcome=state.outcome,
            nps=state.nps,
            told=tuple(self.told),
            feelings=tuple(self.feelings),
        )


#: reactions that acknowledge (a yes, a thanks): one reply says one of them, the most telling, not a stack.
ACKNOWLEDGING: tuple[str, ...] = acknowledgements()
#: the most words of an acknowledgement joined into the goodbye that follows it ("Yes, all sorted, thanks. Bye!").
SHORT_PART = 6


def composed(reactions: Sequence[str], parts: Sequence[str]) -> list[str]:
    """The parts of one reply in speaking order, as one utterance: one acknowledgement (the most telling), no
    sentence said twice, at most MAX_FRAGMENTS parts, a short acknowledgement run into the goodbye after it."""
    order = {name: i for i, name in enumerate(REACTIONS)}
    pairs = sorted(zip(reactions, parts, strict=False), key=lambda p: order.get(p[0], 99))
    acknowledged = [r for r in ACKNOWLEDGING if r in reactions][:1]
    pairs = [(r, p) for r, p in pairs if r not in ACKNOWLEDGING or r in acknowledged]
    if len(pairs) > 1:  # "Okay, go on" only fills a reply that says nothing else
        pairs = [(r, p) for r, p in pairs if r != "listening"]
    if len(pairs) > MAX_FRAGMENTS:
        pairs = pairs[: MAX_FRAGMENTS - 1] + pairs[-1:]
    out: list[str] = []
    said: set[str] = set()
    for reaction, part in pairs:
        sentences = [s for s in plain_sentences(part) if s.lower() not in said]
        said |= {s.lower() for s in sentences}
        text = " ".join(sentences)
        if reaction == "goodbye" and out and acknowledged and len(out[-1].split()) <= SHORT_PART and out[-1].endswith("."):
            out[-1] = f"{out[-1][:-1]}, {mid_sentence(text)}"
        elif text:
            out.append(text)
    return out




def _join(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + ", and " + items[-1]
