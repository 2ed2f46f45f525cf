"""Slack's Web API for the practice channel: calls retried with back-off, and who a Slack user is as a trainee.

Runs inside the Rasa process: Rasa, slack_sdk and the standard library only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
#: Slack errors worth another try; anything else (invalid_auth, channel_not_found, ...) will not get better.
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})


class SlackCallFailed(RuntimeError):
    """A Web API call that failed for good (after the retries, or at once for a permanent error)."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"Slack {method} failed: {error}")
        self.method = method
        self.error = error


def api_url() -> str:
    """The Web API base URL: `SLACK_API_URL` (a local fake in tests), else Slack's."""
    url = os.environ.get("SLACK_API_URL") or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def _retry_after(exc: SlackApiError) -> float | None:
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return min(float(value), 30.0) if value is not None else None
    except (TypeError, ValueError):
        return None


def _is_transient(exc: SlackApiError) -> bool:
    status = int(getattr(exc.response, "status_code", 0) or 0)
    error = str(exc.response.get("error", "")) if exc.response is not None else ""
    return status >= 500 or status == 429 or error in TRANSIENT_ERRORS


class SlackWeb:
    """The few Web API methods the channel uses, each retried with exponential back-off."""

    def __init__(self, token: str, base_url: str | None = None, attempts: int = 4, first_delay: float = 0.5,
                 proxy: str | None = None) -> None:
        self.client = AsyncWebClient(token=token, base_url=base_url or api_url(), proxy=proxy, timeout=10)
        self.attempts = max(1, attempts)
        self.first_delay = first_delay

    async def call(self, method: str, **arguments: Any) -> dict[str, Any]:
        """Call a method by its slack_sdk name (`chat_postMessage`, ...); the response data, or SlackCallFailed."""
        send = getattr(self.client, method)
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                response = await send(**arguments)
                return dict(response.data) if isinstance(response.data, dict) else {}
            except SlackApiError as exc:
                error = str(exc.response.get("error", "")) if exc.response is not None else str(exc)
                if not _is_transient(exc) or attempt == self.attempts:
                    raise SlackCallFailed(method, error) from exc
                wait = _retry_after(exc) or delay
            except Exception as exc:  # connection refused, reset, timeout: worth another try
                if attempt == self.attempts:
                    raise SlackCallFailed(method, repr(exc)) from exc
                wait, error = delay, repr(exc)
            log.warning("Slack %s failed (%s), attempt %d of %d; retrying in %.1f s", method, error, attempt, self.attempts, wait)
            await asyncio.sleep(wait)
            delay *= 2
        raise AssertionError("unreachable")

    async def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, thread_ts: str | None = None) -> str:
        """Post a message (in a thread when `thread_ts` is given); its ts."""
        arguments: dict[str, Any] = {"channel": channel, "text": text}
        if blocks:
            arguments["blocks"] = blocks
        if thread_ts:
            arguments["thread_ts"] = thread_ts
        data = await self.call("chat_postMessage", **arguments)
        return str(data.get("ts") or "")

    async def direct_channel(self, user_id: str) -> str:
        """The bot's direct-message channel with a user."""
        data = await self.call("conversations_open", users=user_id)
        return str((data.get("channel") or {}).get("id") or "")


def parse_user_map(text: str) -> dict[str, str]:
    """`SLACK_USER_MAP`: a JSON object, or `U123=alice@example.com,U456=staff-17`."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        data = json.loads(text)
        return {str(k): str(v) for k, v in data.items() if v} if isinstance(data, dict) else {}
    pairs = (item.split("=", 1) for item in text.replace(";", ",").split(",") if "=" in item)
    return {user.strip(): trainee.strip() for user, trainee in pairs if user.strip() and trainee.strip()}


class TraineeDirectory:
    """Who a Slack user is as a trainee, so their Slack and web sessions are one history.

    An admin mapping wins (`SLACK_USER_MAP`, or the JSON file `SLACK_USER_MAP_FILE`, default
    var/slack_users.json, re-read when it changes); else the email from users.info (needs the
    `users:read.email` scope); else `slack:<user id>`.
    """

    def __init__(self, web: SlackWeb, mapping: dict[str, str] | None = None, map_file: Path | None = None) -> None:
        self.web = web
        self.mapping = dict(mapping or {})
        self.map_file = map_file
        self._file_map: dict[str, str] = {}
        self._file_stamp: float | None = None
        self._cache: dict[str, tuple[str, float]] = {}

    @classmethod
    def from_environment(cls, web: SlackWeb) -> TraineeDirectory:
        """The mapping from the environment (bad values are logged and ignored, never fatal)."""
        try:
            mapping = parse_user_map(os.environ.get("SLACK_USER_MAP", ""))
        except ValueError:
            log.error("SLACK_USER_MAP is neither JSON nor U123=name pairs; ignored")
            mapping = {}
        return cls(web, mapping, Path(os.environ.get("SLACK_USER_MAP_FILE", "var/slack_users.json")))

    def _from_file(self) -> dict[str, str]:
        if self.map_file is None:
            return {}
        try:
            stamp = self.map_file.stat().st_mtime
        except OSError:
            return {}
        if stamp != self._file_stamp:
            self._file_stamp = stamp
            try:
                self._file_map = parse_user_map(self.map_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                log.error("%s is not a JSON object of Slack user id -> trainee; ignored", self.map_file)
                self._file_map = {}
        return self._file_map

    async def trainee(self, user_id: str) -> str:
        """The trainee a Slack user practises as."""
        mapped = self.mapping.get(user_id) or self._from_file().get(user_id)
        if mapped:
            return mapped
        cached = self._cache.get(user_id)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        name = f"slack:{user_id}"
        try:
            data = await self.web.call("users_info", user=user_id)
            email = ((data.get("user") or {}).get("profile") or {}).get("email")
            name = str(email).strip().lower() if email else name
        except SlackCallFailed as exc:
            log.info("no email for Slack user %s (%s); practising as %s", user_id, exc.error, name)
        self._cache[user_id] = (name, time.monotonic() + 3600)
        return name
