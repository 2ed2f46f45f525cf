"""action_start_practice: /start{"scenario": ..., "difficulty": ...} - a new customer arrives."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.delivery import channel_of, deliver, reply_in_character, said, said_in_character, trainee_of
from bot import practice


class ActionStartPractice(Action):
    """Start the scenario and difficulty asked for (or the defaults)."""

    def name(self) -> str:
        return "action_start_practice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        if said_in_character(tracker):
            return reply_in_character(dispatcher, tracker)
        # Only what this message asks for: a bad earlier choice must not stick in the slots.
        scenario = next(tracker.get_latest_entity_values("scenario"), None)
        difficulty = next(tracker.get_latest_entity_values("difficulty"), None)
        note = practice.ignored_choices(said(tracker), scenario, difficulty)
        if note:
            dispatcher.utter_message(text=note)
        events = deliver(dispatcher, tracker, lambda: practice.begin(
            tracker.sender_id, None if scenario is None else str(scenario), None if difficulty is None else str(difficulty),
            channel=channel_of(tracker), trainee=trainee_of(tracker)))
        # Starting failed: forget the choice, so a bad scenario or difficulty does not stick.
        return events or [SlotSet("scenario", None), SlotSet("difficulty", None)]
