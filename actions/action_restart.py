"""action_restart: /restart - replaces Rasa's default to start the same scenario afresh."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted
from rasa_sdk.executor import CollectingDispatcher

from actions.delivery import channel_of, deliver, reply_in_character, said_in_character, trainee_of
from bot import practice


class ActionRestart(Action):
    """Forget the conversation, then meet the same customer again at the same difficulty."""

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        if said_in_character(tracker):
            return reply_in_character(dispatcher, tracker)
        state = tracker.get_slot("practice") or {}
        scenario = state.get("scenario_id") or tracker.get_slot("scenario")
        difficulty = state.get("difficulty") or tracker.get_slot("difficulty")
        events = deliver(dispatcher, tracker, lambda: practice.begin(
            tracker.sender_id, scenario, difficulty, channel=channel_of(tracker), trainee=trainee_of(tracker)))
        return [Restarted(), *events]
