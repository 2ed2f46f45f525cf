"""Wording rules as spaCy token patterns, kept as data (data/language/wording.yml, offers.yml), each file built once.

A rule is one named set of patterns. A pattern is a spaCy Matcher token pattern
(https://spacy.io/usage/rule-based-matching), or a phrase, matched word by word on its lower-case form
("let me make sure"). A group of a rule's patterns may be anchored to the sentence:

    at: start   the match opens it (after punctuation, and after the words of the rule named by `after`)
    at: end     nothing but punctuation follows the match
    at: alone   both

A phrase's words are glued as in the phrase ("you're" is not "you re"), and a match never ends on a word that
"n't" is glued to: "should" is not in "shouldn't". Blanks that tidying left (bot.language.text.tidy: "the the
wait") are read across, as if they were not there. Rules read tokens of a parse made once; they parse nothing
again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.language.parse import DATA, nlp

_ANCHORS = frozenset({"anywhere", "start", "end", "alone"})
_GROUP_KEYS = frozenset({"phrases", "patterns", "at", "after"})
#: the negation glued to the word before it ("shouldn't", "couldnt"), which makes that word another one.
_NOT = frozenset({"n't", "nt"})


@dataclass(frozen=True)
class Group:
    """Some patterns of one rule, with where in the sentence they must match."""

    rule: str
    at: str = "anywhere"
    #: a rule whose words may come first, for a match `at` the start ("OK, so you…": "OK, so" before "you").
    after: str | None = None


@dataclass(frozen=True)
class Found:
    """What the rules of one file found in one sentence: each rule's matches, as token offsets within it."""

    tokens: Any
    matches: dict[str, tuple[tuple[int, int], ...]]

    def has(self, rule: str) -> bool:
        """Whether the rule matched (a rule the file does not have is an error, not a miss)."""
        return bool(self.matches[rule])

    def spans(self, rule: str) -> list[Any]:
        """The rule's matches as spaCy spans, leftmost first."""
        return [self.tokens[start:end] for start, end in self.matches[rule]]


@dataclass(frozen=True)
class Rules:
    """The rules of one data file, built on the model's vocabulary: phrases in a PhraseMatcher (on LOWER), token
    patterns in a Matcher, each key standing for one group of one rule."""

    phrases: Any
    matcher: Any
    groups: dict[str, Group]
    #: a phrase's key -> whether each of its words but the last has a blank after it ("you're" is glued).
    glue: dict[str, tuple[bool, ...]]
    names: tuple[str, ...]

    def find(self, tokens: Any) -> Found:
        """Every rule's matches in a Doc or Span."""
        words, at = _without_blanks(tokens)
        raw = self._raw(words)
        blank = [t.is_punct for t in words]
        negated = {i for i in range(1, len(words)) if words[i].lower_ in _NOT and not words[i - 1].whitespace_}
        openings: dict[str | None, set[int]] = {}
        found: dict[str, set[tuple[int, int]]] = {name: set() for name in self.names}
        for key, spans in raw.items():
            group = self.groups[key]
            if group.at in {"start", "alone"} and group.after not in openings:
                openings[group.after] = _openings(blank, self._unanchored(raw, group.after))
            for start, end in spans:
                if group.at in {"start", "alone"} and start not in openings[group.after]:
                    continue
                if (group.at in {"end", "alone"} and not all(blank[end:])) or end in negated:
                    continue
                found[group.rule].add((at[start], at[end - 1] + 1))
        return Found(tokens, {name: tuple(sorted(spans)) for name, spans in found.items()})

    def _raw(self, words: Any) -> dict[str, list[tuple[int, int]]]:
        """Every key's matches in the words, before anchors (offsets within them); phrases only where glued as written."""
        base = getattr(words, "start", 0)  # a Span's matches come at their place in its Doc
        raw: dict[str, list[tuple[int, int]]] = {}
        for span in [*self.phrases(words, as_spans=True), *self.matcher(words, as_spans=True)]:
            glue = self.glue.get(span.label_)
            if glue is None or all(bool(t.whitespace_) == g for t, g in zip(span, glue, strict=False)):
                raw.setdefault(span.label_, []).append((span.start - base, span.end - base))
        return raw

    def _unanchored(self, raw: dict[str, list[tuple[int, int]]], rule: str | None) -> list[tuple[int, int]]:
        """The matches of a rule's unanchored groups (the words that may open a sentence before another rule's)."""
        return [span for key, spans in raw.items() if self.groups[key].rule == rule and self.groups[key].at == "anywhere"
                for span in spans]


def _without_blanks(tokens: Any) -> tuple[Any, list[int]]:
    """The tokens without the blanks tidying left ("sorry for     the wait"), and where each one kept stands in them.
    Most sentences have none, and are read as they are."""
    kept = [i for i, t in enumerate(tokens) if not t.is_space]
    if len(kept) == len(tokens):
        return tokens, kept
    from spacy.tokens import Doc

    doc = tokens.doc  # a Doc's own .doc is itself
    words = [tokens[i] for i in kept]
    spaces = [bool(t.whitespace_) or (t.i + 1 < len(doc) and doc[t.i + 1].is_space) for t in words]
    annotations: dict[str, Any] = {}
    for attr, name, of in (("LEMMA", "lemmas", "lemma_"), ("POS", "pos", "pos_"), ("TAG", "tags", "tag_")):
        if doc.has_annotation(attr):
            annotations[name] = [getattr(t, of) for t in words]
    return Doc(doc.vocab, words=[t.text for t in words], spaces=spaces, **annotations), kept


def _openings(blank: Sequence[bool], before: Iterable[tuple[int, int]]) -> set[int]:
    """Where a match at the start may begin: after punctuation, and after any run of the `before` words."""
    ends: dict[int, set[int]] = {}
    for start, end in before:
        ends.setdefault(start, set()).add(end)
    reached = {0}
    for i in range(len(blank)):
        if i in reached:
            if blank[i]:
                reached.add(i + 1)
            reached |= ends.get(i, set())
    return reached


def load_rules(path: Path) -> Rules:
    """Read a file of named rules: each a group of `phrases` and `patterns` (with `at`, `after`), or a list of groups."""
    from spacy.matcher import Matcher, PhraseMatcher

    model = nlp()
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    phrases, matcher = PhraseMatcher(model.vocab, attr="LOWER"), Matcher(model.vocab)
    groups: dict[str, Group] = {}
    glue: dict[str, tuple[bool, ...]] = {}
    for name, rule in spec.items():
        for index, item in enumerate(rule if isinstance(rule, list) else [rule]):
            unknown = set(item) - _GROUP_KEYS
            if unknown or item.get("at", "anywhere") not in _ANCHORS or item.get("after") not in {None, *spec}:
                raise ValueError(f"{path.name}: rule {name!r} has a group it cannot read: {sorted(unknown) or item}")
            group = Group(str(name), str(item.get("at", "anywhere")), item.get("after"))
            for number, phrase in enumerate(item.get("phrases", [])):
                if not isinstance(phrase, str):  # YAML reads a bare yes, no, on or off as a truth value
                    raise ValueError(f"{path.name}: rule {name!r}: the phrase {phrase!r} is no text; quote it")
                key, doc = f"{name}#{index}:{number}", model.make_doc(phrase)
                phrases.add(key, [doc])
                groups[key], glue[key] = group, tuple(bool(t.whitespace_) for t in doc[:-1])
            if item.get("patterns"):
                matcher.add(f"{name}#{index}", [list(p) for p in item["patterns"]])
                groups[f"{name}#{index}"] = group
    return Rules(phrases, matcher, groups, glue, tuple(str(name) for name in spec))


@lru_cache(maxsize=1)
def wording_rules() -> Rules:
    """The detector's wording rules (data/language/wording.yml), built once."""
    return load_rules(DATA / "wording.yml")


@lru_cache(maxsize=1)
def offer_rules() -> Rules:
    """The words by which an offer is said back (data/language/offers.yml), built once."""
    return load_rules(DATA / "offers.yml")


@lru_cache(maxsize=512)
def wording(span: Any) -> Found:
    """The wording rules found in one sentence's tokens (found once per sentence, however many rules ask)."""
    return wording_rules().find(span)
