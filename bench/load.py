"""Load: N simulated trainees playing whole sessions at once through Rasa's REST channel, against the real stack
and, in the same run, against a plain Rasa bot with no custom actions (`rasa init`'s), to compare.

Reports reply latency (p50/p95/p99), turns per second, errors, and turns sent against turns stored; writes its
section of docs/benchmarks.md. Run: `.venv/bin/python -m bench.load [--trainees 50]` (a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.playtests import sessions, write_section
from tests.stack import RASA, Stack, free_port, start_stack

SECTION = "## Load"
LINES_PER_SESSION = 6


@dataclass
class LoadResult:
    """What one load run measured."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    #: lines answered with no message at all
    unanswered: int = 0
    sent: int = 0
    seconds: float = 0.0
    #: per simulated trainee: how many lines they sent
    sent_by: dict[str, int] = field(default_factory=dict)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def fault_replies() -> tuple[str, ...]:
    """What the product says when it could not serve a line (each counts as an error): the customer stepped away,
    the server hit a problem, the database was out of reach, the customer could not answer."""
    from actions.delivery import SERVER_TROUBLE
    from bot.channels.faults import STEPPED_AWAY
    from bot.practice import DATABASE_AWAY, CustomerUnavailable

    return STEPPED_AWAY, SERVER_TROUBLE, DATABASE_AWAY, str(CustomerUnavailable())


def _trainee(url: str, sender: str, lines: list[str], result: LoadResult, faults: tuple[str, ...] = ()) -> None:
    """One trainee's session, line by line; like a real trainee they stop once the customer has left. An error is a
    failed request, or a reply that is one of `faults`; an empty answer is counted apart (the plain bot has lines
    it gives no answer to)."""
    with httpx.Client(timeout=120) as client:
        for text in lines:
            started = time.perf_counter()
            ended = False
            try:
                response = client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
                response.raise_for_status()
                messages = [m for m in response.json() if isinstance(m, dict)]
                ok = not any(m.get("text") in faults for m in messages)
                result.unanswered += not messages
                ended = any(((m.get("custom") or {}).get("data") or {}).get("ended") for m in messages)
            except (httpx.HTTPError, ValueError, TypeError):
                ok = False
            result.latencies.append(time.perf_counter() - started)
            result.sent += 1
            result.sent_by[sender] = result.sent_by.get(sender, 0) + 1
            result.errors += not ok
            if ended:
                break


def run_load(url: str, scripts: list[list[str]], prefix: str, faults: tuple[str, ...] = ()) -> LoadResult:
    """Every script played at once by its own simulated trainee."""
    result = LoadResult()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(scripts)) as pool:
        for i, lines in enumerate(scripts):
            pool.submit(_trainee, url, f"{prefix}-{i}", lines, result, faults)
    result.seconds = time.perf_counter() - started
    return result


def scripts_for(trainees: int) -> list[list[str]]:
    """Whole sessions from the play-test corpus, one per trainee (round robin), each opened with /start."""
    corpus = sessions()
    out = []
    for i in range(trainees):
        item = corpus[i % len(corpus)]
        start = f'/start{{"scenario": "{item["scenario"]}", "difficulty": "{item["difficulty"]}"}}'
        out.append([start, *item["lines"][:LINES_PER_SESSION]])
    return out


def stored_turns(stack: Stack, prefix: str) -> dict[str, int]:
    """Per simulated trainee: their turns in the app tables, plus one per started session (the /start line)."""
    with sqlite3.connect(stack.database_url.removeprefix("sqlite:///")) as db:
        turns = db.execute("SELECT s.sender_id, COUNT(*) FROM turns t JOIN practice_sessions s ON s.id = t.session_id "
                           "WHERE s.sender_id LIKE ? AND t.speaker = 'trainee' GROUP BY s.sender_id", (f"{prefix}-%",)).fetchall()
        started = db.execute("SELECT sender_id, COUNT(*) FROM practice_sessions WHERE sender_id LIKE ? GROUP BY sender_id",
                             (f"{prefix}-%",)).fetchall()
    out: dict[str, int] = {}
    for sender, count in [*turns, *started]:
        out[sender] = out.get(sender, 0) + int(count)
    return out


def plain_rasa(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`rasa init`'s bot (no custom actions), trained and serving REST on a free port."""
    subprocess.run([str(RASA), "init", "--no-prompt", "--init-dir", str(workdir)], cwd=workdir, check=True,
                   capture_output=True, timeout=1800)
    port = free_port()
    process = subprocess.Popen([str(RASA), "run", "-i", "127.0.0.1", "--port", str(port)], cwd=workdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(1)
    process.kill()
    raise RuntimeError("the plain Rasa bot did not come up")


def report(trainees: int, ours: LoadResult, stored: int, plain: LoadResult) -> str:
    from bench.__main__ import commit, machine

    def row(name: str, r: LoadResult) -> str:
        return (f"| {name} | {r.percentile(0.5):.2f} s | {r.percentile(0.95):.2f} s | {r.percentile(0.99):.2f} s | "
                f"{r.sent / r.seconds:.1f} | {r.errors} | {r.unanswered} |")

    ratio = ours.percentile(0.95) / plain.percentile(0.95) if plain.percentile(0.95) else float("inf")
    median_ratio = ours.percentile(0.5) / plain.percentile(0.5) if plain.percentile(0.5) else float("inf")
    return "\n".join([
        SECTION, "", f"{trainees} simulated trainees at once, each playing a whole session ({LINES_PER_SESSION} lines after "
        f"/start, from the play-test corpus) through Rasa's REST channel (`python -m bench.load`), at commit {commit()} "
        f"on {machine()}.", "",
        "| server | p50 | p95 | p99 | turns/s | errors | no answer |", "|---|---|---|---|---|---|---|",
        row("this product (Rasa + action server + detectors)", ours), row("plain Rasa bot, no custom actions", plain), "",
        f"Turns sent {ours.sent}, stored {stored} ({'none lost' if stored == ours.sent else '**some lost**'}). "
        f"p95 against the plain bot's: {ratio:.1f}× (target ≤ 1.5×: {'met' if ratio <= 1.5 else '**not met**'}); "
        f"p50 against the plain bot's: {median_ratio:.0f}×.", "",
        "An error is a failed request or, for this product, one of its fault replies (the customer stepped away, the "
        "server hit a problem, the database was out of reach, the customer could not answer); the plain bot has no "
        "such replies, and lines its NLU has no response for come back with no answer.", "", ""])


def main(argv: list[str] | None = None) -> int:
    """Run both loads and write the report."""
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--trainees", type=int, default=50)
    args = parser.parse_args(argv)
    scripts = scripts_for(args.trainees)
    workdir = Path(tempfile.mkdtemp(prefix="trainer-load-"))
    try:
        (workdir / "stack").mkdir()
        stack = start_stack(workdir / "stack")
        try:
            ours = run_load(stack.rasa_url, scripts, "load", fault_replies())
            stored_by = stored_turns(stack, "load")
            stored = sum(stored_by.values())
            for sender, sent in sorted(ours.sent_by.items()):
                if stored_by.get(sender, 0) != sent:
                    print(f"{sender}: sent {sent}, stored {stored_by.get(sender, 0)}", file=sys.stderr)
            if os.environ.get("LOAD_KEEP"):
                shutil.copytree(workdir / "stack", os.environ["LOAD_KEEP"], dirs_exist_ok=True)
        finally:
            stack.stop()
        (workdir / "plain").mkdir()
        process, url = plain_rasa(workdir / "plain")
        try:
            plain = run_load(url, [["hello", *lines[1:]] for lines in scripts], "plain")
        finally:
            process.terminate()
            process.wait(timeout=30)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = report(args.trainees, ours, stored, plain)
    write_section(text, section=SECTION)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
