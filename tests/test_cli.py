"""The operator's command line, run as an operator would."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from backend.auth.models import UserMfa
from backend.clock import utcnow
from backend.config import Settings
from tests.factories import make_user
from tests.harness import (
    ROOT,
    free_port,
    live_server,
    server_env,
    start_server,
    stop,
    wait_for_log,
    wait_until_ready,
)


def backend(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        env={**os.environ, **server_env(settings), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_create_admin_initial_prints_credentials_only_the_first_time(settings: Settings) -> None:
    first = backend(settings, "create-admin", "--initial")
    assert first.returncode == 0, first.stderr
    assert re.search(r"Created admin 'admin' with password: \S{16,}", first.stdout)
    second = backend(settings, "create-admin", "--initial")
    assert second.returncode == 0
    assert second.stdout.startswith("An active admin exists already")
    assert not re.search(r"password: \S", second.stdout)


def test_create_admin_takes_the_initial_credentials_from_the_environment(settings: Settings) -> None:
    result = backend(
        settings,
        "create-admin",
        "--initial",
        INITIAL_ADMIN_USERNAME="root-admin",
        INITIAL_ADMIN_PASSWORD="a long enough password",
    )
    assert result.returncode == 0, result.stderr
    assert "root-admin" in result.stdout
    assert "a long enough password" not in result.stdout


def test_a_taken_username_is_a_clear_error(settings: Settings) -> None:
    assert backend(settings, "create-admin", "--username", "Alice").returncode == 0
    again = backend(settings, "create-admin", "--username", "alice")
    assert again.returncode == 1
    assert "is taken" in again.stderr
    assert "Traceback" not in again.stderr


def test_reset_password_for_a_locked_out_admin(settings: Settings) -> None:
    assert backend(settings, "create-admin", "--username", "alice").returncode == 0
    result = backend(settings, "reset-password", "--username", "ALICE")
    assert result.returncode == 0, result.stderr
    assert "to be changed at the next login" in result.stdout
    missing = backend(settings, "reset-password", "--username", "nobody")
    assert missing.returncode == 1
    assert "No user named" in missing.stderr


async def test_reset_mfa_for_an_admin_who_lost_their_phone(settings: Settings, db: None) -> None:
    admin = await make_user("alice", roles=("admin", "user"))
    await UserMfa.create(user_id=admin.id, secret="sealed", confirmed_at=utcnow())

    result = backend(settings, "reset-mfa", "--username", "ALICE")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Reset the two-factor login of 'alice'; ended 0 login(s)\n"
    assert not await UserMfa.exists(user_id=admin.id)
    missing = backend(settings, "reset-mfa", "--username", "nobody")
    assert missing.returncode == 1
    assert "No user named" in missing.stderr


def test_purge_runs_once_and_reports(settings: Settings) -> None:
    result = backend(settings, "purge")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Purged 0 token(s)")


def test_seed_demo_if_empty_seeds_an_empty_database_once(settings: Settings) -> None:
    first = backend(settings, "seed-demo", "--if-empty")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Created 5 demo patient(s)")
    again = backend(settings, "seed-demo", "--if-empty")
    assert (again.returncode, again.stdout) == (0, "")


@pytest.mark.live
@pytest.mark.sqlite_only
def test_make_run_starts_a_seeded_server_with_a_first_admin_and_again_without_changes(
    settings: Settings, tmp_path: Path
) -> None:
    """The README's first command, as a newcomer runs it (the install steps are up to date here)."""
    port = free_port()
    env = {**os.environ, **server_env(settings), "PORT": str(port)}
    env.pop("INITIAL_ADMIN_PASSWORD", None)
    url = f"http://127.0.0.1:{port}"
    outputs = []
    for run in range(2):
        log = tmp_path / f"make-run-{run}.log"
        with log.open("wb") as output:
            make = subprocess.Popen(
                ["make", "--no-print-directory", "run"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until_ready(url, make, log, timeout=120)
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=30)
        outputs.append(log.read_text())
    password = re.search(r"Created admin 'admin' with password: (\S+)", outputs[0])
    assert password, outputs[0]
    assert "Created 5 demo patient(s)" in outputs[0]
    assert "Created admin" not in outputs[1]
    assert "demo patient" not in outputs[1]
    assert "Error" not in outputs[0] + outputs[1]
    with live_server(server_env(settings)) as (served, _):
        login = httpx.post(f"{served}/api/v1/auth/login", json={"username": "admin", "password": password[1]})
        assert login.status_code == 200, login.text


def test_invalid_configuration_is_reported_without_a_traceback(settings: Settings) -> None:
    result = backend(settings, "migrate", APP_ENV="production", SECRET_KEY="short")
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.live
def test_serve_with_two_workers_answers_and_stops_cleanly_on_sigterm(
    settings: Settings, tmp_path: Path
) -> None:
    with live_server(server_env(settings), workers=2) as (url, process):
        for _ in range(10):  # new connections, spread over both workers
            assert httpx.get(f"{url}/readyz", headers={"Connection": "close"}).status_code == 200
    assert process.returncode == 0


@pytest.mark.live
def test_serve_stopped_while_its_workers_start_exits_cleanly(settings: Settings, tmp_path: Path) -> None:
    """A supervisor may stop a server it has just started: Sanic 25.12 alone spins forever there."""
    log = tmp_path / "server.log"
    _, process = start_server(server_env(settings), workers=2, log=log)
    try:
        wait_for_log(log, process, lambda text: "Starting worker" in text)  # spawned, not yet acknowledged
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0, log.read_text()
    finally:
        stop(process)
    before_the_signal = log.read_text().partition("Received signal SIGTERM")[0]
    assert before_the_signal.count("Worker ready") < 2, "stopped while a worker was still starting"


@pytest.mark.live
def test_a_signal_to_every_process_at_once_stops_the_server_cleanly(
    settings: Settings, tmp_path: Path
) -> None:
    """Ctrl-C in a terminal (SIGINT) and systemd's default stop (SIGTERM) signal every process of
    the server at once: the workers are signalled twice, once more by the manager, mid-shutdown.
    Repeated, because the second signal lands inside the shutdown listeners only some of the time;
    the two signals take turns (they reach the same shutdown, and each start costs CI seconds)."""
    for attempt, signum in enumerate([signal.SIGINT, signal.SIGTERM] * 3):
        log = tmp_path / f"server-{attempt}.log"
        url, process = start_server(server_env(settings), workers=2, log=log)
        try:
            wait_until_ready(url, process, log, workers=2)  # none mid-start
            os.killpg(process.pid, signum)
            assert process.wait(timeout=20) == 0, log.read_text()
        finally:
            stop(process)
        output = log.read_text()
        for trouble in ("Traceback", "was destroyed", "Event loop is closed", "never retrieved"):
            assert trouble not in output, output
