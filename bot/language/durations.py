"""How long a wait a sentence names, in minutes: the numbers before each unit of time (data/language/durations.yml).

"It'll be ten to fifteen minutes" names 15 (a range counts as its longer end: that is what the customer hears),
"half an hour" 30, "an hour and a half" 90, "a couple of mins" 2. Dates and clock times ("by Friday", "at 6 pm")
name no wait. Reads tokens of a parse made once (bot.language.understand); parses nothing again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from bot.language.parse import DATA

#: a number token as the tokenizer leaves it: "20", "1.5", a range glued by an en dash ("20–25"), or glued to its
#: unit ("15mins"); the one shape that the words of durations.yml cannot list.
_DIGITS = re.compile(r"^(\d+(?:\.\d+)?)(?:[-–](\d+(?:\.\d+)?))?([a-z]*)$")
#: how far before a unit its number may start ("ten to fifteen more minutes": five words).
_REACH = 6


@dataclass(frozen=True)
class DurationWords:
    """The words of data/language/durations.yml."""

    units: dict[str, float]
    numbers: dict[str, float]
    fractions: dict[str, float]
    joins: frozenset[str]
    #: words that stand for one before a unit ("an hour") and add nothing before a number ("a couple").
    articles: frozenset[str]
    #: words after a unit that add a share of it: "an hour and a half" -> ("and", "a", "half"): 0.5.
    added_after: dict[tuple[str, ...], float]


@lru_cache(maxsize=1)
def duration_words() -> DurationWords:
    """Read once per process."""
    spec = yaml.safe_load((DATA / "durations.yml").read_text(encoding="utf-8")) or {}
    return DurationWords({str(k): float(v) for k, v in spec.get("units", {}).items()},
                         {str(k): float(v) for k, v in spec.get("numbers", {}).items()},
                         {str(k): float(v) for k, v in spec.get("fractions", {}).items()},
                         frozenset(str(w) for w in spec.get("joins", [])),
                         frozenset(str(w) for w in spec.get("articles", [])),
                         {tuple(str(k).split()): float(v) for k, v in spec.get("added_after", {}).items()})


def _numbers(words: Sequence[str], lexicon: DurationWords) -> list[float]:
    """The numbers said just before a unit, nearest first: ["ten", "to", "fifteen"] -> [15, 10]; "half an" -> [0.5];
    "three quarters of an" -> [0.75]; "twenty five" -> [25]."""
    found: list[tuple[float, str]] = []  # (value, what said it: "article", "fraction", "number")
    for word in reversed(words):
        digits = _DIGITS.match(word)
        if digits and not digits.group(3):
            found.extend((float(d), "number") for d in (digits.group(2), digits.group(1)) if d)
        elif word in lexicon.articles:
            if not found:
                found.append((1.0, "article"))  # "an hour"; "a couple", "a quarter": the article adds nothing
        elif word in lexicon.fractions:
            value = lexicon.fractions[word]
            if found and found[-1][1] == "article":
                found[-1] = (value, "fraction")  # "half an hour"
            else:
                found.append((value, "fraction"))
        elif word in lexicon.numbers:
            value = lexicon.numbers[word]
            if found and found[-1][1] == "fraction":
                found[-1] = (value * found[-1][0], "number")  # "three quarters of an hour"
            elif found and found[-1][1] == "number" and value >= 20 and found[-1][0] < 10:
                found[-1] = (value + found[-1][0], "number")  # "twenty five"
            else:
                found.append((value, "number"))
        elif word not in lexicon.joins:
            break
    return [value for value, _ in found]


def minutes_named(tokens: Sequence[Any]) -> tuple[tuple[int, float], ...]:
    """Every wait the tokens name: (where its unit of time starts in the text, how many minutes), in order."""
    lexicon = duration_words()
    lowers = [t.lower_ for t in tokens]
    out: list[tuple[int, float]] = []
    for at, word in enumerate(lowers):
        glued = _DIGITS.match(word)  # "15mins", "20min"
        if glued and glued.group(3) in lexicon.units:
            out.append((tokens[at].idx, float(glued.group(2) or glued.group(1)) * lexicon.units[glued.group(3)]))
            continue
        if word not in lexicon.units:
            continue
        numbers = _numbers(lowers[max(0, at - _REACH) : at], lexicon)
        if not numbers:
            continue
        share = next((v for words, v in lexicon.added_after.items() if tuple(lowers[at + 1 : at + 1 + len(words)]) == words), 0.0)
        out.append((tokens[at].idx, (max(numbers) + share) * lexicon.units[word]))
    return tuple(out)
