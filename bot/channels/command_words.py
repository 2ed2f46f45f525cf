"""An NLU step that keeps in-character talk from being taken for a command: a command said in plain words must say
which command it is ("hint", "I'm stuck", "score me"), otherwise the line is talk to the customer.

The classifier alone sent short lines such as "What now?" and "Yep, next." to `hint` and "want me to do the data
now" to `start` (seen in the 50-trainee load run), so those lines never reached the customer or the transcript. The
words each command needs are declared in config.yml. Runs inside Rasa: Rasa and the standard library only.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TALK = "talk"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CommandWords(GraphComponent):
    """Turns a command intent into `talk` when the message names none of that command's words (an entity such as a
    scenario or a difficulty names a start command too)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"words": {}}

    def __init__(self, config: dict[str, Any]) -> None:
        words: dict[str, list[str]] = config.get("words") or {}
        self.patterns = {intent: re.compile(r"\b(?:" + "|".join(re.escape(w.lower()) for w in phrases) + r")\b")
                         for intent, phrases in words.items() if phrases}

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext, **kwargs: Any) -> CommandWords:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get(INTENT_NAME_KEY)
            text = message.get(TEXT)
            if name not in self.patterns or not isinstance(text, str) or text.lstrip().startswith("/"):
                continue
            if message.get(ENTITIES) or self.patterns[name].search(text.lower()):
                continue
            message.set(INTENT, {INTENT_NAME_KEY: TALK, "confidence": intent.get("confidence", 1.0)}, add_to_output=True)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != TALK]
            message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: TALK, "confidence": intent.get("confidence", 1.0)}, *ranking],
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
