"""What every action shares: calling bot/ safely and turning its answer into messages and slot events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import practice
from bot.practice import Exchange, PracticeError

log = logging.getLogger(__name__)

#: A fault before anything was stored (talk that was stored but not answered gets CustomerUnavailable's message).
SERVER_TROUBLE = "Sorry - the training server hit a problem and could not do that. Please try again in a moment."


def trainee_of(tracker: Tracker) -> str | None:
    """The trainee the channel named in the message metadata, if it may (a signed pass, or a vouching channel)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            if not isinstance(metadata, dict):
                return None
            return practice.attributed(metadata.get("trainee"), metadata.get("trainee_pass"), channel_of(tracker))
    return None


def channel_of(tracker: Tracker) -> str:
    """The input channel of the latest message ('rest', 'socketio', 'slack', ...)."""
    return tracker.get_latest_input_channel() or "rest"


#: A command said in plain words mid-practice must be this sure, or it is taken as said in character.
COMMAND_CONFIDENCE = 0.8


def said_in_character(tracker: Tracker) -> bool:
    """True if a 'command' message is more likely the trainee talking to the customer.

    '/hint' is always a command; "what now?" once a practice session exists only when the NLU is sure
    (after the end, the customer side answers how to go on).
    """
    message = tracker.latest_message or {}
    text = (message.get("text") or "").strip()
    if text.startswith("/"):
        return False
    confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
    return bool(tracker.get_slot("practice")) and confidence < COMMAND_CONFIDENCE


def said(tracker: Tracker) -> str:
    """What the trainee sent, whole: the latest user event's text (the NLU's copy is cut at MAX_MESSAGE_CHARS)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return str(event.get("text") or "")
    return str(tracker.latest_message.get("text") or "")


def reply_in_character(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The customer answers the latest message."""
    text = said(tracker)
    return deliver(dispatcher, tracker, lambda: practice.respond(
        tracker.sender_id, tracker.get_slot("practice"), tracker.get_slot("session_id"), text, channel=channel_of(tracker),
        trainee=trainee_of(tracker)))


#: Channels whose clients read the live payload (the trainee page, REST integrations, the Slack channel's
#: Block Kit: bot/channels/slack.py); others just get text.
PAYLOAD_CHANNELS = frozenset({"socketio", "rest", "slack"})


def utter(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, payload: dict[str, Any], lines: list[dict[str, str]]) -> None:
    """Send the last message of an exchange, with the live payload where the channel uses it."""
    if channel_of(tracker) in PAYLOAD_CHANNELS:
        dispatcher.utter_message(text=text, json_message=live_payload(payload, lines))
    else:
        dispatcher.utter_message(text=text)


def deliver(dispatcher: CollectingDispatcher, tracker: Tracker, produce: Callable[[], Exchange]) -> list[dict[str, Any]]:
    """Run one exchange; send its messages (the last with the live payload) and set the slots."""
    try:
        exchange = produce()
    except PracticeError as exc:
        dispatcher.utter_message(text=str(exc))
        return []
    except Exception:
        log.exception("practice action failed")
        dispatcher.utter_message(text=SERVER_TROUBLE)
        return []
    for message in exchange.messages[:-1]:
        dispatcher.utter_message(text=message)
    if exchange.messages:
        utter(dispatcher, tracker, exchange.messages[-1], exchange.payload, exchange.lines)
    return slot_events(exchange)


def live_payload(payload: dict[str, Any], lines: list[dict[str, str]]) -> dict[str, Any]:
    """The custom message that carries stage, mood, scorecard and who said each line to the page.

    Wrapped in "data": Rasa 3.6's socket.io channel emits a custom message as
    `emit(event, **message)`, so only `data` (and `room`) reach the browser.
    """
    return {"data": {**payload, "lines": lines}}


def slot_events(exchange: Exchange) -> list[dict[str, Any]]:
    """The slots that carry the session between messages."""
    state = exchange.state or {}
    return [
        SlotSet("practice", exchange.state),
        SlotSet("session_id", exchange.session_id),
        SlotSet("scenario", state.get("scenario_id")),
        SlotSet("difficulty", state.get("difficulty")),
        SlotSet("stage", state.get("stage")),
        SlotSet("mood", exchange.payload.get("mood")),
    ]
