"""The container path without a Docker engine: the Dockerfile's own install and start commands,
run in a clean virtualenv from only the files the Dockerfile copies, and compose.yaml's shape."""

from __future__ import annotations

import json
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from backend.config import Settings
from tests.harness import ROOT, free_port, server_env, stop, wait_until_ready

DOCKERFILE = ROOT / "Dockerfile"


def stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions, `(KEYWORD, arguments)`, one list per stage."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    result: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        keyword, _, arguments = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            result.append([])
        result[-1].append((keyword.upper(), " ".join(arguments.split())))
    return result


def arguments(stage: list[tuple[str, str]], keyword: str) -> list[str]:
    return [args for key, args in stage if key == keyword]


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for args in arguments(stage, "ENV"):
        for pair in shlex.split(args):
            name, _, value = pair.partition("=")
            env[name] = value
    return env


def test_the_final_stage_runs_unprivileged_with_a_readiness_healthcheck() -> None:
    *builders, final = stages()
    assert len(builders) == 2
    user = arguments(final, "USER")[-1]
    assert int(user.split(":")[0]) >= 1000, "a numeric, unprivileged user"
    assert "/readyz" in arguments(final, "HEALTHCHECK")[0]
    assert not any("apt-get" in run for run in arguments(final, "RUN")), "no packages in the final stage"
    assert {"WORKERS", "HOST", "PORT", "MIGRATIONS_DIR"} <= env_of(final).keys()
    assert "SECRET_KEY" not in env_of(final), "secrets come from the environment at run time"
    assert env_of(final)["APP_ENV"] == "production"


def test_the_image_installs_the_locked_versions_and_the_project_without_dependencies() -> None:
    _, build, _ = stages()
    runs = arguments(build, "RUN")
    assert "--require-hashes -r requirements/lock.txt" in runs[0]
    assert runs[-1].endswith("pip install --no-deps .")
    assert "requirements/lock.txt requirements/" in arguments(build, "COPY")


def test_compose_runs_two_replicas_on_a_healthy_postgres() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "app", "app2"}
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert any(volume.startswith("pgdata:") for volume in services["db"]["volumes"])
    assert "pgdata" in compose["volumes"]
    assert services["app"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["app2"]["depends_on"] == {"app": {"condition": "service_healthy"}}
    for name in ("app", "app2"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert "${SECRET_KEY:?" in environment["SECRET_KEY"], "no default secret"
        assert services[name]["restart"] == "unless-stopped"
    assert services["app2"]["command"] == ["python", "-m", "backend", "serve"]


@pytest.mark.live
@pytest.mark.sqlite_only
def test_the_image_install_and_start_commands_work_from_a_clean_virtualenv(
    settings: Settings, tmp_path: Path
) -> None:
    _, build, final = stages()
    context = tmp_path / "src"
    for source in arguments(build, "COPY"):  # only what the build stage copies, as the image would
        *paths, _ = source.split()
        for path in paths:
            copy(ROOT / path, context / path.rstrip("/"))
    venv = tmp_path / "venv"
    for install in arguments(build, "RUN"):  # the locked dependencies, then the project
        install = install.replace("/opt/venv", str(venv)).replace("python ", f"{sys.executable} ", 1)
        subprocess.run(["sh", "-c", install], cwd=context, check=True, capture_output=True, timeout=300)

    app_dir = tmp_path / "app"
    copy(ROOT / "migrations", app_dir / "migrations")
    port = free_port()
    env = {
        **env_of(final),
        **server_env(settings),
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "MIGRATIONS_DIR": str(app_dir / "migrations"),
        "SECRET_KEY": "x" * 48,
    }
    if settings.is_sqlite:
        Path(settings.database_url.removeprefix("sqlite://")).unlink()  # the image migrates on start
    command = json.loads(arguments(final, "CMD")[-1])
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            cwd=app_dir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Sanic's manager may SIGKILL its process group: not ours
        )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", server, log, timeout=60)
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
        probe = json.loads(arguments(final, "HEALTHCHECK")[0].partition("CMD ")[2])
        assert subprocess.run(probe, env=env, timeout=10).returncode == 0
        server.send_signal(signal.SIGTERM)
        started = time.monotonic()
        assert server.wait(timeout=20) == 0
        assert time.monotonic() - started < 10
    finally:
        stop(server)
    assert "Applied" in log.read_text()


def copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        shutil.copy2(source, target)
