"""`python -m bot users ...`: add accounts, import a roster, make sure there is a first admin."""

from __future__ import annotations

import argparse
import csv
import getpass
import sys
from pathlib import Path
from typing import TextIO

from bot.settings import get_settings
from bot.store import accounts
from bot.store.db import check_revision, session_scope

ROSTER_COLUMNS = ("username", "role", "team", "password")


def _ask_password(prompt_in: TextIO) -> str:
    if prompt_in.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise accounts.AccountError("The two passwords differ.")
        return first
    return prompt_in.readline().rstrip("\n")


def cmd_users_add(args: argparse.Namespace) -> int:
    """Add an account (asks for the password when --password is left out)."""
    check_revision()
    try:
        password = args.password if args.password is not None else _ask_password(sys.stdin)
        with session_scope() as db:
            added = accounts.add_user(db, args.username, args.role, args.team, password)
            print(f"{'added' if added.created else 'updated'} {added.user.username} ({added.user.role}"
                  f"{', team ' + added.user.team.name if added.user.team else ''})"
                  f"{f'; attached {added.attached_sessions} stored session(s)' if added.attached_sessions else ''}")
    except accounts.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def import_roster(lines: TextIO, out: TextIO, err: TextIO) -> int:
    """Add or update every row of a roster CSV (username,role,team[,password]); prints generated passwords."""
    reader = csv.DictReader(lines)
    missing = [c for c in ("username", "role") if c not in (reader.fieldnames or [])]
    if missing:
        print(f"error: the roster needs a header row with the columns {', '.join(ROSTER_COLUMNS)} (missing: {', '.join(missing)})",
              file=err)
        return 1
    problems = 0
    writer = csv.writer(out)
    with session_scope() as db:
        for number, row in enumerate(reader, start=2):
            given = (row.get("password") or "") or None
            try:
                added = accounts.add_user(db, row.get("username") or "", (row.get("role") or "trainee").strip(),
                                          (row.get("team") or "").strip() or None, given)
            except accounts.AccountError as exc:
                db.rollback()
                print(f"line {number}: {exc}", file=err)
                problems += 1
                continue
            writer.writerow([added.user.username, added.user.role, added.user.team.name if added.user.team else "",
                             added.password or ("(as given)" if given else "(unchanged)"), "added" if added.created else "updated"])
    return 1 if problems else 0


def cmd_users_import(args: argparse.Namespace) -> int:
    check_revision()
    path = Path(args.path)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 1
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return import_roster(handle, sys.stdout, sys.stderr)


def cmd_users_ensure_admin(args: argparse.Namespace) -> int:
    """Create the first admin when there is none, and say how to sign in (exit 1, no traceback, when refused)."""
    check_revision()
    settings = get_settings()
    with session_scope() as db:
        if accounts.has_admin(db):
            print("An admin account exists; sign in at /login.", file=sys.stderr)
            return 0
        generated = None if settings.admin_password else accounts.generate_password()
        try:
            if settings.admin_password:
                accounts.check_password(settings.admin_password)
        except accounts.AccountError as exc:
            print(f"error: no admin was created: the password in ADMIN_PASSWORD is refused ({exc}) "
                  "Set ADMIN_PASSWORD to a longer one, or unset it to have one generated and printed.", file=sys.stderr)
            return 1
        try:
            added = accounts.add_user(db, args.username, "admin", None, settings.admin_password or generated)
        except accounts.AccountError as exc:
            print(f"error: no admin was created: {exc}", file=sys.stderr)
            return 1
    where = f"http://127.0.0.1:{settings.web_port}/login"
    if generated:
        print(f"Created the first admin. Sign in at {where} as '{added.user.username}' with the password: {generated}\n"
              "(generated now and shown only this once; set ADMIN_PASSWORD to choose it)", file=sys.stderr)
    else:
        print(f"Created the first admin. Sign in at {where} as '{added.user.username}' with the password in ADMIN_PASSWORD.",
              file=sys.stderr)
    return 0


def add_parsers(commands: argparse._SubParsersAction) -> None:
    """The `users` command and its actions."""
    users = commands.add_parser("users", help="accounts: add, import a roster, ensure a first admin").add_subparsers(
        dest="action", required=True)
    add = users.add_parser("add", help="add (or update) an account; asks for the password when --password is left out")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=["trainee", "coach", "admin"])
    add.add_argument("--team")
    add.add_argument("--password")
    add.set_defaults(func=cmd_users_add)
    roster = users.add_parser("import", help="add or update accounts from a CSV: username,role,team[,password]")
    roster.add_argument("path")
    roster.set_defaults(func=cmd_users_import)
    ensure = users.add_parser("ensure-admin", help="create the first admin when there is none (password: ADMIN_PASSWORD or generated)")
    ensure.add_argument("--username", default="admin")
    ensure.set_defaults(func=cmd_users_ensure_admin)
