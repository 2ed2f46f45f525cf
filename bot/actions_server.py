"""The action server Rasa calls over HTTP: rasa-sdk's app, locked to Rasa's shared token, models warmed before /health."""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import zlib
from collections.abc import Sequence
from typing import Any

log = logging.getLogger("bot.actions_server")

#: Largest decompressed action call accepted (a tracker of a very long session is well under this).
MAX_CALL_BYTES = 20 * 1024 * 1024


def warm_up() -> None:
    """Check the database is migrated, load the scenarios and the skill models once, before serving."""
    from bot.practice import _database_ready, library
    from bot.skills.detector import get_detector

    _database_ready()
    log.info("scenarios loaded: %s", ", ".join(sorted(library().scenarios)) or "none")
    get_detector().detect("Hello, thanks for waiting.", None)
    log.info("skill detectors ready")


def call_problem(body: bytes, encoding: str | None) -> str | None:
    """Why a /webhook body is not an action call Rasa would send, or None if it is one."""
    try:
        raw = zlib.decompressobj().decompress(body, MAX_CALL_BYTES) if encoding == "deflate" else body
        call: Any = json.loads(raw)
    except (zlib.error, ValueError):
        return "the body must be a JSON object (an action call)"
    if not isinstance(call, dict):
        return "the body must be a JSON object (an action call)"
    if not isinstance(call.get("next_action"), str) or not call["next_action"]:
        return "next_action must be the name of an action"
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str) or not isinstance(tracker.get("events", []), list):
        return "tracker must be an object with sender_id (text) and events (a list)"
    if not isinstance(tracker.get("slots", {}), dict):
        return "tracker.slots must be an object"
    return None


def token_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of the token Rasa sent with ours."""
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def guard(app: Any, token: str) -> None:
    """Refuse calls without Rasa's token, and malformed calls with a 4xx that never echoes the body."""
    from sanic import response

    @app.on_request
    async def _check(request: Any) -> Any:
        if request.path == "/health":
            return None
        if not token_matches(request.args.get("token", ""), token):
            return response.json({"error": "missing or wrong token (set action_endpoint.token in Rasa's endpoints)"}, status=401)
        if request.path == "/webhook" and request.method == "POST":
            problem = call_problem(request.body, request.headers.get("Content-Encoding"))
            if problem:
                return response.json({"error": problem, "action_name": None}, status=400)
        return None

    @app.on_response
    async def _no_echo(request: Any, reply: Any) -> Any:
        # rasa-sdk's own error handler puts the request body (the whole tracker) into its 500 reply.
        if reply.status >= 500:
            return response.json({"error": "the action server hit a problem; see its log"}, status=reply.status)
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the action server in this process."""
    parser = argparse.ArgumentParser(prog="python -m bot.actions_server")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTION_HOST", "127.0.0.1"))
    parser.add_argument("--actions", default="actions", help="the package holding the actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from bot.settings import SERVING_MODEL_THREADS

    os.environ.setdefault("MODEL_THREADS", SERVING_MODEL_THREADS)

    from rasa_sdk.endpoint import create_app
    from rasa_sdk.executor import ActionExecutor

    from bot.settings import get_settings
    from bot.store.db import DatabaseNotReady

    try:
        warm_up()
    except DatabaseNotReady as exc:
        log.error("%s", exc)
        return 2
    executor = ActionExecutor()
    executor.register_package(args.actions)
    # Only Rasa calls this server: no browser origin needs CORS.
    app = create_app(executor, cors_origins=[])
    guard(app, get_settings().action_server_token)
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
