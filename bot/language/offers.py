"""An offer as the customer would say it back: its clause without the frame, its options, its gist."""

from __future__ import annotations

import re

_LEADING_MODAL = re.compile(
    r"^\s*(?:(?:so|ok|okay|well|right|alright)[,\s]+)*"
    r"(?:i|we)\s*(?:can|could|will|would|'ll|’ll|am going to|are going to|'m going to|’m going to|'d be happy to|would be happy to|'m happy to|am happy to|can also)\s+",
    re.IGNORECASE,
)
_LETS = re.compile(r"^\s*(?:let me|let us|let's)\s+", re.IGNORECASE)
#: a frame before the offer itself: "OK, here's what I can do: …", "What we can do is …".
_OFFER_FRAME = re.compile(
    r"^\s*(?:(?:so|ok|okay|well|right|alright)[,\s]+)*(?:here'?s what (?:i|we) can do|what (?:i|we) can do is|"
    r"the (?:best )?(?:thing|option) (?:i|we) can do is)\s*[:,\-–—]?\s*",
    re.IGNORECASE,
)
#: the offer inside a longer sentence, after a comma or "but/so/and": "…, but I can send you a dongle today".
_OFFER_INSIDE = re.compile(
    r"(?:[,;:\-–—]\s*|\s(?:but|so|and|though)\s+)(?P<offer>(?:i|we)\s*(?:can|could|will|'ll|’ll|am able to|'m able to)\s)",
    re.IGNORECASE,
)
#: a condition the customer need not repeat: "… to your hotel tonight if it's on the next flight".
_CONDITION = re.compile(r"\s+(?:if|as long as|provided|once|unless)\s+.*$", re.IGNORECASE)


def as_customer_clause(trainee_span: str) -> str:
    """Turn the trainee's offer into what the customer would repeat: 'I can remake your coffee' -> 'remake my coffee'."""
    span = _OFFER_FRAME.sub("", trainee_span.strip().rstrip(".!?").strip(), count=1)
    inside = _OFFER_INSIDE.search(span)
    if inside and not _LEADING_MODAL.match(span):
        span = span[inside.start("offer") :]  # "the earliest slot is tomorrow, but I can send you a dongle today"
    stripped = _LEADING_MODAL.sub("", span, count=1)
    if stripped == span:
        stripped = _LETS.sub("", span, count=1)
    from bot.language import swap_person

    return swap_person(stripped).strip()


#: words an alternative needs on each side of a bare "or" to be an option of its own ("two or three minutes" is not).
_ALTERNATIVE_WORDS = 4


def alternatives(clause: str) -> list[str]:
    """The options in one offer: 'remake my coffee now, or refund it' -> ['remake my coffee now', 'refund it']."""
    either = re.match(r"^(.*?)\beither\s+(.+?),?\s+or\s+(.+)$", clause, flags=re.IGNORECASE)
    if either:  # "either repair it or swap it": short options are options too; "I could either…" keeps its "I could"
        prefix = either.group(1)
        return [f"{prefix}{either.group(2)}".strip(" ,;"), f"{prefix}{either.group(3)}".strip(" ,;")]
    parts = [p.strip(" ,;") for p in re.split(r"\s*[,;.]\s*(?:or|otherwise|alternatively)[,\s]+", clause, flags=re.IGNORECASE)]
    if len(parts) == 1:
        halves = re.split(r"\s+or\s+", clause, maxsplit=1, flags=re.IGNORECASE)
        if len(halves) == 2 and all(len(h.split()) >= _ALTERNATIVE_WORDS for h in halves):
            parts = [h.strip(" ,;") for h in halves]
    # "…, otherwise you can give me a kit": the trainee's "I can" said back, as the first option had it stripped
    parts = [re.sub(r"^you\s*(?:can|could|will|would|'ll|’ll)\s+(?:also\s+)?", "", p, flags=re.IGNORECASE) for p in parts]
    return [p for p in parts if p] or [clause]


def gist(option: str) -> str:
    """An option as the customer would say it back: without its condition, when enough is left to make sense."""
    cut = _CONDITION.sub("", option)
    return cut if len(cut.split()) >= _ALTERNATIVE_WORDS else option
