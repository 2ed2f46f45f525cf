"""Text as every database can keep it: what trainees and coaches type is cleaned here before it is stored."""

from __future__ import annotations


def storable(text: str) -> str:
    """The text as every database can keep it: NUL characters and unpaired surrogates become U+FFFD."""
    if "\x00" not in text and text.isascii():
        return text
    return "".join("\ufffd" if ch == "\x00" or "\ud800" <= ch <= "\udfff" else ch for ch in text)


def form_text(text: str, limit: int) -> str:
    """Typed text (a comment, a note, a reason) as stored: cleaned, stripped, at most `limit` characters."""
    return storable(text or "").strip()[:limit]
