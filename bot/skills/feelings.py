"""Feelings a customer expresses, grouped into families so a restatement can be matched to them."""

from __future__ import annotations

import re

#: family -> word stems and phrases that express it (matched at word starts, lower case; a trailing space marks a
#: whole word: "mad " is not the start of "made" or "Madrid").
FEELING_FAMILIES: dict[str, tuple[str, ...]] = {
    "frustrated": ("frustrat", "annoy", "irritat", "fed up", "sick of", "tired of", "upset", "angry", "anger", "mad ", "furious", "livid", "ridiculous", "unacceptable", "outrage", "exasperat", "aggravat", "cross ",
                   "fustrat", "frusterat", "aggrivat", "iritat", "anoyed"),  # common misspellings, as typed in chat
    "rushed": ("rush", "hurry", "pressed for time", "short on time", "in a hurry", "no time", "running late", "be late", "late for", "don't have all day", "pressure"),
    "ignored": ("ignor", "invisible", "overlooked", "forgotten about", "been forgotten", "feel forgotten", "forgotten me", "nobody told", "no one told", "nobody even", "no one even", "not listened", "not being heard", "unheard", "brushed off", "fobbed off"),
    "worried": ("worr", "anxious", "anxiety", "concern", "nervous", "stress", "scared", "afraid", "panick", "uneasy", "fear", "pressure"),  # "under a lot of pressure" is stress as much as haste
    "disappointed": ("disappoint", "dissapoint", "disapoint", "let down", "expected better", "expected more", "shame"),
    "confused": ("confus", "unsure", "don't understand", "doesn't make sense", "puzzl", "baffl", "i'm lost", "i am lost", "feel lost", "feeling lost"),
    "embarrassed": ("embarrass", "embaras", "humiliat", "awkward"),
    "sad": ("sad ", "sadden", "heartbroken", "gutted", "devastat", "miserable", "unhappy"),
    "exhausted": ("exhaust", "exaust", "tired", "worn out", "drained", "overwhelm"),
    "betrayed": ("betray", "cheated", "ripped off", "scam", "misled", "lied"),
    "helpless": ("helpless", "stuck", "stranded", "can't do anything", "powerless", "at a loss"),
}

_PATTERNS: dict[str, re.Pattern[str]] = {
    family: re.compile(
        r"(?<![a-z])(?:" + "|".join(re.escape(stem.strip()) + (r"(?![a-z])" if stem.endswith(" ") else "") for stem in stems) + r")",
        re.IGNORECASE,
    )
    for family, stems in FEELING_FAMILIES.items()
}


def feeling_families(text: str) -> set[str]:
    """The feeling families a text expresses or names."""
    return {family for family, pattern in _PATTERNS.items() if pattern.search(text)}
