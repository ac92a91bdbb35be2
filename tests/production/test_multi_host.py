"""Two servers on one database, as two hosts behind a load balancer: whatever one decides about a
login, the other enforces on the very next request. On SQLite the two share the file, on
PostgreSQL the database (CI's PostgreSQL pass is the multi-host case)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest

from backend.auth.models import Token
from backend.clock import utcnow
from backend.config import Settings
from tests.factories import make_token, make_user
from tests.harness import ROOT, live_server, server_env
from tests.helpers import bearer
from tests.production.helpers import log_in, request

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("db")]
ME = "/api/v1/auth/me"


@pytest.fixture
def hosts(settings: Settings) -> Iterator[tuple[str, str]]:
    env = server_env(settings)
    with live_server(env) as (first, _), live_server(env) as (second, _):
        yield first, second


async def test_a_login_revoked_or_blocked_on_one_host_is_refused_by_the_other(
    hosts: tuple[str, str],
) -> None:
    one, other = hosts
    await make_user("root", roles=("admin", "user"))
    nurse = await make_user("nurse")
    admin = bearer((await log_in(one, "root"))["access_token"])
    blocked = await log_in(other, "nurse")
    logins = (await request(one, "GET", f"/api/v1/users/{nurse.id}/tokens", **admin)).json()["items"]
    [blocked_id] = [login["id"] for login in logins]
    revoked = await log_in(other, "nurse")
    assert (await request(other, "GET", ME, **bearer(blocked["access_token"]))).status_code == 200

    assert (
        await request(one, "PATCH", f"/api/v1/tokens/{blocked_id}", {"blocked": True}, **admin)
    ).status_code == 200
    assert (await request(other, "GET", ME, **bearer(blocked["access_token"]))).status_code == 401
    assert (await request(other, "GET", ME, **bearer(revoked["access_token"]))).status_code == 200

    assert (
        await request(one, "POST", "/api/v1/auth/logout", **bearer(revoked["access_token"]))
    ).status_code == 204
    assert (await request(other, "GET", ME, **bearer(revoked["access_token"]))).status_code == 401
    refreshed = await request(
        other, "POST", "/api/v1/auth/refresh", {"refresh_token": revoked["refresh_token"]}
    )
    assert refreshed.status_code == 401


async def test_a_password_reset_on_one_host_ends_the_logins_on_the_other(hosts: tuple[str, str]) -> None:
    one, other = hosts
    await make_user("root", roles=("admin", "user"))
    nurse = await make_user("nurse")
    admin = bearer((await log_in(one, "root"))["access_token"])
    session = await log_in(other, "nurse")
    assert (
        await request(other, "GET", "/api/v1/patients", **bearer(session["access_token"]))
    ).status_code == 200
    reset = await request(
        one, "PUT", f"/api/v1/users/{nurse.id}/password", {"password": "a brand new passphrase"}, **admin
    )
    assert reset.status_code == 204
    assert (
        await request(other, "GET", "/api/v1/patients", **bearer(session["access_token"]))
    ).status_code == 401
    refreshed = await request(
        other, "POST", "/api/v1/auth/refresh", {"refresh_token": session["refresh_token"]}
    )
    assert refreshed.status_code == 401


async def test_two_hosts_purging_at_once_delete_each_row_once_without_errors(settings: Settings) -> None:
    user = await make_user("nurse")
    past = utcnow() - timedelta(days=1)
    await Token.bulk_create([Token(user=user, refresh_jti=f"jti-{n}", expires_at=past) for n in range(2_500)])
    kept = await make_token(user)
    env = {**os.environ, **server_env(settings)}
    purges = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "backend", "purge", cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]  # fmt: skip
    outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in purges)), 60)
    assert [p.returncode for p in purges] == [0, 0], outputs
    purged = [int(re.search(rb"Purged (\d+) token", out).group(1)) for out, _ in outputs]  # type: ignore[union-attr]
    assert sum(purged) == 2_500, "each row is counted by the host that deleted it, once"
    assert await Token.all().values_list("id", flat=True) == [kept.id]
