"""Talk to Rasa's socket.io channel as the trainee page does; run with .venv-rasa's Python (it has python-socketio).
Long-polling: that engine.io client's websocket transport needs a newer aiohttp than Rasa pins.

Usage: python socketio_say.py RASA_URL < conversations.json, where each conversation is {"session_id": ..., "lines": [...]}.
Prints, as JSON, per conversation and line: the bot's texts, the live payload's data (None if none came) and any problem.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import socketio  # type: ignore[import-not-found]

WAIT_SECONDS = 90.0


async def converse(url: str, session_id: str, lines: list[str]) -> list[dict[str, Any]]:
    """Send each line and wait for the bot's answer: its messages up to the one with the live payload."""
    client = socketio.AsyncClient(reconnection=False)
    inbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
    client.on("bot_uttered", lambda message: inbox.put_nowait(message))
    client.on("disconnect", lambda *_: inbox.put_nowait(None))
    await client.connect(url, transports=["polling"])
    await client.emit("session_request", {"session_id": session_id})
    results = []
    for line in lines:
        result: dict[str, Any] = {"texts": [], "data": None, "problem": None}
        await client.emit("user_uttered", {"message": line, "session_id": session_id})
        while result["data"] is None and result["problem"] is None:
            try:
                message = await asyncio.wait_for(inbox.get(), WAIT_SECONDS)
            except asyncio.TimeoutError:  # noqa: UP041 - run by Python 3.10, where it is not the builtin
                result["problem"] = f"no answer within {WAIT_SECONDS:.0f} s"
                break
            if message is None:
                result["problem"] = "the server closed the connection"
            elif message.get("text"):
                result["texts"].append(message["text"])
            else:  # the live payload: Rasa emits the custom message's "data" as the event's whole body
                result["data"] = message
        results.append(result)
        if result["problem"]:
            break
    if client.connected:
        await client.disconnect()
    return results


async def main() -> None:
    url = sys.argv[1]
    conversations = json.load(sys.stdin)
    out = [await converse(url, c["session_id"], c["lines"]) for c in conversations]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    asyncio.run(main())
