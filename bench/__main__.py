"""`python -m bench` (make bench): detector quality and speed, written to docs/benchmarks.md."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.mapping import mi_question, mi_reflection, question_shape
from bench.playtests import write_sections
from bot.settings import PROJECT_ROOT
from bot.skills.labels import LABELS

HERE = Path(__file__).resolve().parent
HELDOUT = HERE / "data" / "heldout_customer_service.jsonl"
#: Written by writers who saw only the definitions, before any tuning on them (data/skills/examples/README.md):
#: h1 by a third writer, h2 (2026-12-03) by another, before the question forms were reworked that day.
INDEPENDENT = (HERE / "data" / "heldout_independent_h1.jsonl", HERE / "data" / "heldout_independent_h2.jsonl")
CONVERSATIONS = HERE / "data" / "heldout_conversations.jsonl"
EVAL = Path(os.environ.get("EVAL_DIR", PROJECT_ROOT.parent / "shared" / "eval"))
REPORT = PROJECT_ROOT / "docs" / "benchmarks.md"
LABEL_LINES = 1000

TARGETS = {"annomi_questions_accuracy": 0.82, "annomi_reflections_f1": 0.65, "heldout_macro_f1": 0.85, "external_macro_f1": 0.85, "label_1000_seconds": 30.0}
REFERENCES = ("wh-word rule: accuracy 0.757 on questions (whole AnnoMI); stock-phrase rule: F1 0.379 on reflections; "
              "one human expert against the majority of nine others: 0.818 on open vs closed.")


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def heldout_quality(detector: Any, path: Path = HELDOUT) -> dict[str, Any]:
    """A held-out set of labelled lines (`text`, `context`, `labels`), measured."""
    rows = _load(path)
    found = [{d.label for d in ds} for ds in detector.detect_many([(r["text"], r["context"]) for r in rows])]
    return _label_quality(found, [set(r["labels"]) for r in rows])


def external_quality(detector: Any) -> dict[str, Any] | None:
    """cs_skills_dev: customer-service lines written and labelled outside the team (measured only, never read for rules)."""
    path = EVAL / "cs_skills_dev.jsonl"
    if not path.exists():
        return None
    rows = _load(path)
    found = [{d.label for d in ds} for ds in detector.detect_many([(r["text"], r["context"]) for r in rows])]
    return _label_quality(found, [set(r["labels"]) for r in rows])


def customer_probes() -> tuple[int, int]:
    """The customer's language: person swap and feelings cases of data/skills/cases.jsonl right, of all of them."""
    from bot.language import swap_person, understand

    cases = [c for c in _load(PROJECT_ROOT / "data" / "skills" / "cases.jsonl") if "swap" in c or "feelings" in c]
    right = 0
    for case in cases:
        analysis = understand(case["text"])
        swapped = "swap" not in case or swap_person(analysis) == case["swap"]
        named = sorted([f.family, f.whose] for f in analysis.feelings if not f.negated)
        right += swapped and ("feelings" not in case or named == sorted(case["feelings"]))
    return right, len(cases)


def conversation_quality(detector: Any) -> dict[str, Any]:
    """Every trainee turn of whole conversations, judged as in practice: against all the customer said so far."""
    conversations = _load(CONVERSATIONS)
    turns: list[tuple[str, list[str], set[str]]] = []
    for conversation in conversations:
        heard: list[str] = []
        for turn in conversation["turns"]:
            if "customer" in turn:
                heard.append(turn["customer"])
            else:
                turns.append((turn["trainee"], list(heard), set(turn["labels"])))
    golds = [labels for _, _, labels in turns]
    found = [{d.label for d in ds} for ds in detector.detect_many([(text, heard) for text, heard, _ in turns])]
    last_only = [{d.label for d in ds} for ds in detector.detect_many([(text, heard[-1:]) for text, heard, _ in turns])]
    return {**_label_quality(found, golds), "conversations": len(conversations),
            "last_only": _label_quality(last_only, golds)}


def _label_quality(found: list[set[str]], golds: list[set[str]]) -> dict[str, Any]:
    per_label = {}
    for label in LABELS:
        tp = sum(label in f and label in g for f, g in zip(found, golds, strict=True))
        fp = sum(label in f and label not in g for f, g in zip(found, golds, strict=True))
        fn = sum(label not in f and label in g for f, g in zip(found, golds, strict=True))
        per_label[label] = (*_prf(tp, fp, fn), tp + fn)
    exact = sum(f == g for f, g in zip(found, golds, strict=True)) / len(golds)
    # Over the labels that occur (in the answers or the guesses): one that never occurs has no F1 to average.
    macro = statistics.mean(v[2] for label, v in per_label.items() if v[3] or any(label in f for f in found))
    return {"rows": len(golds), "per_label": per_label, "macro_f1": macro, "exact_match": exact}


def annomi_quality(detector: Any) -> dict[str, Any] | None:
    questions_file, reflections_file = EVAL / "annomi_questions_dev.jsonl", EVAL / "annomi_reflections_dev.jsonl"
    if not (questions_file.exists() and reflections_file.exists()):
        return None
    questions = _load(questions_file)
    predicted = [mi_question(ds) for ds in detector.detect_many([(q["text"], q["context"]) for q in questions])]
    accuracy = sum(p == q["label"] for p, q in zip(predicted, questions, strict=True)) / len(questions)
    disagreements = _disagreements(detector, questions, predicted)
    by_class = {}
    for label in ("open_question", "closed_question"):
        tp = sum(p == label and q["label"] == label for p, q in zip(predicted, questions, strict=True))
        fp = sum(p == label and q["label"] != label for p, q in zip(predicted, questions, strict=True))
        fn = sum(p != label and q["label"] == label for p, q in zip(predicted, questions, strict=True))
        by_class[label] = _prf(tp, fp, fn)
    reflections = _load(reflections_file)
    guessed = [mi_reflection(ds) for ds in detector.detect_many([(r["text"], r["context"]) for r in reflections])]
    histories = _conversations(reflections)
    so_far = [mi_reflection(ds) for ds in detector.detect_many([(r["text"], h) for r, h in zip(reflections, histories, strict=True)])]
    groups = _context_groups(detector, reflections)
    by_context: dict[str, tuple[int, int, float, float, float]] = {}
    for group in CONTEXT_GROUPS:
        pairs = [(g, r) for g, r, k in zip(guessed, reflections, groups, strict=True) if k == group]
        by_context[group] = (len(pairs), sum(r["label"] == "reflection" for _, r in pairs), *_reflection_prf(pairs))
    by_coders = {}
    for group, several in (("one expert", False), ("several experts", True)):
        right = [p == q["label"] for p, q in zip(predicted, questions, strict=True) if _several_coders(q) == several]
        pairs = [(g, r) for g, r in zip(guessed, reflections, strict=True) if _several_coders(r) == several]
        by_coders[group] = (len(right), sum(right), *_wilson(sum(right), len(right)), len(pairs), _reflection_prf(pairs)[2])
    return {"questions": len(questions), "accuracy": accuracy, "by_class": by_class, "disagreements": disagreements,
            "reflections": len(reflections), "reflection_prf": _reflection_prf(list(zip(guessed, reflections, strict=True))),
            "by_context": by_context, "so_far_prf": _reflection_prf(list(zip(so_far, reflections, strict=True))),
            "by_coders": by_coders}


def _several_coders(row: dict[str, Any]) -> bool:
    return int(row["meta"].get("n_annotators") or 1) > 1


def _wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (sound for small samples and proportions near 1)."""
    if not n:
        return 0.0, 0.0
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((share * (1 - share) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return centre - half, centre + half


def _reflection_prf(pairs: list[tuple[str, dict[str, Any]]]) -> tuple[float, float, float]:
    tp = sum(g == "reflection" and r["label"] == "reflection" for g, r in pairs)
    fp = sum(g == "reflection" and r["label"] != "reflection" for g, r in pairs)
    fn = sum(g != "reflection" and r["label"] == "reflection" for g, r in pairs)
    return _prf(tp, fp, fn)


def _conversations(rows: list[dict[str, Any]]) -> list[list[str]]:
    """Each line's client words so far in its transcript (the file's `context` fields in utterance order)."""
    heard: dict[Any, list[str]] = {}
    so_far: dict[int, list[str]] = {}
    for i in sorted(range(len(rows)), key=lambda i: (rows[i]["meta"]["transcript_id"], rows[i]["meta"]["utterance_id"])):
        history = heard.setdefault(rows[i]["meta"]["transcript_id"], [])
        context = rows[i]["context"]
        if context and (not history or history[-1] != context):
            history.append(context)
        so_far[i] = list(history)
    return [so_far[i] for i in range(len(rows))]


CONTEXT_GROUPS = ("too thin to check (\"Mm.\", \"Yeah.\")", "shares a content word with the line",
                  "shares none with the line (a reflection there reflects earlier talk)")


def _context_groups(detector: Any, rows: list[dict[str, Any]]) -> list[str]:
    """What the client's last words give a restatement to be checked against (counts only, no text)."""
    from bot.language.text import tidy
    from bot.skills.restating import content_lemmas as _content_lemmas
    from bot.skills.restating import informative

    untagged = ["parser", "ner"]  # content words need tags and lemmas only, as in the detector's own context check
    docs = detector.nlp.pipe([tidy(r["text"]) for r in rows], disable=untagged)
    contexts = detector.nlp.pipe([tidy(r["context"] or "") for r in rows], disable=untagged)
    return [CONTEXT_GROUPS[0] if not informative(_content_lemmas(context)) else
            CONTEXT_GROUPS[1] if _content_lemmas(doc) & _content_lemmas(context) else CONTEXT_GROUPS[2]
            for doc, context in zip(docs, contexts, strict=True)]


def _disagreements(detector: Any, questions: list[dict[str, Any]], predicted: list[str]) -> Counter[tuple[str, str]]:
    """Where we and the AnnoMI coder disagree, by the plain form of the last question (counts only, no text)."""
    from bot.language.text import tidy

    counts: Counter[tuple[str, str]] = Counter()
    for question, guess in zip(questions, predicted, strict=True):
        if guess == question["label"]:
            continue
        doc = detector.nlp(tidy(question["text"]))
        sentences = [s for s in doc.sents if s.text.strip()]
        asked = [s for s in sentences if "?" in s.text] or sentences[-1:]
        words = [t.lower_ for t in asked[-1] if t.is_alpha] if asked else []
        counts[(question_shape(words, bool(asked) and "?" in asked[-1].text), question["label"])] += 1
    return counts


def label_speed() -> dict[str, Any]:
    """1,000 lines through `python -m bot label` in a fresh process, model loading included."""
    rows = _load(HELDOUT)
    lines = [json.dumps({"id": f"{i}", "text": rows[i % len(rows)]["text"], "context": rows[i % len(rows)]["context"]})
             for i in range(LABEL_LINES)]
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "bot", "label"], input="\n".join(lines) + "\n",
                            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600)
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out = result.stdout.splitlines()
    return {"seconds": seconds, "ok": result.returncode == 0 and len(out) == LABEL_LINES, "peak_mb": peak_mb}


def message_latency(detector: Any) -> dict[str, float]:
    """Detecting one trainee message, as the action server does per turn (models already loaded)."""
    rows = _load(HELDOUT)
    timings = []
    for row in rows * 3:
        started = time.perf_counter()
        detector.detect(row["text"], row["context"])
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"p50_ms": timings[len(timings) // 2], "p95_ms": timings[int(len(timings) * 0.95)]}


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    return result.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def verdict(value: float, target: float, lower_is_better: bool = False) -> str:
    met = value <= target if lower_is_better else value >= target
    return "met" if met else "**not met**"


def report(held: dict[str, Any], conversations: dict[str, Any], annomi: dict[str, Any] | None, speed: dict[str, Any],
           latency: dict[str, float], external: dict[str, Any] | None = None, probes: tuple[int, int] = (0, 0),
           independent: dict[str, dict[str, Any]] | None = None) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit()}, on {machine()}.",
        "",
        "## Skill detectors",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
    ]
    if annomi:
        p, r, f = annomi["reflection_prf"]
        lines.append(f"| AnnoMI questions (dev, {annomi['questions']}): accuracy open vs closed | {annomi['accuracy']:.3f} | "
                     f"≥ {TARGETS['annomi_questions_accuracy']} | {verdict(annomi['accuracy'], TARGETS['annomi_questions_accuracy'])} |")
        lines.append(f"| AnnoMI reflections (dev, {annomi['reflections']}): F1 (P {p:.3f}, R {r:.3f}) | {f:.3f} | "
                     f"≥ {TARGETS['annomi_reflections_f1']} | {verdict(f, TARGETS['annomi_reflections_f1'])} |")
    else:
        lines.append(f"| AnnoMI | not measured: no files under {EVAL} | | |")
    lines.append(f"| own held-out customer-service set ({held['rows']} lines): macro-F1 over all labels | {held['macro_f1']:.3f} | "
                 f"≥ {TARGETS['heldout_macro_f1']} | {verdict(held['macro_f1'], TARGETS['heldout_macro_f1'])} |")
    lines.append(f"| own held-out set: every label of a line right | {held['exact_match']:.3f} | | |")
    if external:
        feeling = external["per_label"]["restate_feeling"]
        lines.append(f"| lines written outside the team (cs_skills_dev, {external['rows']}): macro-F1 over all labels | "
                     f"{external['macro_f1']:.3f} | ≥ {TARGETS['external_macro_f1']} | "
                     f"{verdict(external['macro_f1'], TARGETS['external_macro_f1'])} |")
        lines.append(f"| the same: restate_feeling recall (precision {feeling[0]:.3f}) | {feeling[1]:.3f} | ≥ 0.8 | "
                     f"{verdict(feeling[1], 0.8)} |")
    for name, quality in (independent or {}).items():
        feeling = quality["per_label"]["restate_feeling"]
        lines.append(f"| independent held-out set (`{name}`, {quality['rows']} lines, another writer): "
                     f"macro-F1 | {quality['macro_f1']:.3f} | | |")
        lines.append(f"| the same: restate_feeling recall (precision {feeling[0]:.3f}) | {feeling[1]:.3f} | | |")
    lines.append(f"| the customer's language: person swap and feelings cases (data/skills/cases.jsonl) right | "
                 f"{probes[0]}/{probes[1]} | all | {verdict(probes[0], probes[1]) if probes[1] else ''} |")
    lines.append(f"| own held-out conversations ({conversations['conversations']}, {conversations['rows']} trainee turns, each judged "
                 f"against all the customer said so far): macro-F1 | {conversations['macro_f1']:.3f} | | |")
    lines += ["", f"Reference points: {REFERENCES}", "",
              "AnnoMI mapping (docs/skills.md): MI open = `open_question` and not `factual_question`; MI closed = `closed_question` "
              "or `factual_question`, decided by the utterance's last question; MI reflection = `restate_feeling` or `restate_fact`. "
              "The AnnoMI files are only measured and used to choose thresholds (`python -m bench.choose`: the restatement-shape "
              "cut-offs in data/skills/reflection_form.yml), never trained on or copied here.", ""]
    if annomi:
        lines += ["| AnnoMI question class | precision | recall | F1 |", "|---|---|---|---|"]
        for label, (p, r, f) in annomi["by_class"].items():
            lines.append(f"| {label} | {p:.3f} | {r:.3f} | {f:.3f} |")
        lines += ["", "By how many experts coded the line's transcript (the file's `meta.n_annotators`). Most dev lines come "
                  "from transcripts one expert coded; a few from those several coded, the transcripts behind the 0.818 "
                  "human-expert reference (the file does not say whose label it keeps there). Few lines, hence the intervals:",
                  "",
                  "| lines coded by | questions | accuracy (95% interval) | reflections | reflections F1 |", "|---|---|---|---|---|"]
        for group, (n, right, low, high, n_reflections, f1) in annomi["by_coders"].items():
            lines.append(f"| {group} | {n} | {right / n if n else 0:.3f} ({low:.3f}–{high:.3f}) | {n_reflections} | {f1:.3f} |")
        lines += ["", "Where we and the AnnoMI coder disagree on questions, by the plain form of the utterance's last question "
                  "(our definitions in docs/skills.md call every yes/no question and every statement-with-a-question-mark "
                  "check closed):", "", "| form of the last question | coder: open, we: closed | coder: closed, we: open |",
                  "|---|---|---|"]
        shapes = sorted({shape for shape, _ in annomi["disagreements"]})
        for shape in shapes:
            lines.append(f"| {shape} | {annomi['disagreements'][(shape, 'open_question')]} | "
                         f"{annomi['disagreements'][(shape, 'closed_question')]} |")
        lines += ["", "AnnoMI reflections by what the client's last words (the file's `context`) give to check a restatement "
                  "against. Our rule (docs/skills.md) credits a restatement only of what the customer said; in the product the "
                  "whole conversation so far is that context, in this file only the last client line is:", "",
                  "| client's last words | lines | reflections | precision | recall | F1 |", "|---|---|---|---|---|---|"]
        for group, (n, positives, p, r, f) in annomi["by_context"].items():
            lines.append(f"| {group} | {n} | {positives} | {p:.3f} | {r:.3f} | {f:.3f} |")
        p, r, f = annomi["so_far_prf"]
        lines += ["", "The same reflections judged as the product judges a practice turn, against all the client's words so far in "
                  f"the transcript (rebuilt from the file's `context` fields in utterance order): precision {p:.3f}, recall {r:.3f}, "
                  f"F1 {f:.3f}. With earlier client words to check against, the shape no longer decides alone after thin last "
                  "words (\"Mm.\"): a line must share words or meaning with something the client said.", ""]
    lines += ["Own held-out set (`bench/data/heldout_customer_service.jsonl`, written for measuring only):", "",
              "| label | precision | recall | F1 | lines with it |", "|---|---|---|---|---|"]
    for label, (p, r, f, n) in held["per_label"].items():
        lines.append(f"| {label} | {p:.3f} | {r:.3f} | {f:.3f} | {n} |")
    last = conversations["last_only"]["per_label"]
    if external:
        lines += ["", "Lines written outside the team (`cs_skills_dev.jsonl` under the shared eval folder; measured only):", "",
                  "| label | precision | recall | F1 | lines with it |", "|---|---|---|---|---|"]
        for label, (p, r, f, n) in external["per_label"].items():
            lines.append(f"| {label} | {p:.3f} | {r:.3f} | {f:.3f} | {n} |")
    lines += ["", "Own held-out conversations (`bench/data/heldout_conversations.jsonl`, whole practice conversations written "
              "for measuring only): restating judged as in practice, against everything the customer said so far, and, to "
              "compare, against their last message only:", "",
              "| label | precision | recall | F1 | turns with it | F1 against the last message only |", "|---|---|---|---|---|---|"]
    for label, (p, r, f, n) in conversations["per_label"].items():
        lines.append(f"| {label} | {p:.3f} | {r:.3f} | {f:.3f} | {n} | {last[label][2]:.3f} |")
    lines += ["", "## Speed and memory", "", "| measure | value | target | |", "|---|---|---|---|",
              f"| `python -m bot label`, {LABEL_LINES} lines, model loading included | {speed['seconds']:.1f} s"
              f"{'' if speed['ok'] else ' (FAILED)'} | < {TARGETS['label_1000_seconds']:.0f} s | "
              f"{verdict(speed['seconds'], TARGETS['label_1000_seconds'], lower_is_better=True) if speed['ok'] else '**failed**'} |",
              f"| peak memory of that process | {speed['peak_mb']:.0f} MB | | |",
              f"| one trainee message through the detectors (models loaded): median | {latency['p50_ms']:.1f} ms | | |",
              f"| the same, 95th percentile | {latency['p95_ms']:.1f} ms | | |", ""]
    return "\n".join(lines)


def quick(detector: Any) -> str:
    """The quality numbers only (no AnnoMI, no speed), printed, docs/benchmarks.md left alone: for trying a change."""
    held, conversations, external = heldout_quality(detector), conversation_quality(detector), external_quality(detector)
    right, probes = customer_probes()
    out = [f"own held-out macro-F1 {held['macro_f1']:.3f}, exact {held['exact_match']:.3f}",
           f"customer probes (person swap, feelings): {right}/{probes} right",
           f"own held-out conversations macro-F1 {conversations['macro_f1']:.3f}"]
    for path in INDEPENDENT:
        independent = heldout_quality(detector, path)
        p, r, f, n = independent["per_label"]["restate_feeling"]
        out.append(f"independent held-out ({path.stem[-2:]}) macro-F1 {independent['macro_f1']:.3f}; "
                   f"restate_feeling P {p:.3f} R {r:.3f} ({n})")
        out += [f"  {label}: P {p:.2f} R {r:.2f} F1 {f:.2f} ({n})" for label, (p, r, f, n) in independent["per_label"].items()
                if "-v" in sys.argv[1:]]
    if external:
        p, r, f, n = external["per_label"]["restate_feeling"]
        out.append(f"cs_skills_dev macro-F1 {external['macro_f1']:.3f}; restate_feeling P {p:.3f} R {r:.3f} F1 {f:.3f} ({n})")
        out += [f"  {label}: P {p:.2f} R {r:.2f} F1 {f:.2f} ({n})" for label, (p, r, f, n) in external["per_label"].items()]
    return "\n".join(out)


def main() -> int:
    """Run every benchmark and write docs/benchmarks.md (`--quick`: the quality numbers only, printed)."""
    from bot.skills.detector import get_detector

    print("bench: loading models...", file=sys.stderr)
    detector = get_detector()
    if "--quick" in sys.argv[1:]:
        print(quick(detector))
        return 0
    print("bench: held-out set...", file=sys.stderr)
    held = heldout_quality(detector)
    conversations = conversation_quality(detector)
    external = external_quality(detector)
    print("bench: AnnoMI...", file=sys.stderr)
    annomi = annomi_quality(detector)
    print("bench: latency...", file=sys.stderr)
    latency = message_latency(detector)
    print(f"bench: label {LABEL_LINES} lines...", file=sys.stderr)
    speed = label_speed()
    independent = {path.name: heldout_quality(detector, path) for path in INDEPENDENT}
    text = report(held, conversations, annomi, speed, latency, external, customer_probes(), independent)
    write_sections(text, REPORT)  # the other benchmarks' sections (play-tests, load, start-up) stay
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
