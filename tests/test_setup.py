"""The set-up script, as a newcomer meets it on a machine without Python 3.10."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.settings import PROJECT_ROOT


def test_a_missing_python_310_gets_an_explanation_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    shutil.copy(PROJECT_ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    shutil.copy(PROJECT_ROOT / "requirements-rasa.lock", tmp_path / "requirements-rasa.lock")
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("bash", "cat", "sha256sum", "cut", "mkdir", "id", "grep", "rm", "dirname"):
        found = shutil.which(tool)
        if found:
            (bare / tool).symlink_to(found)
    result = subprocess.run(["bash", str(tmp_path / "scripts" / "setup.sh"), "rasa"], capture_output=True, text=True,
                            env={"PATH": str(bare), "HOME": str(tmp_path)}, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "runs only on Python 3.10" in result.stderr
    assert "pyenv install 3.10" in result.stderr and "PYTHON310=" in result.stderr


def test_a_wrong_python_310_variable_is_named(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    shutil.copy(PROJECT_ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    shutil.copy(PROJECT_ROOT / "requirements-rasa.lock", tmp_path / "requirements-rasa.lock")
    result = subprocess.run(["bash", str(tmp_path / "scripts" / "setup.sh"), "rasa"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON310": "/nonexistent/python3.10"}, timeout=60)
    assert result.returncode == 2
    assert "PYTHON310=/nonexistent/python3.10 is not a usable Python" in result.stderr
