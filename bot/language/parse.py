"""The spaCy pipeline and the matchers built from data/language/, each loaded once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data" / "language"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def nlp() -> Any:
    """The spaCy pipeline (en_core_web_sm 3.8 by default), loaded once per process."""
    with _lock:
        import spacy

        from bot.settings import get_settings

        model = spacy.load(get_settings().spacy_model)
        _add_chat_spellings(model)
        return model


@lru_cache(maxsize=1)
def chat_spellings() -> dict[str, str]:
    """data/language/chat_spellings.yml: each chat spelling, lower-case, and the word it stands for."""
    spellings = yaml.safe_load((DATA / "chat_spellings.yml").read_text(encoding="utf-8")) or {}
    return {str(spelling).lower(): str(word) for spelling, word in spellings.items()}


def spelled_out(token: Any) -> str:
    """A token as the customer would write it: 'tonite' as 'tonight', 'ur' as 'your'; any other word as it is."""
    return chat_spellings().get(token.lower_, token.text)


def written(token: Any) -> str:
    """A token's word in lower case with its chat spelling written out: 'wat' as 'what', 'u' as 'you'."""
    return spelled_out(token).lower()


def _add_chat_spellings(model: Any) -> None:
    """data/language/chat_spellings.yml as tokenizer special cases: 'ur' read as 'your', its text kept."""
    for spelling, word in chat_spellings().items():
        for form in {str(spelling), str(spelling).capitalize(), str(spelling).upper()}:
            model.tokenizer.add_special_case(form, [{"ORTH": form, "NORM": str(word)}])


@dataclass(frozen=True)
class LexiconEntry:
    """One feeling word or phrase, with the constraints that keep its false friends out."""

    family: str
    words: str
    exact: bool = False
    pos: frozenset[str] = frozenset()
    #: dependency roles that admit the word whatever its part of speech ("I'd be cross too": cross tagged a verb).
    dep: frozenset[str] = frozenset()
    not_dep: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lexicon:
    """The feeling families of data/language/feelings.yml."""

    entries: tuple[LexiconEntry, ...]
    polarity: dict[str, str]
    #: families that fit any complaint, named or not ("I'd be furious too" to "nobody came all day").
    fits_complaint: frozenset[str] = frozenset()
    #: family -> its kinships: families of one kin fit each other ("gutted" restates "annoyed": both upset).
    kin: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def families(self) -> tuple[str, ...]:
        """Every family, in the file's order."""
        return tuple(self.polarity)


def load_lexicon(path: Path = DATA / "feelings.yml") -> Lexicon:
    """Read the feeling lexicon."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries: list[LexiconEntry] = []
    polarity: dict[str, str] = {}
    fits: set[str] = set()
    kin: dict[str, tuple[str, ...]] = {}
    for family, spec in (data.get("families") or {}).items():
        polarity[str(family)] = str(spec.get("polarity", "negative"))
        if spec.get("fits_complaint"):
            fits.add(str(family))
        kin[str(family)] = tuple(str(k) for k in spec.get("kin", ()))
        for item in spec.get("words", []):
            if isinstance(item, str):
                entries.append(LexiconEntry(str(family), item.lower()))
            else:
                entries.append(LexiconEntry(str(family), str(item["lower"]).lower(), exact=True,
                                            pos=frozenset(item.get("pos", ())), dep=frozenset(item.get("dep", ())), not_dep=frozenset(item.get("not_dep", ()))))
    return Lexicon(tuple(entries), polarity, frozenset(fits), kin)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The feeling lexicon, read once."""
    return load_lexicon()


@lru_cache(maxsize=1)
def feeling_words() -> frozenset[str]:
    """The lexicon's one-word entries: words that name a feeling, not a fact to restate."""
    return frozenset(e.words for e in lexicon().entries if " " not in e.words)


@lru_cache(maxsize=1)
def promise_verbs() -> frozenset[str]:
    """The lemmas of data/language/promises.yml: verbs by which a speaker promises outright."""
    spec = yaml.safe_load((DATA / "promises.yml").read_text(encoding="utf-8")) or {}
    return frozenset(str(w).lower() for w in spec.get("promise_verbs", []))


@lru_cache(maxsize=1)
def checking_verbs() -> frozenset[str]:
    """The lemmas of data/language/promises.yml by which a speaker commits only to finding out."""
    spec = yaml.safe_load((DATA / "promises.yml").read_text(encoding="utf-8")) or {}
    return frozenset(str(w).lower() for w in spec.get("checking_verbs", []))


@dataclass(frozen=True)
class Matchers:
    """The PhraseMatchers for feelings (on lemmas and on lower-case forms) and the Matcher for times and amounts."""

    lemma: Any
    lower: Any
    times: Any
    lexicon: Lexicon


@lru_cache(maxsize=1)
def matchers() -> Matchers:
    """Built once per process from data/language/."""
    from spacy.matcher import Matcher, PhraseMatcher

    model = nlp()
    words = lexicon()
    lemma = PhraseMatcher(model.vocab, attr="LEMMA")
    lower = PhraseMatcher(model.vocab, attr="LOWER")
    by_lemma = [(index, entry) for index, entry in enumerate(words.entries) if not entry.exact]
    lemmatised = model.pipe([entry.words for _, entry in by_lemma], disable=["parser", "ner"])
    for (index, _), doc in zip(by_lemma, lemmatised, strict=True):
        lemma.add(f"feeling:{index}", [doc])
    for index, entry in enumerate(words.entries):
        lower.add(f"feeling:{index}", [model.make_doc(entry.words)])
    times = Matcher(model.vocab)
    spec = yaml.safe_load((DATA / "times.yml").read_text(encoding="utf-8")) or {}
    for kind in ("time", "vague", "amount"):
        times.add(kind, spec.get(kind, []))
    return Matchers(lemma, lower, times, words)
