"""Rasa's socket.io channel (the trainee page's) with room for a 1 MB line.

engine.io accepts packets of at most 1,000,000 bytes by default and drops the connection on a larger one, so a
trainee's 1 MB message (more once JSON-escaped) never reached Rasa: lost, with no reply. Here the limit is raised so
such a line arrives, is stored whole and gets the action server's "too long" reply, as on the REST channel.
Registered in credentials.yml by module path; the page still connects to /socket.io. Runs inside Rasa (Python 3.10):
Rasa and the standard library only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

#: The largest engine.io packet accepted: a 1,000,000-character line even when every character is JSON-escaped
#: (12 bytes for an emoji), with room for its metadata. Rasa's request limit (100 MB) stays the REST channel's.
MAX_PACKET_BYTES = 16 * 1024 * 1024


class RoomySocketIOInput(SocketIOInput):
    """The socket.io channel, with engine.io's packet limit raised to MAX_PACKET_BYTES."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        assert self.sio is not None, "Rasa's blueprint() sets the server it made"
        self.sio.eio.max_http_buffer_size = MAX_PACKET_BYTES
        return webhook
