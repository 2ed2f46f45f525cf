"""Who is asking: the signed session cookie, CSRF tokens, sign-in rate limiting and role checks.

The cookie holds a small JSON object (the account id, a CSRF token, when it was issued) signed
with HMAC-SHA256; it is HttpOnly and SameSite=Lax. The secret comes from SESSION_SECRET, or is
generated once and kept in var/secrets/session_secret. `sign_in` is the one call that signs a verified
account in: the password form uses it, and a single sign-on (OIDC) callback would call it too, once it
has verified the provider's token and found the matching account (docs/coach-console.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.store import accounts
from bot.store.db import get_db
from bot.store.models import User

COOKIE = "trainer_session"
MAX_AGE = 12 * 60 * 60
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    """Raised by a route that needs an account when nobody is signed in."""


def session_secret() -> bytes:
    """The key that signs session cookies (SESSION_SECRET, else generated once under var/secrets/)."""
    return get_settings().session_secret.encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_session(data: dict[str, object]) -> str:
    """The cookie value for a session."""
    body = _b64(json.dumps(data, separators=(",", ":")).encode())
    return body + "." + _b64(hmac.new(session_secret(), body.encode(), hashlib.sha256).digest())


def decode_session(value: str | None) -> dict[str, object] | None:
    """The session in a cookie value, or None when missing, forged or expired."""
    if not value or "." not in value:
        return None
    body, signature = value.rsplit(".", 1)
    expected = _b64(hmac.new(session_secret(), body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        data = json.loads(_unb64(body))
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
        return None
    issued = data.get("iat")
    if not isinstance(issued, int | float) or time.time() - issued > MAX_AGE:
        return None
    return data


def new_session(user_id: int | None = None) -> dict[str, object]:
    """A fresh session (a new CSRF token), signed in as an account or anonymous."""
    data: dict[str, object] = {"csrf": secrets.token_urlsafe(24), "iat": int(time.time())}
    if user_id is not None:
        data["uid"] = user_id
    return data


def session_of(request: Request) -> dict[str, object]:
    """This request's session (the middleware puts one on every request)."""
    return request.state.session


def replace_session(request: Request, data: dict[str, object]) -> None:
    """Swap this request's session (sign-in, sign-out): the middleware sends the new cookie."""
    request.state.session = data
    request.state.session_changed = True


def sign_in(request: Request, user: User) -> None:
    """Sign in an account whose identity was verified (by its password, or by a single sign-on provider).

    The visitor gets a new session, and with it a new CSRF token; a deactivated account is refused (403).
    """
    if not user.active:
        raise HTTPException(403, "This account is deactivated. Ask an admin to activate it.")
    replace_session(request, new_session(user.id))


def csrf_token(request: Request) -> str:
    """The CSRF token that this visitor's forms must send back."""
    return str(session_of(request)["csrf"])


async def csrf_protect(request: Request) -> None:
    """A dependency of every state-changing route: the form field or header must carry the session's token."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_token(request)):
        raise HTTPException(403, "This form is out of date or was not sent from this site (a missing or wrong security token). "
                                 "Reload the page and try again.")


def current_user(request: Request, db: Session = Depends(get_db)) -> User | None:
    """The signed-in account, or None."""
    user_id = session_of(request).get("uid")
    user = accounts.get_user(db, user_id) if isinstance(user_id, int) else None
    if user is not None and not user.active:
        user = None
    request.state.user = user
    return user


def signed_in(user: User | None = Depends(current_user)) -> User:
    """The signed-in account; anyone else is sent to sign in."""
    if user is None:
        raise SignInRequired()
    return user


def coach_or_admin(user: User = Depends(signed_in)) -> User:
    """A coach or an admin."""
    if user.role not in ("coach", "admin"):
        raise HTTPException(403, "This page is for coaches.")
    return user


def admin_only(user: User = Depends(signed_in)) -> User:
    """An admin."""
    if user.role != "admin":
        raise HTTPException(403, "This page is for admins.")
    return user


@dataclass
class SignInLimiter:
    """Failed sign-ins in a sliding window (one process): per (address, username), and, looser, per address.

    Behind a reverse proxy many visitors may share one address, so one person's typos lock out only
    that username from there; the per-address limit is high enough for a shared office and still stops
    one address from trying password after password across many usernames.
    """

    per_account: int = 5
    per_address: int = 100
    window_seconds: float = 15 * 60
    _failures: dict[tuple[str, ...], deque[float]] = field(default_factory=dict)

    @staticmethod
    def _keys(username: str, address: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return ("account", address, username.lower()), ("address", address)

    def _recent(self, key: tuple[str, ...], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window_seconds:
            times.popleft()
        return times

    def wait_seconds(self, username: str, address: str) -> int:
        """How long this username from this address must wait before trying again (0: it may try now)."""
        now = time.monotonic()
        waits = []
        for key, limit in zip(self._keys(username, address), (self.per_account, self.per_address), strict=True):
            times = self._recent(key, now)
            if len(times) >= limit:
                waits.append(self.window_seconds - (now - times[0]))
        return int(max(waits)) + 1 if waits else 0

    def failed(self, username: str, address: str) -> None:
        """Count one failed attempt."""
        now = time.monotonic()
        for key in self._keys(username, address):
            self._recent(key, now).append(now)

    def succeeded(self, username: str, address: str) -> None:
        """Forget this account's failures from this address."""
        self._failures.pop(self._keys(username, address)[0], None)
