"""The bad-input matrix's text cells, shared by the REST, action-server, socket.io and web app tests."""

from __future__ import annotations

from bot.practice import storable


def long_text(size: int) -> str:
    """An ordinary complaint, repeated to exactly `size` characters."""
    return ("I am very upset about this order. " * (size // 34 + 1))[:size]


#: Text that is valid but odd: each cell must be answered (or capped, or refused plainly) and never lost.
TEXT_CELLS: dict[str, str] = {
    "empty": "",
    "whitespace": " \t\n  ",
    "100 kB": long_text(100_000),
    "1 MB": long_text(1_000_000),
    "NUL": "\x00null\x00byte",
    "emoji": "😩😩 u must be so fed up 🙏",
    "right-to-left": "مرحبا، كيف يمكنني مساعدتك؟ שלום",
    "HTML and script": "<script>alert('x')</script><b>hi</b>",
    "SQL-looking": "'; DROP TABLE turns; --",
}


def as_stored(text: str) -> str:
    """What the store keeps of a text: trimmed, NUL and lone surrogates replaced (bot.practice.storable)."""
    return storable(text).strip()


def is_blank(text: str) -> bool:
    """An empty or whitespace-only cell."""
    return not text.strip()
