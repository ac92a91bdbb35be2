"""Several worker processes: a key revoked through one worker is refused by every worker on the
next request (which worker answered is read from /proc, see `answered_by` in tests/harness.py)."""

from __future__ import annotations

import asyncio

import pytest

from backend.config import Settings
from tests.auth.test_workers import clients_on_every_worker, serving_workers
from tests.factories import make_user
from tests.harness import answered_by
from tests.helpers import bearer, login

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("db")]


async def test_a_key_revoked_on_one_worker_is_refused_by_every_worker(settings: Settings) -> None:
    await make_user("alice")
    async with (
        serving_workers(settings) as (url, workers),
        clients_on_every_worker(url, workers, per_worker=3) as clients,
    ):
        owner = bearer((await login(clients[0], "alice"))["access_token"])
        made = await clients[0].post(
            "/api/v1/auth/me/api-keys",
            headers=owner,
            json={"name": "ci", "roles": ["user"], "expires_in_days": 1},
        )
        assert made.status_code == 201, made.text
        key = bearer(made.json()["key"])
        before = await asyncio.gather(*(http.get("/api/v1/patients", headers=key) for http in clients))
        assert [r.status_code for r in before] == [200] * len(clients)
        assert {answered_by(r, workers) for r in before} == set(workers)

        revoked = await clients[-1].delete(f"/api/v1/auth/me/api-keys/{made.json()['id']}", headers=owner)
        assert revoked.status_code == 204
        after = await asyncio.gather(*(http.get("/api/v1/patients", headers=key) for http in clients))
        assert [r.status_code for r in after] == [401] * len(clients)
        assert {answered_by(r, workers) for r in after} == set(workers)
