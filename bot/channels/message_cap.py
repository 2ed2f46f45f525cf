"""An NLU step that keeps over-long messages from stalling Rasa: the NLU reads at most the first MAX characters.

The tracker store still keeps the whole message (the event's text comes from the channel, not from this step),
and the action server answers it with a clear reply. Runs inside Rasa: Rasa and the standard library only.
"""

from __future__ import annotations

import os
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

#: What the NLU reads of one message; matches the trainee page's limit and the action server's MAX_MESSAGE_CHARS.
DEFAULT_MAX_CHARS = 1000


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MessageCap(GraphComponent):
    """Cuts the text the NLU sees to `max_chars` (default: MAX_MESSAGE_CHARS or 1000)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_chars": None}

    def __init__(self, config: dict[str, Any]) -> None:
        configured = config.get("max_chars") or os.environ.get("MAX_MESSAGE_CHARS") or DEFAULT_MAX_CHARS
        self.max_chars = max(1, int(configured))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> MessageCap:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text: str | None = message.get(TEXT)
            if isinstance(text, str) and len(text) > self.max_chars:
                message.set(TEXT, text[: self.max_chars])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
