"""Start the real stack on loopback for tests: the action server (.venv) and the Rasa server (.venv-rasa)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from bot.settings import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "service-trainer.tar.gz"
RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    """The running servers and where they keep their data."""

    workdir: Path
    database_url: str
    tracker_db: Path
    rasa_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    # starts with "-" on purpose: a generated token may (token_urlsafe's alphabet has it), and `rasa run --auth-token -x`
    # once failed 1 start in 64 that way; the token is passed as --auth-token=… everywhere
    rasa_token: str = field(default_factory=lambda: "-" + secrets.token_urlsafe(16))
    action_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    credentials: Path = PROJECT_ROOT / "credentials.yml"
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: dict[str, IO[bytes]] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.database_url, "RASA_URL": self.rasa_url,
                "ACTION_SERVER_URL": self.action_url, "REPLY_TIMEOUT_SECONDS": "4",
                "RASA_AUTH_TOKEN": self.rasa_token, "ACTION_SERVER_TOKEN": self.action_token, "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                "TRAINER_API_URL": self.web_url, "TRACKER_STORE_URL": f"sqlite:///{self.tracker_db}", **self.extra_env}

    def migrate(self) -> None:
        """`bot db upgrade`, as make run does before the services start."""
        subprocess.run([str(PYTHON), "-m", "bot", "db", "upgrade"], cwd=PROJECT_ROOT, env=self.env(), check=True,
                       capture_output=True, timeout=120)

    def start_actions(self) -> None:
        log = self.logs["actions"] = open(self.workdir / "actions.log", "wb")  # noqa: SIM115 - closed in stop()
        self.processes["actions"] = subprocess.Popen(
            [str(PYTHON), "-m", "bot.actions_server", "--port", str(self.action_port)],
            cwd=PROJECT_ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)

    def start_web(self) -> None:
        log = self.logs["web"] = open(self.workdir / "web.log", "wb")  # noqa: SIM115 - closed in stop()
        self.processes["web"] = subprocess.Popen(
            [str(PYTHON), "-m", "bot", "web", "--port", str(self.web_port)],
            cwd=PROJECT_ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        self.wait("web", f"{self.web_url}/health")

    def start_rasa(self, name: str = "rasa", port: int | None = None) -> None:
        """A Rasa server whose endpoints `bot endpoints` makes from this stack's environment, as make run does."""
        endpoints = self.workdir / "endpoints.yml"
        subprocess.run([str(PYTHON), "-m", "bot", "endpoints", "--out", str(endpoints)], cwd=PROJECT_ROOT, env=self.env(),
                       check=True, capture_output=True, timeout=120)
        log = self.logs[name] = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        serving = {"RASA_BIN": str(RASA), "RASA_PORT": str(port or self.rasa_port), "RASA_MODEL": str(MODEL), "WEB_ORIGINS": self.web_url,
                   "RASA_ENDPOINTS": str(endpoints), "RASA_CREDENTIALS": str(self.credentials)}
        self.processes[name] = subprocess.Popen(  # the product's own start command (make run's): loopback, token, origins
            ["sh", str(PROJECT_ROOT / "scripts" / "rasa-serve.sh")],
            cwd=PROJECT_ROOT, env={**self.env(), **serving}, stdout=log, stderr=subprocess.STDOUT)

    def wait(self, name: str, url: str, timeout: float = 240.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log(name)}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not come up in {timeout:.0f}s:\n{self.log(name)}")

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.processes):
            process = self.processes.pop(key, None)
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log = self.logs.pop(key, None)
            if log is not None:
                log.close()

    def say(self, sender: str, text: str, metadata: dict[str, str] | None = None) -> list[dict]:  # type: ignore[type-arg]
        """Send one message through Rasa's REST channel; the bot's messages come back."""
        body: dict[str, object] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]


def start_stack(workdir: Path, credentials: Path | None = None, extra_env: dict[str, str] | None = None, web: bool = False,
                database_url: str | None = None) -> Stack:
    """Both servers (and the web app if asked), up and answering; Rasa with other credentials and env if given."""
    missing = [str(p.relative_to(PROJECT_ROOT)) for p in (RASA, MODEL) if not p.exists()]
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)}: run `make test`, which sets up and trains first")
    stack = Stack(workdir, database_url or f"sqlite:///{workdir / 'trainer.db'}", workdir / "rasa_tracker.db",
                  credentials=credentials or PROJECT_ROOT / "credentials.yml", extra_env=dict(extra_env or {}))
    stack.migrate()
    stack.start_actions()
    stack.start_rasa()
    try:
        if web:
            stack.start_web()
        stack.wait("actions", f"{stack.action_url}/health")
        stack.wait("rasa", f"{stack.rasa_url}/status?token={stack.rasa_token}")
    except Exception:
        stack.stop()
        raise
    return stack
