"""The command line: `python -m bot <command>` (see `python -m bot --help`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.settings import get_settings


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_scenarios_list(args: argparse.Namespace) -> int:
    from bot.scenarios.loader import load_library

    library = load_library(get_settings().scenarios_dir)
    for problem in library.problems:
        print(f"left out: {problem}", file=sys.stderr)
    items = [s.summary() for s in sorted(library.scenarios.values(), key=lambda s: s.id)]
    if args.json:
        _print_json(items)
    else:
        for item in items:
            print(f"{item['id']:<28} {item['title']}  [{', '.join(item['difficulties'])}]")  # type: ignore[arg-type]
    return 0


def cmd_scenarios_validate(args: argparse.Namespace) -> int:
    from bot.scenarios.loader import load_files, scenario_files

    targets = [Path(p) for p in args.paths] or [get_settings().scenarios_dir]
    files = [f for t in targets for f in (scenario_files(t) if t.is_dir() else [t])]
    problems = load_files(files).problems
    for problem in problems:
        print(problem)
    if problems or not files:
        print(f"{len(problems)} problem(s) in {len(files)} file(s)", file=sys.stderr)
        return 1
    print(f"{len(files)} scenario file(s) OK", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from bot.practice import library, report
    from bot.scoring.chat_summary import chat_summary, moments_line

    data = report(args.sender_id)
    if data is None:
        print(f"No practice session found for sender '{args.sender_id}'.", file=sys.stderr)
        return 1
    if args.json:
        _print_json(data)
        return 0
    scenario = library().get(data["scenario"])
    verdicts = {m["turn"]: m for m in data["moments_of_truth"]["moments"]}
    for turn in data["transcript"]:
        moment = verdicts.get(turn["index"])
        told = f"  <- {moment['verdict']}: {'; '.join(moment['reasons'])}" if moment else ""
        print(f"#{turn['index']:<3} {turn['speaker']:>8} [{turn['stage']}]: {turn['text']}{told}")
    print()
    print(chat_summary(data, scenario) if scenario else f"Overall: {data['overall']}/100\n{moments_line(data)}")
    return 0


def cmd_rasa_data(args: argparse.Namespace) -> int:
    from bot import rasa_data
    from bot.scenarios.loader import load_library

    settings = get_settings()
    library = load_library(settings.scenarios_dir)
    if args.check:
        expected = {
            "generated_talk.yml": rasa_data.talk_nlu(settings.skills_dir),
            "generated_scenarios.yml": rasa_data.scenario_nlu(library),
        }
        stale = [name for name, text in expected.items()
                 if not (settings.project_root / "data" / "nlu" / name).exists()
                 or (settings.project_root / "data" / "nlu" / name).read_text(encoding="utf-8") != text]
        if stale:
            print(f"stale: data/nlu/{', data/nlu/'.join(stale)} - run `python -m bot rasa-data`", file=sys.stderr)
            return 1
        return 0
    for path in rasa_data.write(settings.project_root, library, settings.skills_dir):
        print(f"wrote {path.relative_to(settings.project_root)}", file=sys.stderr)
    return 0


def cmd_label(args: argparse.Namespace) -> int:
    from bot.skills.label_command import label_stream

    return label_stream(sys.stdin, sys.stdout, sys.stderr, batch_size=args.batch_size)


def cmd_skills_fit(args: argparse.Namespace) -> int:
    from bot.skills.fit import fit, is_stale
    from bot.skills.learned_fit import learned_is_stale
    from bot.skills.models import encoder

    settings = get_settings()
    out = settings.models_dir / "skills" / "thresholds.json"
    learned = settings.models_dir / "skills" / "learned.json"
    if not args.if_stale or is_stale(settings.skills_dir, out):
        _fit_thresholds(fit(settings.skills_dir, out, encoder()))
        print(f"wrote {out}", file=sys.stderr)
    if not args.if_stale or learned_is_stale(settings.skills_dir, learned):
        _fit_learned(settings, out, learned)
    return 0


def _fit_thresholds(stored: dict[str, Any]) -> None:
    for label, result in stored["leave_one_out"].items():
        print(f"{label:<20} threshold {result['threshold']:.2f}  leave-one-out F1 {result['f1']:.3f}  ({result['examples']} examples)",
              file=sys.stderr)
    if "reflection_form" in stored:
        form = stored["reflection_form"]
        print(f"{'reflection form':<20} {form['examples']} examples, cross-validated accuracy {form['cross_validated_accuracy']:.3f}",
              file=sys.stderr)


def _fit_learned(settings: Any, thresholds: Path, out: Path) -> None:
    from bot.skills.detector import SkillDetector, load_examples, load_reflection_form, load_thresholds
    from bot.skills.learned_fit import fit_and_store
    from bot.skills.models import encoder, nlp

    print("fitting the learned decisions on data/skills/examples (cross-writer folds)...", file=sys.stderr)
    rules_only = SkillDetector(nlp(), encoder(), load_examples(settings.skills_dir), load_thresholds(thresholds),
                               load_reflection_form(thresholds))
    report = fit_and_store(settings.skills_dir, out, rules_only)
    print(f"{report['lines']} lines by writers {', '.join(report['writers'])}", file=sys.stderr)
    for label, result in report["labels"].items():
        if "folds_f1" not in result:
            print(f"{label:<20} rules (F1 {result['rules_f1']:.3f}): {result['learned']}", file=sys.stderr)
            continue
        verdict = "learned decides" if result["decides"] else "rules decide"
        print(f"{label:<20} cross-writer F1 learned {result['folds_f1']:.3f} vs rules {result['rules_f1']:.3f}: {verdict}"
              f" (keep at {result['keep']:.2f}, add at {result['add']:.2f}, C {result['C']})", file=sys.stderr)
    print(f"wrote {out}", file=sys.stderr)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.store.db import migrate, revisions

    migrate()
    current, _ = revisions()
    print(f"database at revision {current}", file=sys.stderr)
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    from bot.store.db import DatabaseNotReady, check_revision

    try:
        check_revision()
    except DatabaseNotReady as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_endpoints(args: argparse.Namespace) -> int:
    from bot.rasa_endpoints import EndpointsError, write

    try:
        write(Path(args.out))
    except EndpointsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_secret(args: argparse.Namespace) -> int:
    from bot.settings import local_secret

    print(local_secret(args.name))
    return 0


def cmd_corrections_export(args: argparse.Namespace) -> int:
    from bot.review import corrected_examples
    from bot.store.db import check_revision, session_scope
    from bot.store.models import User

    check_revision()
    with session_scope() as db:
        examples = corrected_examples(db, User(role="admin"), only_corrected=not args.all_reviewed)
    for example in examples:
        sys.stdout.write(json.dumps(example, ensure_ascii=False) + "\n")
    print(f"exported {len(examples)} turn(s)", file=sys.stderr)
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    import uvicorn

    if cmd_db_check(args):
        return 2
    uvicorn.run("bot.web.app:app", host=args.host, port=args.port or get_settings().web_port, log_level="info")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m bot`."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Customer-service training chatbot tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    scenarios = commands.add_parser("scenarios", help="list or validate scenarios").add_subparsers(dest="action", required=True)
    listing = scenarios.add_parser("list", help="list the scenarios that load")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=cmd_scenarios_list)
    validate = scenarios.add_parser("validate", help="check scenario files; exit 1 on any problem")
    validate.add_argument("paths", nargs="*", help="files or folders (default: data/scenarios)")
    validate.set_defaults(func=cmd_scenarios_validate)

    report = commands.add_parser("report", help="a sender's latest scorecard and transcript")
    report.add_argument("sender_id")
    report.add_argument("--json", action="store_true", help="print JSON")
    report.set_defaults(func=cmd_report)

    rasa = commands.add_parser("rasa-data", help="regenerate Rasa NLU data from scenarios and skill examples")
    rasa.add_argument("--check", action="store_true", help="exit 1 if the generated files are stale")
    rasa.set_defaults(func=cmd_rasa_data)

    skills = commands.add_parser("skills", help="the skill detectors").add_subparsers(dest="action", required=True)
    fitting = skills.add_parser("fit", help="fit the per-label thresholds on data/skills and store them under models/")
    fitting.add_argument("--if-stale", action="store_true", help="only when the examples changed since the last fit")
    fitting.set_defaults(func=cmd_skills_fit)

    label = commands.add_parser("label", help="label JSON lines from stdin with skills, to stdout")
    label.add_argument("--batch-size", type=int, default=128)
    label.set_defaults(func=cmd_label)

    db = commands.add_parser("db", help="the app database").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="migrate the database to the newest revision (before starting the services)").set_defaults(
        func=cmd_db_upgrade)
    db.add_parser("check", help="exit 1 unless the database is at the newest revision").set_defaults(func=cmd_db_check)

    endpoints = commands.add_parser("endpoints", help="write Rasa's endpoints file from ACTION_SERVER_URL, TRACKER_STORE_URL, REDIS_URL")
    endpoints.add_argument("--out", default="var/endpoints.yml")
    endpoints.set_defaults(func=cmd_endpoints)

    secret = commands.add_parser("secret", help="print a shared secret (from the environment, else generated under var/secrets/)")
    secret.add_argument("name", choices=["RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN", "SESSION_SECRET"])
    secret.set_defaults(func=cmd_secret)

    corrections = commands.add_parser("corrections", help="coaches' label corrections").add_subparsers(dest="action", required=True)
    export = corrections.add_parser("export", help="corrected trainee turns as JSON lines in the `bot label` format")
    export.add_argument("--all-reviewed", action="store_true", help="also the reviewed turns whose labels the coach kept")
    export.set_defaults(func=cmd_corrections_export)

    from bot.users_cli import add_parsers as add_users

    add_users(commands)

    from bot.recovery import add_parser as add_rescore

    add_rescore(commands)

    web = commands.add_parser("web", help="run the web app")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=0)
    web.set_defaults(func=cmd_web)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    from bot.store.db import DatabaseNotReady

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except DatabaseNotReady as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
