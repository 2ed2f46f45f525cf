"""What the forms and query strings share: free text checked and made storable, ids within the database's range."""

from __future__ import annotations

import re

from bot.practice import shortened
from bot.store.text import storable

#: The largest id a database integer column holds (SQLite and PostgreSQL BIGINT alike); larger ids match no row.
MAX_ROW_ID = 2**63 - 1
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


class FormProblem(ValueError):
    """A value the user can fix; the message says what is wrong and how."""


def free_text(value: str, what: str, limit: int) -> str:
    """The text as stored (trimmed; NUL and lone surrogates replaced), or FormProblem when it is over `limit`."""
    text = storable(value or "").strip()
    if len(text) > limit:
        raise FormProblem(f"{what} is {len(text):,} characters long; at most {limit:,} are kept. Please shorten it.")
    return text


def whole_number(value: str, low: int, high: int) -> int | None:
    """A whole number from low to high written in ASCII digits, or None (not one, or out of range)."""
    if not _WHOLE_NUMBER.fullmatch(value) or not low <= int(value) <= high:
        return None
    return int(value)


def said_back(value: str) -> str:
    """A value the user sent, short enough to quote in a message."""
    return shortened(storable(value))
