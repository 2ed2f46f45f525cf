"""Rasa's REST channel with its input checked: a clear 400 for a malformed request, never a 500 or a silent empty answer.

Registered in credentials.yml by module path; the URL stays /webhooks/rest/webhook. Runs inside Rasa (Python 3.10):
Rasa, sanic and the standard library only.
"""

from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot.channels.faults import STEPPED_AWAY

logger = logging.getLogger(__name__)

#: Rasa's tracker store and the app tables key conversations on the sender id (255 characters at most there).
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 16 * 1024


class RequestProblem(ValueError):
    """What is wrong with a request, in words a developer integrating the channel can act on."""


def checked_body(raw: bytes) -> dict[str, Any]:
    """The request body as a message object, or RequestProblem saying what is wrong with it."""
    try:
        body = json.loads(raw or b"")
    except ValueError:
        raise RequestProblem("the body must be JSON: {\"sender\": \"<id>\", \"message\": \"<text>\"}") from None
    if not isinstance(body, dict):
        raise RequestProblem("the body must be a JSON object with 'sender' and 'message'")
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise RequestProblem("'sender' is required: a text that identifies the trainee's conversation")
    if len(sender) > MAX_SENDER_CHARS or not sender.isprintable():
        raise RequestProblem(f"'sender' must be at most {MAX_SENDER_CHARS} printable characters")
    if not isinstance(body.get("message"), str):
        raise RequestProblem("'message' is required and must be a text")
    if body.get("input_channel") not in (None, "rest"):
        # Another channel's name would let a client claim, say, Slack's vouching for its trainee (bot/attribution.py).
        raise RequestProblem("'input_channel' is set by the server: leave it out")
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise RequestProblem("'metadata' must be a JSON object")
        if len(json.dumps(metadata)) > MAX_METADATA_BYTES:
            raise RequestProblem(f"'metadata' must be at most {MAX_METADATA_BYTES} bytes")
    return body


class GuardedRestInput(RestInput):
    """POST /webhooks/rest/webhook with the request checked first."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> ResponseStream | HTTPResponse:
            try:
                body = checked_body(request.body)
            except RequestProblem as problem:
                return response.json({"error": str(problem)}, status=400)
            sender, text = body["sender"], body["message"]
            channel = self.name()
            metadata: dict[str, Any] | None = body.get("metadata")
            if request.args.get("stream", "").lower() in ("1", "true", "yes"):
                stream = self.stream_response(on_new_message, text, sender, channel, metadata)
                # Rasa's sanic 21 has response.stream; the bot env's newer sanic (which mypy reads) does not.
                return response.stream(stream, content_type="text/event-stream")  # type: ignore[attr-defined]
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
            except CancelledError:
                logger.error("the REST message from %s timed out", sender)
            except Exception:
                logger.exception("the REST message from %s failed", sender)
            messages: list[dict[str, Any]] = collector.messages or [{"recipient_id": sender, "text": STEPPED_AWAY}]
            return response.json(messages)

        return webhook
