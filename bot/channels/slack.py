"""Slack practice sessions: Rasa 3.6's Slack channel, extended where it falls short.

Registered in a credentials file by module path (`bot.channels.slack.SlackPractice`); its name is
"slack", so Slack posts to `/webhooks/slack/webhook` (events, slash commands and interactions alike).
What it adds to Rasa's `SlackInput` (docs/slack.md has the whole picture):

- every request's signature and timestamp are checked (events, `/practice`, interactions);
- the reply to Slack is immediate (well inside the three seconds); the work runs in a background task;
- Slack's retries (and the `message` + `app_mention` pair of one message) are answered once: dedupe on
  the event id and on the message's channel and ts;
- each practice is its own thread: the sender id is `<user>_<channel>_<thread ts>`;
- a turn's messages are collected while Rasa handles it, so the tracker store has the turn before any
  Slack call is made; the posts are then retried with back-off, and a post that fails for good is logged,
  never lost from the tracker;
- the Web API base URL comes from `SLACK_API_URL` (a local fake in tests).

Runs inside the Rasa process: Rasa, slack_sdk and the standard library only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.slack_blocks import (
    PICK_DIFFICULTY,
    PICKER,
    PRACTISE_AGAIN,
    ScenarioChoice,
    home_view,
    picked,
    picker_modal,
    render_turn,
    thread_opening,
)
from bot.channels.slack_web import SlackCallFailed, SlackWeb, TraineeDirectory, api_url
from bot.channels.trainer_api import TrainerApi, resolve

log = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]

TROUBLE = "Sorry - the trainer hit a problem with that message. It is kept in the conversation log; please send it again."
#: Errors that mean the bot may not post where /practice was typed: it opens a direct message instead.
CANNOT_POST_HERE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cannot_reply_to_message"})
#: How long a slash command or the picker may wait for the scenario list before answering Slack.
CATALOGUE_WAIT_SECONDS = 1.5
USAGE = ("`/practice` opens the scenario picker; `/practice cafe angry` starts the café customer at 'angry' straight away. "
         "In the practice thread say `hint`, `restart` or `end` (or ` /hint` with a space first) at any time.")


class RecentIds:
    """Ids seen in the last hour (bounded), to answer each Slack event once."""

    def __init__(self, ttl: float = 3600.0, limit: int = 20000) -> None:
        self.ttl, self.limit = ttl, limit
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, keys: list[str]) -> bool:
        """True if none of the keys was seen (and remember them all)."""
        now = time.monotonic()
        while self._seen and (next(iter(self._seen.values())) < now or len(self._seen) > self.limit):
            self._seen.popitem(last=False)
        fresh = not any(key in self._seen for key in keys)
        for key in keys:
            self._seen[key] = now + self.ttl
        return fresh


class ThreadLocks:
    """One lock per conversation, so a thread's turns are handled and posted in order."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


def _ephemeral(text: str) -> HTTPResponse:
    return response.json({"response_type": "ephemeral", "text": text})


class SlackPractice(SlackInput):
    """The Slack channel for practice sessions in threads (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SlackPractice:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None
        return cls(
            str(credentials.get("slack_token") or ""),
            str(credentials.get("slack_signing_secret") or ""),
            proxy=credentials.get("proxy"),
            web_url=str(credentials.get("web_url") or os.environ.get("WEB_PUBLIC_URL") or "http://127.0.0.1:8000"),
            retry_attempts=int(credentials.get("retry_attempts") or 4),
            retry_delay=float(credentials.get("retry_delay_seconds") or 0.5),
        )

    def __init__(self, slack_token: str, slack_signing_secret: str, proxy: str | None = None, web_url: str = "",
                 retry_attempts: int = 4, retry_delay: float = 0.5) -> None:
        super().__init__(slack_token, proxy=proxy, use_threads=True, slack_signing_secret=slack_signing_secret,
                         conversation_granularity="thread")
        self.web = SlackWeb(slack_token, api_url(), attempts=retry_attempts, first_delay=retry_delay, proxy=proxy)
        self.trainees = TraineeDirectory.from_environment(self.web)
        self.trainer = TrainerApi.from_environment()
        self.web_url = web_url
        self.seen = RecentIds()
        self.locks = ThreadLocks()

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        """For Rasa's own API (trigger_intent ...): Rasa's Slack output, pointed at `SLACK_API_URL`."""
        output = SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy)
        output.client.base_url = api_url()
        return output

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._background_tasks.add(task)

        def done(finished: asyncio.Task[Any]) -> None:
            self._background_tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.error("Slack work failed", exc_info=finished.exception())

        task.add_done_callback(done)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.listener("after_server_start")
        async def warm_catalogue(*_: Any) -> None:
            # The first /practice must not wait for the web app's first answer (Slack allows three seconds).
            self._spawn(self.trainer.warm())

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text("Missing or wrong X-Slack-Signature, or a timestamp older than five minutes.",
                                     status=HTTPStatus.UNAUTHORIZED)
            kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
            try:
                if kind == "application/json":
                    return await self._on_event(request, on_new_message)
                form = request.form if kind == "application/x-www-form-urlencoded" else None
                if form and form.get("payload"):
                    return await self._on_interaction(json.loads(str(form.get("payload"))), on_new_message)
                if form and form.get("command"):
                    return await self._on_command(form, on_new_message)
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                log.warning("unreadable Slack request: %s", exc)
            return response.text("Not a Slack event, command or interaction this app understands.", status=HTTPStatus.BAD_REQUEST)

        return slack_webhook

    # Events API ---------------------------------------------------------------------------------

    async def _on_event(self, request: Request, on_new_message: Handler) -> HTTPResponse:
        body = request.json or {}
        if body.get("type") == "url_verification":
            return response.json({"challenge": body.get("challenge")})
        event = body.get("event") or {}
        if body.get("type") != "event_callback" or not isinstance(event, dict):
            return response.text("")
        event_id = str(body.get("event_id") or "")
        if event_id and not self.seen.first_time([event_id]):
            log.info("Slack event %s already handled (retry #%s: %s)", event_id, request.headers.get("x-slack-retry-num"),
                     request.headers.get("x-slack-retry-reason"))
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        if event.get("type") == "app_home_opened" and event.get("tab", "home") == "home" and event.get("user"):
            self._spawn(self._publish_home(str(event["user"])))
        elif event.get("type") in ("message", "app_mention"):
            bots = [str(a.get("user_id")) for a in body.get("authorizations") or [] if a.get("user_id")]
            self._spawn(self._on_message(event, bots + list(body.get("authed_users") or []), request.app, on_new_message))
        return response.text("")

    async def _known(self, app: Any, sender_id: str) -> bool:
        """Whether this conversation exists in the tracker store (a practice thread this app runs)."""
        try:
            return bool(await app.ctx.agent.tracker_store.exists(sender_id))
        except Exception:
            log.exception("could not ask the tracker store about %s", sender_id)
            return False

    async def _on_message(self, event: dict[str, Any], bot_users: list[str], app: Any, on_new_message: Handler) -> None:
        if event.get("bot_id") or event.get("subtype") not in (None, "thread_broadcast", "file_share"):
            return
        user, channel = event.get("user"), event.get("channel")
        text = self._sanitize_user_message(str(event.get("text") or ""), bot_users)
        if not (user and channel and text):
            return
        thread = event.get("thread_ts")
        direct = event.get("channel_type") == "im"
        if thread:
            sender = self._get_conversation_id(user, channel, thread)
            if not (direct or event.get("type") == "app_mention" or await self._known(app, sender)):
                return  # someone else's thread, or another person talking in a trainee's practice thread
        elif direct or event.get("type") == "app_mention":
            thread = event.get("ts")  # a new practice, in a thread under this message
        else:
            return  # channel chatter
        if not self.seen.first_time([f"{channel}:{event.get('ts')}"]):
            return  # one message can come as both a `message` and an `app_mention` event
        await self.converse(on_new_message, str(user), str(channel), str(thread), text)

    # One turn ---------------------------------------------------------------------------------

    async def converse(self, on_new_message: Handler, user: str, channel: str, thread_ts: str, text: str) -> None:
        """Hand one trainee message to Rasa, then post the bot's messages in the thread, in order."""
        sender = self._get_conversation_id(user, channel, thread_ts)
        async with self.locks.hold(sender):
            trainee = await self.trainees.trainee(user)
            collector = CollectingOutputChannel()
            metadata = {"trainee": trainee, "slack_user": user, "out_channel": channel, "thread_id": thread_ts, "users": [user]}
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            except Exception:
                log.exception("Rasa could not handle a Slack message from %s", sender)
                collector.messages.append({"recipient_id": sender, "text": TROUBLE})
            for message in render_turn(collector.messages, self.web_url):
                try:
                    await self.web.post(channel, message["text"], message["blocks"], thread_ts)
                except SlackCallFailed as exc:
                    log.error("could not post to Slack thread %s (%s); the turn is kept in the tracker store as %s",
                              thread_ts, exc.error, sender)

    async def _catalogue(self) -> list[ScenarioChoice] | None:
        try:
            return await asyncio.wait_for(self.trainer.scenarios(), CATALOGUE_WAIT_SECONDS)
        except asyncio.TimeoutError:  # noqa: UP041 - not the builtin TimeoutError on Python 3.10 (the Rasa env)
            return None

    async def start_practice(self, on_new_message: Handler, user: str, channel: str, scenario: str | None,
                             difficulty: str | None) -> None:
        """Open a new thread for a practice and let the customer arrive in it."""
        choices = await self._catalogue() or []
        title = next((s["title"] for s in choices if s["id"] == scenario), scenario or "the default scenario")
        opening = thread_opening(user, title, difficulty or "default difficulty")
        channel = channel or await self.web.direct_channel(user)
        try:
            thread = await self.web.post(channel, opening)
        except SlackCallFailed as exc:
            if exc.error not in CANNOT_POST_HERE:
                raise
            channel = await self.web.direct_channel(user)
            thread = await self.web.post(channel, opening)
        wanted = {k: v for k, v in (("scenario", scenario), ("difficulty", difficulty)) if v}
        await self.converse(on_new_message, user, channel, thread, "/start" + (json.dumps(wanted) if wanted else ""))

    # Slash command and interactions --------------------------------------------------------------

    async def _on_command(self, form: Any, on_new_message: Handler) -> HTTPResponse:
        user, channel, text = form.get("user_id"), form.get("channel_id"), str(form.get("text") or "").strip()
        if not (user and channel):
            return _ephemeral("Slack sent this command without a user or channel; please try again.")
        if text.lower() in ("help", "?"):
            return _ephemeral(USAGE)
        if not text:
            self._spawn(self._open_picker(str(form.get("trigger_id") or ""), channel, user))
            return response.text("")
        choices = await self._catalogue()
        if choices is None:
            return _ephemeral("The scenario list is not available right now (is the trainer's web app running?). Try again in a minute.")
        found, difficulty, unknown = resolve(choices, text)
        names = ", ".join(f"`{(s['aliases'] or [s['id']])[0]}` ({s['title']})" for s in choices)
        if unknown:
            return _ephemeral(f"There is no scenario called '{' '.join(unknown)}'. Choose one of: {names}. {USAGE}")
        if found and difficulty and difficulty not in found["difficulties"]:
            return _ephemeral(f"'{found['title']}' has no difficulty '{difficulty}'. Choose one of: {', '.join(found['difficulties'])}.")
        self._spawn(self.start_practice(on_new_message, user, channel, found["id"] if found else None, difficulty))
        return _ephemeral("Starting your practice: the customer is on their way, in a new thread.")

    async def _open_picker(self, trigger_id: str, channel: str, user: str) -> None:
        choices = await self._catalogue()
        if not choices:
            await self.web.call("chat_postEphemeral", channel=channel, user=user,
                                text="The scenario list is not available right now; try `/practice cafe angry` in a minute.")
            return
        await self.web.call("views_open", trigger_id=trigger_id, view=picker_modal(choices, json.dumps({"channel": channel})))

    async def _on_interaction(self, payload: dict[str, Any], on_new_message: Handler) -> HTTPResponse:
        user = str((payload.get("user") or {}).get("id") or "")
        view = payload.get("view") or {}
        if payload.get("type") == "view_submission" and view.get("callback_id") == PICKER and user:
            scenario, difficulty = picked(view)
            channel = str(json.loads(view.get("private_metadata") or "{}").get("channel") or "")
            choice = next((s for s in await self._catalogue() or [] if s["id"] == scenario), None)
            if choice and difficulty and difficulty not in choice["difficulties"]:
                return response.json({"response_action": "errors", "errors": {
                    PICK_DIFFICULTY: f"'{choice['title']}' has no {difficulty} customer; choose {', '.join(choice['difficulties'])}."}})
            self._spawn(self.start_practice(on_new_message, user, channel, scenario, difficulty))
            return response.text("")  # an empty 200 closes the modal
        if payload.get("type") == "block_actions" and user:
            action = (payload.get("actions") or [{}])[0]
            where = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
            if action.get("action_id") == PRACTISE_AGAIN and where:
                again = json.loads(action.get("value") or "{}")
                self._spawn(self.start_practice(on_new_message, user, str(where), again.get("scenario"), again.get("difficulty")))
        return response.text("")  # link buttons and anything else: acknowledged, nothing to do

    # Home tab -----------------------------------------------------------------------------------

    async def _publish_home(self, user: str) -> None:
        trainee = await self.trainees.trainee(user)
        summary = await self.trainer.summary(trainee)
        await self.web.call("views_publish", user_id=user, view=home_view(summary, self.web_url, trainee))
