"""action_give_hint: /hint - what a coach would whisper now."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.delivery import SERVER_TROUBLE, reply_in_character, said_in_character, utter
from bot import practice


class ActionGiveHint(Action):
    """A hint in the cycle's vocabulary; the customer does not hear it."""

    def name(self) -> str:
        return "action_give_hint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        if said_in_character(tracker):
            return reply_in_character(dispatcher, tracker)
        try:
            text = practice.hint(tracker.get_slot("practice"))
        except practice.PracticeError as exc:
            text = str(exc)
        except Exception:
            text = SERVER_TROUBLE
        utter(dispatcher, tracker, text, {"hint": text}, [practice.coach(text)])
        return []
