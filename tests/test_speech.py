"""Tidying spoken text before parsing: plain strings, no models."""

from __future__ import annotations

import pytest

from bot.language.text import tidy


@pytest.mark.parametrize(("text", "kept"), [
    ("how-how is it going", "how is it going"),
    ("I-I can understand that", "I can understand that"),
    ("what's- what sorts of things", "what sorts of things"),
    ("Okay. [laughs] Tell me more.", "Okay. Tell me more."),
    ("so, um, the the bag", "so, the bag"),
    ("Who's-who's-- What's your name?", "What's your name?"),
    ("-and what are your top five?", "and what are your top five?"),
    ("I’m sure you’ve tried", "I'm sure you've tried"),
])
def test_stutters_false_starts_hesitations_and_stage_notes_are_blanked(text: str, kept: str) -> None:
    tidied = tidy(text)
    assert len(tidied) == len(text), "offsets into the tidied text are offsets into the original"
    assert " ".join(tidied.split()) == kept


@pytest.mark.parametrize("text", [
    "It's a well-known problem.",
    "I know that that is annoying.",
    "The bag—the blue one—arrived.",
    "We had had enough.",
    "Please call 0800-123-456.",
    "It costs -5 degrees outside, a -3 dB drop.",
])
def test_ordinary_writing_is_left_alone(text: str) -> None:
    assert tidy(text) == text
