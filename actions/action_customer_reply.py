"""action_customer_reply: the customer answers what the trainee said in character."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.delivery import reply_in_character


class ActionCustomerReply(Action):
    """Detect the trainee's skills and let the customer react."""

    def name(self) -> str:
        return "action_customer_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        return reply_in_character(dispatcher, tracker)
