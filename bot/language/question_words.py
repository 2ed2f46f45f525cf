"""The lexicons of data/language/questions.yml and the slice of spaCy's Token that the question readers use."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import yaml

from bot.settings import PROJECT_ROOT

QUESTION_WORDS = PROJECT_ROOT / "data" / "language" / "questions.yml"


class Token(Protocol):
    """The slice of spaCy's Token that the question readers read."""

    text: str
    lower_: str
    #: the word it stands for: "you" for "u" (data/language/chat_spellings.yml), else the lower-case form
    norm_: str
    lemma_: str
    pos_: str
    tag_: str
    dep_: str
    is_punct: bool
    i: int

    @property
    def head(self) -> Token:
        """The token this one depends on."""

    @property
    def children(self) -> Iterator[Token]:
        """The tokens that depend on this one."""


@dataclass(frozen=True)
class QuestionWords:
    """One frozen set of lower-case words or lemmas per list of data/language/questions.yml."""

    leading_fillers: frozenset[str]
    fact_nouns: frozenset[str]
    account_nouns: frozenset[str]
    how_factual: frozenset[str]
    high_gain_words: frozenset[str]
    wishing_words: frozenset[str]
    prompt_verbs: frozenset[str]
    taking_verbs: frozenset[str]
    asked_facts: frozenset[str]
    fragment_facts: frozenset[str]
    choice_next: frozenset[str]
    preference: frozenset[str]
    interest_words: frozenset[str]


@lru_cache(maxsize=1)
def question_words() -> QuestionWords:
    """data/language/questions.yml, read once per process."""
    spec = yaml.safe_load(QUESTION_WORDS.read_text(encoding="utf-8")) or {}
    return QuestionWords(**{name: frozenset(str(w).lower() for w in spec.get(name, []))
                            for name in QuestionWords.__dataclass_fields__})
