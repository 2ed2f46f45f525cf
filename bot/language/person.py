"""Saying words back from the other side ("you" ⇄ "I"), decided by the dependency parse.

"you" as a subject becomes "I", as an object "me": "Did you tell them what you wanted?" → "Did I tell
them what I wanted?", "I'll call you" → "you'll call me". The verb agrees ("you are" → "I am",
"were you" → "was I"), and words typed in chat are read as meant ("u", "ur", "im", "ill call").
"""

from __future__ import annotations

from typing import Any

#: first person -> second person (whatever its role: "me" and "I" both become "you").
_FIRST = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "we": "you", "us": "you",
          "our": "your", "ours": "yours", "ourselves": "yourselves"}
#: second person that is not a subject -> first person.
_SECOND = {"your": "my", "ur": "my", "yours": "mine", "yourself": "myself", "yourselves": "ourselves"}
_YOU = frozenset({"you", "u", "ya", "ye"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
#: a form of "be" after "I" or "you", as the other side says it.
_BE_FOR_I = {"are": "am", "were": "was", "'re": "'m", "re": "'m"}
_BE_FOR_YOU = {"am": "are", "was": "were", "'m": "'re", "m": "'re"}
_CHAT_CONTRACTIONS = {"m": "'re", "ve": "'ve", "ll": "'ll", "d": "'d"}


#: tags of a finite verb: after one, "you" heads a clause of its own ("I think you are right", "I know you ordered").
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _is_subject(token: Any) -> bool:
    doc = token.doc
    if token.i and doc[token.i - 1].pos_ == "VERB" and token.lower_ in _YOU:
        # Right after a verb, "you" is its object unless a finite verb follows: "make you a fresh one", "let you
        # know", "tell you what…" (the small parser reads some of these as a small clause's subject).
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        return after is not None and after.tag_ in _FINITE
    if token.dep_ in _SUBJECT_DEPS:
        return True
    return token.dep_ == "conj" and token.head.dep_ in _SUBJECT_DEPS  # "you and your wife were…"


def _chat_ill(token: Any) -> bool:
    """'ill' typed for "I'll" before a verb ("ill call you tomorrow"), not 'ill with flu'."""
    if token.lower_ != "ill" or token.i + 1 >= len(token.doc):
        return False
    nxt = token.doc[token.i + 1]
    starts = token.i == token.sent.start or token.doc[token.i - 1].is_punct or token.doc[token.i - 1].lower_ in {"and", "so", "ok"}
    return starts and (nxt.tag_ in {"VB", "VBP"} or nxt.lower_ in {"just", "also", "definitely", "be"})


def _agreeing_be(subject: Any) -> list[Any]:
    """The finite 'be' that agrees with a subject: its head ('you are', 'are you') or the head's auxiliary ('you were told')."""
    head = subject.head
    candidates = [head, *[c for c in head.children if c.dep_ in {"aux", "auxpass"}]]
    return [t for t in candidates if t.lower_ in _BE_FOR_I or t.lower_ in _BE_FOR_YOU]


def replacements(span: Any) -> dict[int, str]:
    """Token index -> the word the other side would say there, for every token of a span that changes."""
    out: dict[int, str] = {}
    for token in span:
        lower = token.lower_.replace("’", "'")
        if _chat_ill(token):
            out[token.i] = "you'll"
        elif lower in _YOU:
            subject = _is_subject(token)
            out[token.i] = "I" if subject else "me"
            if subject:
                for be in _agreeing_be(token):
                    key = be.lower_.replace("’", "'")
                    if key in _BE_FOR_I and not _negated_are(be):
                        out[be.i] = _BE_FOR_I[key]
        elif lower in _SECOND:
            out[token.i] = _SECOND[lower]
        elif lower in _FIRST and not (lower == "us" and token.i and token.doc[token.i - 1].lower_ == "let"):
            out[token.i] = _FIRST[lower]
            glued = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
            if lower == "i" and glued is not None and glued.idx == token.idx + len(token) and glued.lower_ in _CHAT_CONTRACTIONS:
                out[glued.i] = _CHAT_CONTRACTIONS[glued.lower_]  # "im", "ive", "id" typed without the apostrophe
            elif lower == "i" and _is_subject(token):
                for be in _agreeing_be(token):
                    key = be.lower_.replace("’", "'")
                    if key in _BE_FOR_YOU:
                        out[be.i] = _BE_FOR_YOU[key]
    return out


def object_form(token: Any) -> str:
    """The word the other side would say for a pronoun the parse took for a subject but that is an object ("make
    you a coffee" -> "me"); any other word as it is."""
    lower = token.lower_.replace("’", "'")
    if lower in _YOU:
        return "me"
    return _FIRST.get(lower, token.text) if lower in _FIRST else token.text


def _negated_are(be: Any) -> bool:
    """'aren't you' stays 'aren't I' ('amn't' is no word)."""
    return be.lower_ == "are" and be.i + 1 < len(be.doc) and be.doc[be.i + 1].lower_ in {"n't", "not"} and be.doc[be.i + 1].idx == be.idx + 3


def swap_doc(span: Any, original: str | None = None) -> str:
    """A parsed span said from the other side; `original`: the text the doc was parsed from, before tidying
    (same length), whose characters are kept wherever nothing changes."""
    doc = span.doc
    source = original if original is not None and len(original) == len(doc.text) else doc.text
    changes = replacements(span)
    pieces: list[str] = []
    at = span.start_char
    for token in span:
        if token.i not in changes:
            continue
        word = source[token.idx : token.idx + len(token)]
        pieces.append(source[at : token.idx])
        pieces.append(_styled(changes[token.i], word, token))
        at = token.idx + len(token)
    pieces.append(source[at : span.end_char])
    return "".join(pieces)


def _styled(replacement: str, word: str, token: Any) -> str:
    """The replacement in the original's style: its apostrophe, a capital at the start of a sentence, 'I' always upper."""
    if "’" in word:
        replacement = replacement.replace("'", "’")
    if replacement == "I" or replacement.startswith(("I'", "I’")):
        return replacement
    if word[:1].isupper() and (token.is_sent_start or token.i == 0 or (word.isupper() and len(word) > 1)):
        return replacement[0].upper() + replacement[1:]
    if word[:1].isupper() and word.lower() not in {"i"}:
        return replacement[0].upper() + replacement[1:]
    return replacement
