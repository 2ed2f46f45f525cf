"""Tidy spoken or hurried text before parsing, keeping every character where it was.

Transcribed speech and fast typing carry stutters ("how-how is it"), false starts ("what's- what
sorts"), dashes carried over from an interrupted line ("-and then"), doubled words ("the the") and
stage notes ("[laughs]"). They confuse the parser, so they are blanked out with spaces of the same
length: offsets into the tidied text are offsets into the original, and the evidence quoted on a
scorecard stays the trainee's own words.
"""

from __future__ import annotations

import re

#: "how-how", "I-I", "how'd-how'd", "you-you-you": a word repeated across hyphens or dashes.
_STUTTER = re.compile(r"\b([A-Za-z][\w']*)(?:\s*[-–—]+\s*)(?=\1\b)", re.IGNORECASE)
#: "the the", "so so": a word said twice in a row ("that that" and "had had" can be grammatical).
_DOUBLED = re.compile(r"\b(?!(?:that|had|very|so|really|no|yes|bye)\b)([A-Za-z][\w']*)\s+(?=\1\b)", re.IGNORECASE)
#: "what's- what sorts", "So-so here, um-- how": a word cut off by a dash before a restart.
_FALSE_START = re.compile(r"\b[A-Za-z][\w']*(?:-|--+)\s+(?=\w)")
#: "[laughs]", "[unintelligible 00:02:20]", "[crosstalk]".
_STAGE_NOTE = re.compile(r"\[[^\]]{0,60}\]")
#: "-and what are...": a dash carried over from the speaker's previous line, glued to the first word.
_CARRIED_DASH = re.compile(r"(?:^|(?<=\s))[-–—]+(?=[A-Za-z])")
#: Hesitations that carry nothing: "um", "uh", "er", "erm", with their comma.
_HESITATION = re.compile(r"\b(?:um+|uh+|er+m?|hmm+)\b,?", re.IGNORECASE)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def tidy(text: str) -> str:
    """The same text with stutters, false starts, carried-over dashes, doubled words, hesitations and stage
    notes blanked out, and curly apostrophes made straight ("I’m" reads as "I'm")."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    for pattern in (_STAGE_NOTE, _STUTTER, _FALSE_START, _CARRIED_DASH, _DOUBLED, _HESITATION):
        text = pattern.sub(_blank, text)
    return text


def first_upper(text: str) -> str:
    """The text with its first letter in upper case; one that starts with a number stays as it is ('3 to 5 minutes')."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit():
            return text
    return text


def mid_sentence(text: str) -> str:
    """Lower-case a quoted span's first letter so it reads inside a sentence ('I' stays)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower() and not text.startswith(("I ", "I'", "I’")):
        return text[0].lower() + text[1:]
    return text


def sentence_case(text: str) -> str:
    """Capitalise the first letter of every sentence."""
    text = first_upper(text)
    return re.sub(r"([.!?]\s+[\"“']?)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


#: words too common to tell one option or fact from another.
_LITTLE_WORDS = frozenset({"a", "an", "the", "to", "and", "or", "of", "for", "in", "on", "at", "be", "it", "so", "my", "me",
                           "i", "you", "your", "her", "his", "she", "he", "their", "them", "they", "if", "with"})


#: A reply that repeats this many consecutive words of the trainee's line parrots it.
ECHO_WORDS = 5


def echoes(heard: str, said: str, n: int = ECHO_WORDS) -> bool:
    """True if `said` repeats n consecutive words of `heard`: the customer parroting the trainee's line."""
    before = re.findall(r"[a-z0-9']+", heard.lower())
    grams = {tuple(before[i : i + n]) for i in range(len(before) - n + 1)}
    after = re.findall(r"[a-z0-9']+", said.lower())
    return any(tuple(after[i : i + n]) in grams for i in range(len(after) - n + 1))


def words(text: str) -> set[str]:
    """The words of a text, lower case, without the punctuation around them."""
    return {w.strip(".,!?'\"").lower() for w in text.split()}


def key_words(text: str) -> set[str]:
    """The words of a text that tell it apart: without articles, pronouns and little linking words."""
    return words(text) - _LITTLE_WORDS


def long_words(text: str) -> set[str]:
    """A text's own longer words ('deadline', 'meeting'), which a question names only when it asks about that thing."""
    return {w for w in words(text) if len(w) >= 5}


def plain_sentences(text: str) -> list[str]:
    """The sentences of a line the product wrote itself (a customer reply), split after '.', '!' or '?'; what a
    trainee wrote is split by the parse instead (bot.language.understand)."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
