"""The deployment files (deploy/): never an open Rasa API, and the same Rasa configuration as make run.

No Docker or Kubernetes here, so nothing is deployed: the files are read, the Helm chart's rendering of the Rasa
endpoints is emulated from its templates (rasa chart 1.17.3, docs/deploy.md), and scripts/rasa-serve.sh is run
with a stand-in `rasa` that records its arguments.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.rasa_endpoints import SERIAL_REDIS_LOCK_STORE, endpoints
from bot.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
#: the one start of the Rasa server (make run, the test stack, the image, the Helm values).
SERVE = PROJECT_ROOT / "scripts" / "rasa-serve.sh"
YAML_FILES = sorted([*DEPLOY.glob("*.yml"), *DEPLOY.glob("helm/*.yaml")])
TEXT_FILES = [*sorted(p for p in DEPLOY.rglob("*") if p.is_file()), PROJECT_ROOT / "scripts" / "run.sh"]


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def env_of(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in entries}


@pytest.fixture(scope="module")
def rasa_values() -> dict[str, Any]:
    values: dict[str, Any] = load(DEPLOY / "helm" / "values-rasa.yaml")
    return values


def test_every_deploy_yaml_file_parses() -> None:
    assert YAML_FILES
    for path in YAML_FILES:
        assert list(yaml.safe_load_all(path.read_text(encoding="utf-8"))), path


def test_no_file_opens_cors_or_uses_the_charts_default_token() -> None:
    open_cors = re.compile(r"""(cors["']?\s*[:=]\s*["']?\*|--cors\s+["']?\*|WEB_ORIGINS["']?\s*[:=]\s*["']?\*)""", re.I)
    for path in TEXT_FILES:
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())  # comments may name the defaults
        assert not open_cors.search(code), f"{path}: CORS open to every origin"
        assert "rasaToken" not in code, f"{path}: the rasa chart's well-known default token"


def test_every_enable_api_comes_with_an_auth_token() -> None:
    for path in TEXT_FILES:
        # one logical command per line: shell continuations joined, YAML flow lists are on one line already
        text = path.read_text(encoding="utf-8").replace("\\\n", " ")
        for line in text.splitlines():
            code = line.split(" #", 1)[0]
            if "--enable-api" in code and not code.lstrip().startswith("#"):
                assert "--auth-token" in code, f"{path}: {line.strip()}"


def test_the_rasa_image_starts_as_make_run_does() -> None:
    dockerfile = (DEPLOY / "Dockerfile.rasa").read_text(encoding="utf-8")
    assert "COPY scripts/rasa-serve.sh /usr/local/bin/rasa-serve" in dockerfile
    assert dockerfile.rstrip().splitlines()[-1] == 'CMD ["rasa-serve"]'
    serve = SERVE.read_text(encoding="utf-8")
    for option in ("--enable-api", "--auth-token", "--cors", "--credentials", "--endpoints"):
        assert option in serve


def test_compose_rasa_uses_the_image_start_and_its_tracker_database_is_created() -> None:
    compose = load(DEPLOY / "docker-compose.yml")
    rasa = compose["services"]["rasa"]
    assert "command" not in rasa  # the image's rasa-serve
    assert rasa["environment"]["WEB_ORIGINS"].startswith("${PUBLIC_WEB_URL")
    assert rasa["environment"]["RASA_AUTH_TOKEN"].startswith("${RASA_AUTH_TOKEN")
    tracker = compose["services"]["endpoints"]["environment"]["TRACKER_STORE_URL"]
    database = tracker.rsplit("/", 1)[1]
    mounts = compose["services"]["db"]["volumes"]
    init = next(m for m in mounts if m.split(":")[1] == "/docker-entrypoint-initdb.d")
    scripts = " ".join(p.read_text(encoding="utf-8") for p in (DEPLOY / init.split(":")[0]).glob("*.sql"))
    assert f"CREATE DATABASE {database};" in scripts


def test_helm_rasa_replaces_the_charts_args_and_takes_the_token_from_a_secret(rasa_values: dict[str, Any]) -> None:
    # Non-empty args: the chart renders none of its own (--cors, --auth-token $(RASA_TOKEN), --jwt-secret).
    assert rasa_values["args"] and rasa_values["command"] == ["rasa-serve"]
    env = env_of(rasa_values["extraEnv"])
    assert env["RASA_AUTH_TOKEN"]["valueFrom"]["secretKeyRef"]["name"]
    assert env["ACTION_SERVER_TOKEN"]["valueFrom"]["secretKeyRef"]["name"]
    assert env["RASA_HOST"]["value"] == "0.0.0.0"
    origins = env["WEB_ORIGINS"]["value"].split()
    assert origins and all(o.startswith("https://") for o in origins)
    settings = rasa_values["applicationSettings"]
    assert settings["cors"] in origins
    assert settings["telemetry"]["enabled"] is False
    # initialModel is a URL the chart downloads over /app/models; empty keeps the model baked into the image.
    assert settings["initialModel"] == "" or re.match(r"https?://", settings["initialModel"])


def test_helm_rasa_channels_are_those_of_credentials_yml(rasa_values: dict[str, Any]) -> None:
    channels = rasa_values["applicationSettings"]["credentials"]
    assert channels["enabled"] is True
    assert channels["additionalChannelCredentials"] == load(PROJECT_ROOT / "credentials.yml")


def render_chart_endpoints(values: dict[str, Any]) -> str:
    """The rasa chart's config-map.yaml `endpoints` for the stores and additionalEndpoints we use.

    trackerStore and lockStore: every key but `enabled` as `{{ $key }}: {{ $value }}` (Go prints a string bare);
    additionalEndpoints: `toYaml`, emulated by PyYAML's emitter (both are ports of libyaml's).
    """
    settings = values["endpoints"]
    lines = []
    for section, name in (("trackerStore", "tracker_store"), ("lockStore", "lock_store")):
        if settings[section]["enabled"]:
            lines.append(f"{name}:")
            for key, value in sorted(settings[section].items()):
                if key != "enabled":
                    lines.append(f"  {key}: {str(value).lower() if isinstance(value, bool) else value}")
    assert not settings.get("models", {}).get("enabled") and not settings.get("eventBroker", {}).get("enabled")
    return "\n".join(lines) + "\n" + yaml.safe_dump(settings["additionalEndpoints"], sort_keys=False)


def test_helm_rasa_endpoints_are_what_bot_endpoints_writes(rasa_values: dict[str, Any]) -> None:
    text = render_chart_endpoints(rasa_values["applicationSettings"])
    # Rasa fills ${VARIABLES} only in plain YAML values: the token and password must not come out quoted.
    assert re.search(r"^  token: \$\{ACTION_SERVER_TOKEN\}$", text, re.M), text
    assert re.search(r"^  password: \$\{TRACKER_DB_PASSWORD\}$", text, re.M), text
    rendered = yaml.safe_load(text)
    store = rendered["tracker_store"]
    expected = endpoints({
        "ACTION_SERVER_URL": "http://trainer-rasa-action-server:5055",
        "TRACKER_STORE_URL": f"postgresql://{store['username']}:${{TRACKER_DB_PASSWORD}}@{store['url']}:5432/rasa_tracker",
        "REDIS_URL": f"redis://{rendered['lock_store']['url']}:6379/1",
    })
    assert rendered == expected
    assert rendered["lock_store"]["type"] == SERIAL_REDIS_LOCK_STORE
    env = env_of(rasa_values["extraEnv"])
    for name in re.findall(r"\$\{(\w+)\}", text):
        assert name in env, f"{name} is used in the endpoints but not in extraEnv"


def test_helm_action_server_is_where_rasa_calls_it(rasa_values: dict[str, Any]) -> None:
    actions = load(DEPLOY / "helm" / "values-action-server.yaml")
    url = rasa_values["applicationSettings"]["endpoints"]["additionalEndpoints"]["action_endpoint"]["url"]
    # Release `trainer-rasa-action-server` holds the chart's name, so its Service is named so (rasa-common fullname).
    assert url == f"http://trainer-rasa-action-server:{actions['service']['port']}/webhook"
    assert actions["service"]["port"] == actions["applicationSettings"]["port"] == 5055
    assert "/" not in actions["image"]["name"]  # the registry is `registry`, not part of the name
    for probe in ("readinessProbe", "livenessProbe"):
        assert isinstance(actions[probe]["httpGet"]["port"], str)  # the chart's schema
    assert {"DATABASE_URL", "ACTION_SERVER_TOKEN", "SESSION_SECRET"} <= set(env_of(actions["extraEnv"]))


def test_migrate_job_and_web_app_manifests() -> None:
    job = load(DEPLOY / "helm" / "migrate-job.yaml")
    assert job["kind"] == "Job"
    [migrate] = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["python", "-m", "bot", "db", "upgrade"]
    assert "DATABASE_URL" in env_of(migrate["env"])
    kinds = {d["kind"]: d for d in yaml.safe_load_all((DEPLOY / "helm" / "web.yaml").read_text(encoding="utf-8"))}
    assert set(kinds) == {"Deployment", "Service", "Ingress"}
    [web] = kinds["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert web["command"][:4] == ["python", "-m", "bot", "web"]
    env = env_of(web["env"])
    assert {"DATABASE_URL", "SESSION_SECRET", "RASA_URL", "RASA_PUBLIC_URL"} <= set(env)
    assert env["RASA_URL"]["value"] == "http://trainer-rasa:5005"
    rasa_values = load(DEPLOY / "helm" / "values-rasa.yaml")
    assert kinds["Ingress"]["spec"]["rules"][0]["host"] in rasa_values["applicationSettings"]["cors"]
    assert env["RASA_PUBLIC_URL"]["value"] == f"https://{rasa_values['ingress']['hostname']}"


def serve(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run scripts/rasa-serve.sh with a stand-in `rasa` that writes down its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    record = tmp_path / "args"
    fake = bin_dir / "rasa"
    fake.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > {record}\n', encoding="utf-8")
    fake.chmod(0o755)
    record.unlink(missing_ok=True)
    base = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = subprocess.run(["/bin/sh", str(SERVE)], cwd=tmp_path, env={**base, **env},
                            capture_output=True, text=True, timeout=30)
    return result, record.read_text(encoding="utf-8").splitlines() if record.exists() else []


def test_rasa_serve_runs_rasa_with_a_token_and_the_web_origins_only(tmp_path: Path) -> None:
    (tmp_path / "endpoints.yml").write_text("{}\n", encoding="utf-8")
    result, args = serve(tmp_path, RASA_AUTH_TOKEN="s3cret", WEB_ORIGINS="https://a.example https://b.example")
    assert result.returncode == 0, result.stderr
    assert args[:3] == ["run", "-i", "127.0.0.1"]  # loopback unless told
    cors = args.index("--cors")
    assert args[cors + 1:cors + 3] == ["https://a.example", "https://b.example"]
    assert "--auth-token=s3cret" in args and "--enable-api" in args
    assert args[args.index("--credentials") + 1] == "credentials.yml"
    assert args[args.index("--endpoints") + 1] == "endpoints.yml"
    result, args = serve(tmp_path, RASA_AUTH_TOKEN="s3cret", RASA_HOST="0.0.0.0")
    assert args[:3] == ["run", "-i", "0.0.0.0"]
    cors = args.index("--cors")
    assert args[cors + 1:cors + 3] == ["http://127.0.0.1:8000", "http://localhost:8000"]  # as make run


@pytest.mark.parametrize(("env", "message"), [
    ({}, "RASA_AUTH_TOKEN is not set"),
    ({"RASA_AUTH_TOKEN": "s3cret", "WEB_ORIGINS": "*"}, "WEB_ORIGINS must name"),
    ({"RASA_AUTH_TOKEN": "s3cret", "WEB_ORIGINS": "https://a.example https://*.example"}, "WEB_ORIGINS must name"),
    ({"RASA_AUTH_TOKEN": "s3cret", "RASA_ENDPOINTS": "missing.yml"}, "no endpoints file"),
])
def test_rasa_serve_refuses_an_open_start(tmp_path: Path, env: dict[str, str], message: str) -> None:
    (tmp_path / "endpoints.yml").write_text("{}\n", encoding="utf-8")
    result, args = serve(tmp_path, **env)
    assert result.returncode == 2 and message in result.stderr
    assert args == []  # rasa never started
