"""Where one trainee turn's time goes, inside the action server: the whole of `practice.respond` under cProfile,
over whole play-test sessions, split into the parts the reliability issue asks about (spaCy's parse, the
sentence embeddings, the learned decisions, the database, the customer's reply and the rest).

The models are loaded (and warmed on one line) before timing, as in a running action server. Writes its section
of docs/benchmarks.md. Run: `.venv/bin/python -m bench.turn_profile [--sessions 12]` (about a minute).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from bench.playtests import sessions, write_section

SECTION = "## Where a turn's time goes"
#: A function, as cProfile names it: a fragment of its file's path, and its name.
Function = tuple[str, str]
WHOLE: Function = ("bot/practice.py", "respond")
#: The parts of a turn that do not overlap, each the cumulative time of the functions named.
STORING: tuple[Function, ...] = (("bot/practice.py", "_hear_trainee"), ("bot/practice.py", "_store_reply"),
                                 ("bot/practice.py", "_finish"))
#: Wherever they are called in a turn (detecting the skills, the customer's turn and wording, the scorecard).
PARTS: tuple[tuple[str, tuple[Function, ...]], ...] = (
    ("spaCy's parse", (("spacy/language.py", "__call__"), ("spacy/language.py", "pipe"))),
    ("sentence embeddings (MiniLM, sentence-transformers)", (("bot/skills/detector.py", "_encode"),)),
    ("learned decisions (logistic regressions)", (("bot/skills/learned.py", "probabilities"),)),
)


def _cumulative(stats: pstats.Stats, file_part: str, name: str) -> float:
    total = 0.0
    for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if function == name and file_part in filename.replace(os.sep, "/"):
            total += cumulative
    return total


def profile(session_count: int) -> tuple[dict[str, float], float, int]:
    """Play the sessions through practice.respond: seconds per part, seconds of whole turns, turns played."""
    from bot import practice
    from bot.settings import SERVING_MODEL_THREADS, get_settings
    from bot.skills.detector import get_detector
    from bot.store.db import migrate

    os.environ.setdefault("MODEL_THREADS", SERVING_MODEL_THREADS)  # as the action server runs
    workdir = Path(tempfile.mkdtemp(prefix="trainer-profile-"))
    url = f"sqlite:///{workdir / 'trainer.db'}"
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    migrate(url)
    get_detector().detect("Hello, thanks for waiting.", None)  # models loaded and warm, as in a running server
    played = sessions()[:session_count]
    profiler = cProfile.Profile()
    turns = 0
    for number, item in enumerate(played):
        opened = practice.begin(f"profile-{number}", item["scenario"], item["difficulty"])
        state, session_id = opened.state, opened.session_id
        for line in item["lines"]:
            profiler.enable()
            try:
                exchange = practice.respond(f"profile-{number}", state, session_id, line)
            finally:
                profiler.disable()
            turns += 1
            state = exchange.state
            if not state or state.get("ended"):
                break
    stats = pstats.Stats(profiler)

    def seconds(functions: tuple[Function, ...]) -> float:
        return sum(_cumulative(stats, f, n) for f, n in functions)

    whole = seconds((WHOLE,))
    parts = {"storing the line and the reply (and, at the end, the scorecard): SQLite through SQLAlchemy": seconds(STORING)}
    parts.update({name: seconds(functions) for name, functions in PARTS})
    parts["the rules of the language pipeline and the skills, the customer's turn and wording, the rest"] = max(
        0.0, whole - sum(parts.values()))
    return parts, whole, turns


def encoder_threads(sentences: int = 3, repeats: int = 15) -> dict[int, float]:
    """Median milliseconds to encode a few sentences with one torch thread and with every core's."""
    import torch

    from bot.skills.detector import get_detector

    detector, texts = get_detector(), ["I'm so sorry about the wait, that must be frustrating.", "What happened?",
                                       "I can refund you today or send a new one by Friday."][:sentences]
    before, medians = torch.get_num_threads(), {}
    for threads in sorted({1, os.cpu_count() or 1}):
        torch.set_num_threads(threads)
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            detector._encode(texts)
            timings.append(time.perf_counter() - started)
        medians[threads] = 1000 * sorted(timings)[len(timings) // 2]
    torch.set_num_threads(before)
    return medians


def report(parts: dict[str, float], whole: float, turns: int, commit: str, machine: str,
           threads: dict[int, float] | None = None) -> str:
    """The benchmarks page's section."""
    rows = [f"| {name} | {seconds / turns * 1000:.0f} ms | {100 * seconds / whole:.0f}% |" for name, seconds in parts.items()]
    return "\n".join([
        SECTION, "",
        f"`practice.respond` (the action server's work on one trainee line: store it, detect the skills, take the "
        f"customer's turn, store the reply) under cProfile over {turns} play-test turns played one at a time, models "
        f"loaded and warm, the encoder on the action server's MODEL_THREADS, SQLite (`python -m bench.turn_profile`), at commit {commit} on {machine}. cProfile's own "
        "overhead is included, so the times are a little longer than unprofiled.", "",
        "| part | per turn | share |", "|---|---|---|", *rows,
        f"| **a whole turn** | **{whole / turns * 1000:.0f} ms** | 100% |", "",
        *([f"Encoding three sentences, median of 15, load average {os.getloadavg()[0]:.1f} at the time: "
           + ", ".join(f"{ms:.0f} ms with {n} torch thread{'s' if n > 1 else ''}" for n, ms in threads.items())
           + ". On busy cores (the action server shares them with Rasa and the web app, and under load with many "
           "turns at once) torch's threads wait for each other, so the action server encodes on one thread "
           "(MODEL_THREADS); before that, this table showed about 700 ms a turn, nearly all of it encoding.", ""]
          if threads else []), ""])


def main(argv: list[str] | None = None) -> int:
    """Profile and write the report."""
    from bench.__main__ import commit, machine

    parser = argparse.ArgumentParser(prog="python -m bench.turn_profile")
    parser.add_argument("--sessions", type=int, default=12)
    args = parser.parse_args(argv)
    parts, whole, turns = profile(args.sessions)
    text = report(parts, whole, turns, commit(), machine(), encoder_threads())
    write_section(text, section=SECTION)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
