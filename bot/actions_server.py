"""The action server Rasa calls over HTTP: rasa-sdk's app, with models warmed before it answers /health."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence

log = logging.getLogger("bot.actions_server")


def warm_up() -> None:
    """Migrate the database, load the scenarios and the skill models once, before serving."""
    from bot.practice import _database_ready, library
    from bot.skills.detector import get_detector

    _database_ready()
    log.info("scenarios loaded: %s", ", ".join(sorted(library().scenarios)) or "none")
    get_detector().detect("Hello, thanks for waiting.", None)
    log.info("skill detectors ready")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the action server in this process."""
    parser = argparse.ArgumentParser(prog="python -m bot.actions_server")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTION_HOST", "127.0.0.1"))
    parser.add_argument("--actions", default="actions", help="the package holding the actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from rasa_sdk.endpoint import create_app
    from rasa_sdk.executor import ActionExecutor

    warm_up()
    executor = ActionExecutor()
    executor.register_package(args.actions)
    app = create_app(executor, cors_origins="*")
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
