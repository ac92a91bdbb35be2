"""Several worker processes: what one login does is seen by every worker on the next request."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from backend.auth.models import Token
from backend.config import Settings
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.harness import live_server, server_env
from tests.helpers import bearer

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("db")]


async def fresh_connection(method: str, url: str, **kwargs: object) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:  # a new connection, so any worker may answer
        return await http.request(method, url, **kwargs)  # type: ignore[arg-type]


async def test_a_block_is_seen_by_every_worker_on_the_next_request(settings: Settings) -> None:
    await make_user("alice")
    with live_server(server_env(settings), workers=2) as (url, _):
        login = await fresh_connection(
            "POST", f"{url}/api/v1/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD}
        )
        headers = bearer(login.json()["access_token"])
        before = await asyncio.gather(
            *(fresh_connection("GET", f"{url}/api/v1/auth/me", headers=headers) for _ in range(10))
        )
        assert {r.status_code for r in before} == {200}
        await Token.all().update(blocked=True)
        after = await asyncio.gather(
            *(fresh_connection("GET", f"{url}/api/v1/auth/me", headers=headers) for _ in range(10))
        )
        assert {r.status_code for r in after} == {401}


async def test_of_concurrent_refreshes_across_workers_exactly_one_wins(settings: Settings) -> None:
    await make_user("alice")
    with live_server(server_env(settings), workers=2) as (url, _):
        login = await fresh_connection(
            "POST", f"{url}/api/v1/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD}
        )
        token = login.json()["refresh_token"]
        responses = await asyncio.gather(
            *(
                fresh_connection("POST", f"{url}/api/v1/auth/refresh", json={"refresh_token": token})
                for _ in range(12)
            )
        )
        assert sorted(r.status_code for r in responses) == [200] + [401] * 11
