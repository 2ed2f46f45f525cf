"""Bulk labelling: JSON lines in ({"id","text","context"}), JSON lines out ({"id","labels"}).

`context` is the customer's previous message, or a list of everything they said so far in order, or null.
"""

from __future__ import annotations

import json
import time
from typing import Any, TextIO


def _parse(line: str, number: int) -> tuple[dict[str, Any] | None, str | None]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"line {number}: not JSON ({exc.msg})"
    if not isinstance(item, dict) or "text" not in item:
        return None, f"line {number}: needs an object with \"id\" and \"text\""
    context = item.get("context")
    if not (context is None or isinstance(context, str) or (isinstance(context, list) and all(isinstance(c, str) for c in context))):
        return None, f"line {number}: \"context\" must be the customer's last message, a list of their messages, or null"
    return item, None


def label_stream(stdin: TextIO, stdout: TextIO, stderr: TextIO, batch_size: int = 128) -> int:
    """Label every line of stdin in input order; bad lines are reported and answered with an error."""
    from bot.skills.detector import get_detector

    started = time.monotonic()
    lines = [line for line in stdin.read().splitlines() if line.strip()]
    stderr.write(f"label: {len(lines)} line(s); loading models...\n")
    detector = get_detector()
    stderr.write(f"label: models ready in {time.monotonic() - started:.1f}s\n")
    failures = 0
    for start in range(0, len(lines), batch_size):
        chunk = lines[start : start + batch_size]
        parsed = [_parse(line, start + i + 1) for i, line in enumerate(chunk)]
        good = [item for item, error in parsed if item is not None]
        results = iter(detector.detect_many([(str(item.get("text") or ""), item.get("context")) for item in good]))
        for item, error in parsed:
            if item is None:
                failures += 1
                stderr.write(f"label: {error}\n")
                stdout.write(json.dumps({"id": None, "labels": [], "error": error}) + "\n")
                continue
            labels = sorted({d.label for d in next(results)})
            stdout.write(json.dumps({"id": item.get("id"), "labels": labels}, ensure_ascii=False) + "\n")
        done = min(start + batch_size, len(lines))
        stderr.write(f"label: {done}/{len(lines)} ({time.monotonic() - started:.1f}s)\n")
    stdout.flush()
    return 1 if failures else 0
