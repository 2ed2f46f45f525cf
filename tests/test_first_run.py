"""The first run on a fresh machine: migrate once (`bot db upgrade`), and the services only check the revision."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from bot.settings import PROJECT_ROOT, local_secret
from tests.stack import PYTHON


def bot(*args: str, database: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "ACTION_SERVER_TOKEN": "test-token"}
    return subprocess.run([str(PYTHON), *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_the_services_refuse_an_unmigrated_database_and_say_what_to_run(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    for command in (("-m", "bot", "web", "--port", "1"), ("-m", "bot.actions_server", "--port", "1")):
        result = bot(*command, database=database)
        assert result.returncode == 2, result.stderr[-2000:]
        assert "has no tables yet: run `.venv/bin/python -m bot db upgrade` first" in result.stderr
        assert "Traceback" not in result.stderr


def test_db_upgrade_migrates_once_and_check_then_passes(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    assert bot("-m", "bot", "db", "check", database=database).returncode == 1
    upgraded = bot("-m", "bot", "db", "upgrade", database=database)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database at revision" in upgraded.stderr
    assert bot("-m", "bot", "db", "upgrade", database=database).returncode == 0  # idempotent
    assert bot("-m", "bot", "db", "check", database=database).returncode == 0


def test_make_run_migrates_before_it_starts_the_services() -> None:
    script = (PROJECT_ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    # Rasa may load meanwhile: its tracker store is its own database, never the app's.
    assert script.index("bot db upgrade") < script.index("bot.actions_server") < script.index("bot web")


def test_make_run_and_the_test_stack_start_rasa_the_same_way() -> None:
    """The hardening tests (token, origins, loopback) run against Rasa as make run starts it: one script for both
    (its arguments and refusals: tests/test_deploy_files.py)."""
    assert "rasa run" not in (PROJECT_ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert '"rasa-serve.sh"' in (PROJECT_ROOT / "tests" / "stack.py").read_text(encoding="utf-8")


def test_a_local_secret_is_generated_once_owner_only_and_shared(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SOME_TOKEN", raising=False)
    first = local_secret("SOME_TOKEN", tmp_path / "var")
    assert len(first) >= 32 and local_secret("SOME_TOKEN", tmp_path / "var") == first
    stored = tmp_path / "var" / "secrets" / "some_token"
    assert stored.stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SOME_TOKEN", "from-the-environment")
    assert local_secret("SOME_TOKEN", tmp_path / "var") == "from-the-environment"
