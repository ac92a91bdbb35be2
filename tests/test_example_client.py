"""The example client, run against a live server as the README shows it."""

from __future__ import annotations

import asyncio
import shlex
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sanic import Sanic

from backend.auth.models import Token
from backend.clock import utcnow
from backend.config import Settings
from examples.client import ApiClient
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.harness import ROOT, live_server, serve_in_process, server_env


def make_run_python(venv: Path) -> Path:
    """A virtualenv with what `make run` installs (the Makefile's own recipe), none of the test extras."""
    makefile = (ROOT / "Makefile").read_text()
    lines = makefile.split("$(VENV)/.installed:", 1)[1].splitlines()[1:]
    recipe = [line.strip() for line in lines[: lines.index("\ttouch $@")]]
    assert recipe
    assert all(line.startswith("$(PY) -m pip install") for line in recipe), recipe
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    for line in recipe:  # the locked dependencies, then the project
        command = shlex.split(line.replace("$(PY)", str(python)))
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=600)
    return python


@pytest.mark.live
@pytest.mark.usefixtures("db")
@pytest.mark.sqlite_only
async def test_the_example_client_logs_in_works_and_logs_out(settings: Settings, tmp_path: Path) -> None:
    """As the README's quick start runs it, with the interpreter `make run` set up."""
    python = await asyncio.to_thread(make_run_python, tmp_path / "venv")
    await make_user("nurse", roles=("user",))
    with live_server(server_env(settings)) as (url, _):
        result = await asyncio.to_thread(
            subprocess.run,
            [
                str(python),
                "examples/client.py",
                "--url",
                url,
                "--username",
                "nurse",
                "--password",
                DEFAULT_PASSWORD,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert "Logged in as nurse with roles user" in result.stdout
    assert "Created patient" in result.stdout
    assert "Logged out" in result.stdout
    assert (await Token.get()).revoked_reason == "logout"


async def test_an_expired_access_token_is_refreshed_once(app: Sanic) -> None:
    async with serve_in_process(app) as url:
        user = await make_user("nurse", roles=("user",))
        with ApiClient(url) as api:
            await asyncio.to_thread(api.login, "nurse", DEFAULT_PASSWORD)
            login = await Token.get(user_id=user.id)
            api.access_token = app.ctx.tokens.issue(
                user_id=user.id, login_id=login.id, kind="access", now=utcnow() - timedelta(hours=1)
            ).token
            old_refresh = api.refresh_token
            me = await asyncio.to_thread(api.request, "GET", "/api/v1/auth/me")
        assert me["username"] == "nurse"
        assert api.refresh_token != old_refresh
