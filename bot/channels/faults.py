"""What a channel says when the customer's side could not answer (standard library only, so the benchmarks and the
bot package can name it without importing Rasa)."""

#: Said when the action server gave no answer (down or restarting): the message itself is in the tracker store.
STEPPED_AWAY = (
    "The customer stepped away for a moment: the training server did not answer. "
    "Please send your message again in a moment."
)
