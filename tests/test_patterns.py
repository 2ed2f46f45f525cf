"""Wording rules as spaCy token patterns kept as data (bot.language.patterns, data/language/wording.yml, offers.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.language import understand
from bot.language.patterns import load_rules, offer_rules, wording, wording_rules

pytestmark = pytest.mark.models


def _has(rule: str, text: str) -> bool:
    return wording(understand(text).sentences[0].span).has(rule)


def test_the_rule_files_load_and_an_unknown_rule_is_an_error() -> None:
    assert "reflective_frame" in wording_rules().names and "leading_modal" in offer_rules().names
    with pytest.raises(KeyError):
        _has("no_such_rule", "Hello.")


@pytest.mark.parametrize(("rule", "text", "found"), [
    ("greeting", "Hi there, how can I help?", True),
    ("greeting", "I said hi to the courier.", False),  # a greeting opens the sentence
    ("summing_up", "I see, so it was a present.", True),
    ("summing_up", "Right, so what do you want me to do?", False),
    ("dismissive", "Whatever.", True),
    ("dismissive", "Whatever you need, just ask.", False),
    ("dismissive", "Sorry, there's nothing I can do about it.", True),
    ("dismissive", "There's nothing I can do about it today, but tomorrow I can.", False),
    ("reflective_frame", "OK, so you ordered it on Monday.", True),
    ("reflective_frame", "Did you order it on Monday?", False),
])
def test_a_group_can_be_anchored_to_the_start_the_end_or_both(rule: str, text: str, found: bool) -> None:
    assert _has(rule, text) is found


def test_a_phrase_is_glued_as_written_and_a_word_is_not_its_negative() -> None:
    assert _has("further", "Anything else while you're here?")
    assert not _has("further", "I'll stay on while you re-authorise it.")  # "you re-" is no "you're"
    assert _has("hypothetical", "What would a good outcome look like?")
    assert not _has("hypothetical", "What happened when it wouldn't start?")  # "wouldn't" is not "would"
    assert _has("thanks", "Thank you   for waiting.")  # read across the blanks tidying leaves
    assert _has("acknowledges_wait", "So sorry for the the wait.")


def test_a_lemma_pattern_finds_every_form(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text("refunds:\n  patterns:\n    - [{LEMMA: refund, POS: VERB}]\n", encoding="utf-8")
    rules = load_rules(path)
    assert rules.find(understand("We're refunding it today.").sentences[0].span).has("refunds")


def test_a_bare_yes_in_a_rule_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text("answers:\n  phrases: [yes, no]\n", encoding="utf-8")  # YAML reads these as truth values
    with pytest.raises(ValueError, match="quote it"):
        load_rules(path)
