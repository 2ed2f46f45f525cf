"""An offer as the customer would say it back: its clause without the frame, its options, its gist.

The words it cuts at are data/language/offers.yml's rules, matched on the tokens of the offer's text (the
tokenizer alone: no parse), and the text is cut at those tokens, so what is left is the trainee's own words.
"""

from __future__ import annotations

from typing import Any

from bot.language.parse import nlp
from bot.language.patterns import Found, offer_rules


def _found(text: str) -> Found:
    """The offer rules found in a text's tokens."""
    return offer_rules().find(nlp().make_doc(text))


def _after(found: Found, rule: str) -> str | None:
    """The text after the rule's longest match (its only matches are at the start), or None."""
    spans = found.spans(rule)
    if not spans:
        return None
    doc = found.tokens
    return doc.text[max(span.end_char for span in spans) :].lstrip()


def as_customer_clause(trainee_span: str) -> str:
    """Turn the trainee's offer into what the customer would repeat: 'I can remake your coffee' -> 'remake my coffee'."""
    span = trainee_span.strip().rstrip(".!?").strip()
    framed = _after(_found(span), "offer_frame")  # "OK, here's what I can do: …"
    span = span if framed is None else framed
    found = _found(span)
    inside = found.spans("offer_inside")
    if inside and not found.has("leading_modal"):
        span = span[inside[0][1].idx :]  # "the earliest slot is tomorrow, but I can send you a dongle today"
        found = _found(span)
    stripped = _after(found, "leading_modal")
    if stripped is None:
        stripped = _after(found, "lets")
    from bot.language import swap_person

    return swap_person(stripped if stripped is not None else span).strip()


#: words an alternative needs on each side of a bare "or" to be an option of its own ("two or three minutes" is not).
_ALTERNATIVE_WORDS = 4


def alternatives(clause: str) -> list[str]:
    """The options in one offer: 'remake my coffee now, or refund it' -> ['remake my coffee now', 'refund it']."""
    found = _found(clause)
    either = _either_or(found)
    if either:  # "either repair it or swap it": short options are options too; "I could either…" keeps its "I could"
        return either
    parts = _split_at(clause, [(s.start_char, s.end_char) for s in _leftmost(found.spans("option_turn"))])
    if len(parts) == 1:
        halves = [s for s in found.spans("or") if s.start > 0 and s.end < len(found.tokens)][:1]
        split = _split_at(clause, [(s.start_char, s.end_char) for s in halves])
        if len(split) == 2 and all(len(h.split()) >= _ALTERNATIVE_WORDS for h in split):
            parts = split
    # "…, otherwise you can give me a kit": the trainee's "I can" said back, as the first option had it stripped
    parts = [p if (rest := _after(_found(p), "you_can")) is None else rest for p in parts]
    return [p for p in parts if p] or [clause]


def _either_or(found: Found) -> list[str] | None:
    """The two options of "(prefix) either A or B", each with the prefix ("I could either…"), or None."""
    doc = found.tokens
    either = next(iter(found.spans("either")), None)
    if either is None:
        return None
    or_ = next((s for s in found.spans("or") if s.start > either.end and s.end < len(doc)), None)
    if or_ is None:
        return None
    prefix = doc.text[: either.start_char]
    first = doc.text[doc[either.end].idx : or_.start_char].rstrip().rstrip(",")
    second = doc.text[doc[or_.end].idx :]
    return [f"{prefix}{first}".strip(" ,;"), f"{prefix}{second}".strip(" ,;")]


def _leftmost(spans: list[Any]) -> list[Any]:
    """Matches that do not overlap, leftmost and then longest first."""
    out: list[Any] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if not out or span.start >= out[-1].end:
            out.append(span)
    return out


def _split_at(text: str, cuts: list[tuple[int, int]]) -> list[str]:
    """The text between the cuts (character offsets), each part stripped of blanks, commas and semicolons."""
    parts, at = [], 0
    for start, end in cuts:
        parts.append(text[at:start])
        at = end
    parts.append(text[at:])
    return [p.strip(" ,;") for p in parts]


def gist(option: str) -> str:
    """An option as the customer would say it back: without its condition, when enough is left to make sense."""
    condition = next((s for s in _found(option).spans("condition") if s.start > 0), None)
    cut = option[: condition.start_char].rstrip() if condition is not None else option
    return cut if len(cut.split()) >= _ALTERNATIVE_WORDS else option
