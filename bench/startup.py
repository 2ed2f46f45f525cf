"""Start-up: how long `make run` takes on a fresh machine, and again when everything is set up (a warm start).

Clones the repository's HEAD into a temporary folder, empties pip's cache for it (as on a machine that never
installed these packages; the package registry is still reached), and runs `make run` there on free ports,
timing each phase from its own messages: set-up, training, the services answering (the printed URLs), and a
trainee's first reply over the REST channel. Then Ctrl-C (SIGINT to its process group), and `make run` again
in the same clone for the warm start. Writes its section of docs/benchmarks.md.
Run: `.venv/bin/python -m bench.startup` (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from bench.playtests import write_section
from bot.settings import PROJECT_ROOT
from tests.stack import free_port

SECTION = "## Start-up"
#: targets from the reliability issue, in seconds.
FIRST_RUN_TARGET = 600.0
WARM_START_TARGET = 60.0
#: what `make run` prints when all three services answer.
READY = "Press Ctrl-C to stop all three."
#: the phase each of make run's messages ends: (words in the message, phase).
PHASE_ENDS = (("Rasa environment ready.", "Rasa environment installed"), ("Bot environment ready.", "bot environment installed"),
              ("model ready:", "Rasa model trained"), (READY, "services answering"))
TIMEOUT = 40 * 60.0
#: the product's own settings (and an active virtualenv) are left out of the environment, as on a fresh machine.
PRODUCT_SETTINGS = ("VIRTUAL_ENV", "RASA_", "WEB_", "ACTION_", "DATABASE_URL", "TRACKER_STORE_URL", "REDIS_URL", "VAR_DIR",
                    "SLACK_", "TRAINER_", "CUSTOMER_VOICE_", "ADMIN_", "MAX_MESSAGE_CHARS", "DEFAULT_")


@dataclass
class Start:
    """One `make run`, timed from its launch."""

    #: (phase, seconds since launch) in the order they ended.
    phases: list[tuple[str, float]] = field(default_factory=list)
    #: seconds from launch until /start and one trainee line were answered.
    first_reply: float | None = None
    #: how it stopped on Ctrl-C: seconds from SIGINT to exit, and whether the three ports were free again.
    stop_seconds: float = 0.0
    ports_freed: bool = False
    output: list[str] = field(default_factory=list)

    @property
    def ready(self) -> float | None:
        """Seconds until the services answered, None if they never did."""
        return next((at for phase, at in self.phases if phase == "services answering"), None)


def _reader(stream: IO[bytes], lines: queue.Queue[tuple[float, str]]) -> None:
    for raw in iter(stream.readline, b""):
        lines.put((time.monotonic(), raw.decode("utf-8", "replace").rstrip()))
    lines.put((time.monotonic(), ""))


def _first_reply(web_rasa: str) -> None:
    """/start and one trainee line through the REST channel, each answered."""
    with httpx.Client(timeout=120) as client:
        for message in ("/start", "Hello, thanks for waiting. How can I help you today?"):
            reply = client.post(f"{web_rasa}/webhooks/rest/webhook", json={"sender": "bench-startup", "message": message})
            reply.raise_for_status()
            if not reply.json():
                raise RuntimeError(f"no reply to {message!r}")


def run_once(clone: Path, env: dict[str, str]) -> Start:
    """`make run` in the clone until its services answer and a trainee is answered, then Ctrl-C."""
    start = Start()
    launched = time.monotonic()
    process = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, lines), daemon=True).start()
    try:
        while start.ready is None:
            at, line = lines.get(timeout=max(1.0, TIMEOUT - (time.monotonic() - launched)))
            if not line and process.poll() is not None:
                raise RuntimeError("make run stopped before its services answered:\n" + "\n".join(start.output[-30:]))
            start.output.append(line)
            for words, phase in PHASE_ENDS:
                if words in line:
                    start.phases.append((phase, at - launched))
        _first_reply(f"http://127.0.0.1:{env['RASA_PORT']}")
        start.first_reply = time.monotonic() - launched
    finally:
        stopping = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        start.stop_seconds = time.monotonic() - stopping
        start.ports_freed = not any(_listening(int(env[port])) for port in ("RASA_PORT", "ACTION_PORT", "WEB_PORT"))
    return start


def _listening(port: int) -> bool:
    """Whether something still answers on this loopback port."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def report(first: Start, warm: Start, commit: str, machine: str) -> str:
    """The benchmarks page's start-up section."""
    def seconds(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"

    def verdict(value: float | None, target: float) -> str:
        return "met" if value is not None and value <= target else "**not met**"

    rows = [f"| first `make run`: {phase} | {seconds(at)} | | |" for phase, at in first.phases if phase != "services answering"]
    return "\n".join([
        SECTION, "",
        f"`make run` in a fresh clone of commit {commit} with an empty pip cache (the package registry still reached), "
        f"then again in the same clone (`python -m bench.startup`), on {machine}. Times are from the command's launch.", "",
        "| measure | value | target | |", "|---|---|---|---|", *rows,
        f"| first `make run`: services answering (URLs printed) | {seconds(first.ready)} | < 10 min | {verdict(first.ready, FIRST_RUN_TARGET)} |",
        f"| first `make run`: a trainee's first line answered | {seconds(first.first_reply)} | | |",
        f"| warm start: services answering | {seconds(warm.ready)} | < 60 s | {verdict(warm.ready, WARM_START_TARGET)} |",
        f"| warm start: a trainee's first line answered | {seconds(warm.first_reply)} | | |",
        f"| Ctrl-C: all three stopped, their ports free again | {warm.stop_seconds:.1f} s | | "
        f"{'yes' if warm.ports_freed and first.ports_freed else '**no**'} |", "", ""])


def main(argv: list[str] | None = None) -> int:
    """Time a first and a warm `make run` in a fresh clone and write the report."""
    from bench.__main__ import machine

    parser = argparse.ArgumentParser(prog="python -m bench.startup")
    parser.add_argument("--keep", action="store_true", help="keep the clone (its var/log) for a look afterwards")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="trainer-startup-"))
    clone = workdir / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(PROJECT_ROOT), str(clone)], check=True)
    cloned = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True, check=True).stdout.strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith(PRODUCT_SETTINGS)}
    env.update(PIP_CACHE_DIR=str(workdir / "pip-cache"), RASA_PORT=str(free_port()), ACTION_PORT=str(free_port()),
               WEB_PORT=str(free_port()), ADMIN_PASSWORD="bench-startup-admin")
    try:
        first = run_once(clone, env)
        warm = run_once(clone, env)
    finally:
        if args.keep:
            print(f"kept {clone}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = report(first, warm, cloned, machine())
    write_section(text, section=SECTION)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
