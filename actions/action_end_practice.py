"""action_end_practice: /end - the trainee ends the session and gets the scorecard."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.delivery import deliver, reply_in_character, said_in_character
from bot import practice


class ActionEndPractice(Action):
    """Score the session as it stands."""

    def name(self) -> str:
        return "action_end_practice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        if said_in_character(tracker):
            return reply_in_character(dispatcher, tracker)
        state = tracker.get_slot("practice")
        if state and state.get("outcome"):
            dispatcher.utter_message(text="This session has already ended and been scored. Send /restart to play it again.")
            return []
        return deliver(dispatcher, tracker, lambda: practice.finish(state, tracker.get_slot("session_id"), sender_id=tracker.sender_id))
