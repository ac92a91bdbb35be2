"""Schemathesis against the served OpenAPI document: every check and every phase (examples, coverage,
fuzzing, and the stateful phase that follows the document's links), as an admin and as a plain user.

ASVS 4.1.1 (content types), 16.5.1 (no server errors), 2.2.1 (negative data rejected), 8.2.1
(`ignored_auth`: no operation answers without its token). In `make test` the run is derandomized
and bounded; `make fuzz` sets FUZZ_SEED (a fresh random seed) and FUZZ_MAX_EXAMPLES for a longer,
different run each time. Exceptions are in schemathesis.toml, each with its reason.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import httpx
import pytest

from backend.config import Settings
from backend.users.models import Role, User
from tests.factories import FAST_HASHER
from tests.harness import ROOT, live_server, server_env

CONFIG = Path(__file__).with_name("schemathesis.toml")
PASSWORD = "fuzzing is a long passphrase"
# `make fuzz` sets these; without them the run is the same every time.
SEED = os.environ.get("FUZZ_SEED", "")
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))
PHASES = "examples,coverage,fuzzing,stateful"
# The fuzzed accounts get ids the fuzzer does not try (it favours 0, 1, -1 and the int32 bounds), and
# schemathesis_hooks keeps the runs off them (links can still lead there).
ACCOUNTS = {"fuzz-user": (1_234_567_001, ("user",)), "fuzz-admin": (1_234_567_002, ("admin", "user"))}
# Throttling (tested in test_v6_authentication) would lock the fuzzer out of its own login after its
# random failed logins, all from 127.0.0.1.
UNTHROTTLED = {
    "LOGIN_FAILURES_PER_IP": "1000000",
    "LOGIN_FAILURES_PER_USERNAME": "1000000",
    "LOGIN_FAILURES_PER_USERNAME_TOTAL": "1000000",
}


async def make_account(username: str) -> None:
    user_id, roles = ACCOUNTS[username]
    user = await User.create(
        id=user_id,
        username=username,
        username_key=username,
        password_hash=FAST_HASHER.hash_sync(PASSWORD),
        is_active=True,
        password_change_required=False,
    )
    await user.roles.add(*await Role.filter(name__in=roles))


async def fuzz(url: str, username: str, workdir: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        PHASES,
        *(["--seed", SEED] if SEED else ["--generation-deterministic"]),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--no-color",
        "--request-timeout",
        "10",
        cwd=workdir,
        env={
            **os.environ,
            "FUZZ_USERNAME": username,
            "FUZZ_PASSWORD": PASSWORD,
            "FUZZ_ACCOUNT_IDS": ",".join(str(user_id) for user_id, _ in ACCOUNTS.values()),
            "SCHEMATHESIS_HOOKS": "tests.security.schemathesis_hooks",
            "PYTHONPATH": str(ROOT),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode(errors="replace")


def failures_of(output: str, width: int = 400) -> str:
    """The report's failures, with each line cut short (a generated query string can be 100 kB)."""
    start = output.find("FAILURES")
    lines = output[start if start >= 0 else 0 :].splitlines()
    return "\n".join(
        line if len(line) <= width else f"{line[:width]} ... [{len(line)} characters]" for line in lines
    )


@pytest.mark.live
async def test_schemathesis_finds_nothing(settings: Settings, db: None, tmp_path: Path) -> None:
    for username in ACCOUNTS:
        await make_account(username)
    with live_server(server_env(settings) | UNTHROTTLED) as (url, _):
        started = time.monotonic()
        # One after the other: at once, one run deleted the patients the other had just created, and
        # the stateful phase's check that a created resource can be read failed (FUZZ_SEED=1794791428).
        runs = [await fuzz(url, username, tmp_path) for username in ACCOUNTS]
        print(f"schemathesis: {time.monotonic() - started:.1f} s")
        for username, (code, output) in zip(ACCOUNTS, runs, strict=True):
            print(f"{username}:\n{output[output.find('SUMMARY') :]}")
            assert code == 0, f"schemathesis as {username}:\n{failures_of(output)}"
        async with httpx.AsyncClient(base_url=url) as client:  # the server survived the fuzzing
            assert (await client.get("/readyz")).status_code == 200
