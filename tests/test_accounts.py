"""Accounts: the 0002_accounts migration keeps stored sessions, `bot users` on the command line, sign-in rules."""

from __future__ import annotations

import os
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from bot.settings import PROJECT_ROOT
from bot.store import accounts
from bot.store.db import MIGRATIONS, migrate, session_scope
from tests.pg import as_sqlalchemy, temporary_database
from tests.stack import PYTHON


def alembic(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


#: A trainee name longer than a username (64 characters): its account gets the first 64, and its sessions.
LONG_NAME = "Alexandra " + "Montgomery-" * 6 + "Smythe of the Night Shift"
OLD_TRAINEES = ["Sam Lee", "sam lee", "Robin", "Robin", LONG_NAME, LONG_NAME.upper()]


def migrate_with_old_sessions(url: str) -> None:
    """A database at revision 0001 with sessions stored under trainee names, then upgraded."""
    command.upgrade(alembic(url), "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        for trainee in OLD_TRAINEES:
            connection.execute(text(
                "INSERT INTO practice_sessions (id, sender_id, trainee, channel, scenario_id, difficulty, started_at) "
                "VALUES (:id, :sender, :trainee, 'rest', 'cafe_late_order', 'patient', :at)"),
                {"id": str(uuid.uuid4()), "sender": trainee, "trainee": trainee, "at": datetime.now(UTC)})
    engine.dispose()
    command.upgrade(alembic(url), "head")


def check_sessions_attached(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        users = dict(connection.execute(text("SELECT lower(username), id FROM users")).all())
        owned = connection.execute(text("SELECT trainee, user_id FROM practice_sessions")).all()
    engine.dispose()
    assert set(users) == {"sam lee", "robin", LONG_NAME[:64].lower()} and len(LONG_NAME) > 64
    assert len(owned) == len(OLD_TRAINEES)
    assert all(user_id == users[trainee[:64].lower()] for trainee, user_id in owned), "every stored session keeps its trainee"


def test_the_accounts_migration_attaches_stored_sessions_to_accounts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate_with_old_sessions(url)
    check_sessions_attached(url)
    command.downgrade(alembic(url), "0001")
    command.upgrade(alembic(url), "head")


def test_the_accounts_migration_on_postgresql() -> None:
    with temporary_database("trainer_accounts") as plain:
        url = as_sqlalchemy(plain)
        migrate_with_old_sessions(url)
        check_sessions_attached(url)
        command.downgrade(alembic(url), "0001")
        command.upgrade(alembic(url), "head")


def test_a_placeholder_account_is_activated_and_later_sessions_attach(temp_db: str) -> None:
    from bot import practice

    migrate()
    before = practice.begin("s1", "cafe_late_order", "patient", trainee="Jo")
    with session_scope() as db:
        added = accounts.add_user(db, "jo", "trainee", "Café", "a-long-password")
        assert added.created and added.attached_sessions == 1
        assert accounts.authenticate(db, "JO", "a-long-password") is not None
        assert accounts.authenticate(db, "jo", "wrong-password") is None
        assert accounts.authenticate(db, "nobody", "a-long-password") is None
        with pytest.raises(accounts.AccountError, match="at least 8"):
            accounts.add_user(db, "kai", "trainee", None, "short")
        again = accounts.add_user(db, "Jo", "coach", None)
        assert not again.created and again.password is None and again.user.role == "coach"
        assert accounts.authenticate(db, "jo", "a-long-password") is not None, "re-adding without a password keeps it"
    after = practice.begin("s2", "cafe_late_order", "patient", trainee="jo")
    with session_scope() as db:
        from bot.store import repository

        first, second = repository.get_session(db, str(before.session_id)), repository.get_session(db, str(after.session_id))
        assert first is not None and second is not None and first.user_id == second.user_id is not None


def bot(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PYTHON), "-m", "bot", *args], cwd=PROJECT_ROOT, input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)


def test_users_add_import_and_ensure_admin_on_the_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    env.pop("ADMIN_PASSWORD", None)
    unmigrated = bot("users", "ensure-admin", env=env)
    assert unmigrated.returncode == 2 and "bot db upgrade" in unmigrated.stderr and "Traceback" not in unmigrated.stderr
    assert bot("db", "upgrade", env=env).returncode == 0, "make run migrates before it ensures an admin"
    first = bot("users", "ensure-admin", env=env)
    assert first.returncode == 0, first.stderr
    assert "Created the first admin" in first.stderr and "as 'admin' with the password: " in first.stderr
    again = bot("users", "ensure-admin", env=env)
    assert again.returncode == 0 and "An admin account exists" in again.stderr

    asked = bot("users", "add", "--username", "Coach Kim", "--role", "coach", "--team", "Café", env=env, stdin="typed-password\n")
    assert asked.returncode == 0 and "added Coach Kim (coach, team Café)" in asked.stdout, asked.stderr
    roster = tmp_path / "users.csv"
    roster.write_text("username,role,team,password\nsam,trainee,Café,\nrobin,trainee,Café,robin-password\n,trainee,,\n")
    imported = bot("users", "import", str(roster), env=env)
    assert imported.returncode == 1, "a row without a username is reported"
    assert "line 4: A username cannot be empty." in imported.stderr
    lines = imported.stdout.strip().splitlines()
    reimported = bot("users", "import", str(roster), env=env)
    assert reimported.stdout.splitlines()[0] == "sam,trainee,Café,(unchanged),updated", "a re-import keeps passwords"
    assert lines[0].startswith("sam,trainee,Café,") and lines[0].endswith(",added") and lines[1] == "robin,trainee,Café,(as given),added"
    with session_scope(env["DATABASE_URL"]) as db:
        assert accounts.authenticate(db, "coach kim", "typed-password") is not None
        assert accounts.authenticate(db, "robin", "robin-password") is not None
        assert accounts.authenticate(db, "sam", lines[0].split(",")[3]) is not None


def test_ensure_admin_refuses_a_short_admin_password_plainly(temp_db: str) -> None:
    env = {**os.environ, "ADMIN_PASSWORD": "short"}
    refused = bot("users", "ensure-admin", env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "ADMIN_PASSWORD is refused" in refused.stderr and "at least 8 characters" in refused.stderr
    with session_scope() as db:
        assert not accounts.has_admin(db), "nothing half-made"


def test_ensure_admin_uses_admin_password_and_that_admin_signs_in(temp_db: str) -> None:
    from tests.web_client import client, sign_in

    created = bot("users", "ensure-admin", env={**os.environ, "ADMIN_PASSWORD": "chosen-admin-password"})
    assert created.returncode == 0, created.stderr
    assert "as 'admin' with the password in ADMIN_PASSWORD" in created.stderr and "chosen-admin-password" not in created.stderr
    with client() as web:
        sign_in(web, "admin", "chosen-admin-password")
        assert web.get("/admin").status_code == 200


def test_make_run_ensures_an_admin_after_migrating_and_before_the_services_start() -> None:
    script = (PROJECT_ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    ensure = script.index("-m bot users ensure-admin")
    assert script.index("bot db upgrade") < ensure
    # before the app's services (Rasa loads meanwhile: it never reads the accounts)
    assert ensure < min(script.index(service) for service in ("bot.actions_server", "-m bot web"))
