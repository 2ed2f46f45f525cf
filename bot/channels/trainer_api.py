"""The seam between the Slack channel (inside Rasa) and the trainer's web app: a small JSON API over HTTP.

`GET {TRAINER_API_URL}/api/trainer/scenarios` and `GET .../api/trainer/trainees/{trainee}/summary`,
both with `Authorization: Bearer {TRAINER_API_TOKEN}` (see docs/slack.md). The channel cannot import the
rest of `bot/` (another Python, other dependencies), so it asks the web app, which owns the data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from bot.channels.slack_blocks import ScenarioChoice, TraineeSummary

log = logging.getLogger(__name__)

SCENARIO_CACHE_SECONDS = 300.0


class TrainerApi:
    """Reads the scenario list and a trainee's summary; None when the web app does not answer."""

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._scenarios: tuple[float, list[ScenarioChoice]] | None = None
        self._inflight: asyncio.Future[list[ScenarioChoice] | None] | None = None

    @classmethod
    def from_environment(cls) -> TrainerApi:
        """`TRAINER_API_URL` (default the web app on loopback at WEB_PORT) and `TRAINER_API_TOKEN`."""
        default = f"http://127.0.0.1:{os.environ.get('WEB_PORT', '8000')}"
        return cls(os.environ.get("TRAINER_API_URL") or default, os.environ.get("TRAINER_API_TOKEN", ""))

    def _get(self, path: str) -> Any:
        request = urllib.request.Request(self.base_url + path, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    async def _fetch(self, path: str) -> Any:
        try:
            return await asyncio.to_thread(self._get, path)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            log.warning("trainer API %s did not answer: %s", path, exc)
            return None

    async def scenarios(self) -> list[ScenarioChoice] | None:
        """The scenarios (id, title, aliases, difficulties), cached for a few minutes.

        One fetch at a time is shared by every caller, and it runs to the end even when a caller stops waiting
        (Slack allows three seconds), so a slow first answer still fills the cache for the next one.
        """
        if self._scenarios and self._scenarios[0] > time.monotonic():
            return self._scenarios[1]
        if self._inflight is None or self._inflight.done():
            self._inflight = asyncio.ensure_future(self._refresh_scenarios())
        return await asyncio.shield(self._inflight)

    async def _refresh_scenarios(self) -> list[ScenarioChoice] | None:
        data = await self._fetch("/api/trainer/scenarios")
        if not isinstance(data, list):
            return self._scenarios[1] if self._scenarios else None
        choices: list[ScenarioChoice] = [
            {"id": str(s["id"]), "title": str(s.get("title") or s["id"]), "aliases": [str(a) for a in s.get("aliases") or []],
             "difficulties": [str(d) for d in s.get("difficulties") or []]}
            for s in data if isinstance(s, dict) and s.get("id")]
        self._scenarios = (time.monotonic() + SCENARIO_CACHE_SECONDS, choices)
        return choices

    async def warm(self, attempts: int = 24, pause: float = 5.0) -> None:
        """Fetch the scenario list at start-up, retrying while the web app is still starting."""
        for _ in range(attempts):
            if await self.scenarios() is not None:
                return
            await asyncio.sleep(pause)

    async def summary(self, trainee: str) -> TraineeSummary | None:
        """The trainee's recent sessions, weakest skill and assignments."""
        data = await self._fetch(f"/api/trainer/trainees/{urllib.parse.quote(trainee, safe='')}/summary")
        return data if isinstance(data, dict) else None  # type: ignore[return-value]


def _words(text: str) -> list[str]:
    return [w for w in text.lower().replace("_", " ").replace("-", " ").split() if w]


def resolve(scenarios: list[ScenarioChoice], words: str) -> tuple[ScenarioChoice | None, str | None, list[str]]:
    """`/practice cafe angry`: the scenario (by id, alias or title word), the difficulty, and the words not understood."""
    remaining = _words(words)
    difficulty = next((w for w in remaining if w in {d for s in scenarios for d in s["difficulties"]}), None)
    if difficulty:
        remaining.remove(difficulty)
    phrase = " ".join(remaining)
    if not phrase:
        return None, difficulty, []

    def names(s: ScenarioChoice) -> list[str]:
        return [" ".join(_words(s["id"])), *(" ".join(_words(a)) for a in s["aliases"])]

    found = next((s for s in scenarios if phrase in names(s)), None)
    found = found or next((s for s in scenarios if any(phrase in n.split() or n.startswith(phrase) for n in names(s))), None)
    found = found or next((s for s in scenarios if phrase in " ".join(_words(s["title"]))), None)
    return found, difficulty, [] if found else remaining
