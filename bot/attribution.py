"""Who a practice session belongs to: a trainee name a channel may vouch for, or a signed pass the web page carries.

Rasa's socket.io and REST channels take metadata from the client, so a bare `trainee` there proves nothing: a
session is attributed to an account only when the message carries that account's pass (the web page gets one
at sign-in), or when it comes through a channel whose metadata users cannot write (Slack: the channel itself
maps the Slack user). Anything else is attributed to its sender id, as scripted use always was. Pure: stdlib only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

#: Channels whose metadata is written by the channel code inside Rasa, never by the user.
VOUCHING_CHANNELS = frozenset({"slack"})


def trainee_pass(username: str, secret: bytes) -> str:
    """The pass that lets a client name this account as the trainee (HMAC of the lower-cased name)."""
    digest = hmac.new(secret, b"trainee-pass:" + username.strip().lower().encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def attributed_trainee(claimed: str | None, given_pass: str | None, channel: str, secret: bytes) -> str | None:
    """The trainee a session may be attributed to, or None (then it is the sender id's)."""
    if not claimed or not claimed.strip():
        return None
    if channel in VOUCHING_CHANNELS:
        return claimed
    if given_pass and hmac.compare_digest(given_pass, trainee_pass(claimed, secret)):
        return claimed
    return None
