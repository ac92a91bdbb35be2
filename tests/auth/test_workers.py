"""Several worker processes: what one login does is seen by every worker on the next request.

Which worker answered each request is read from /proc (`answered_by` in tests/harness.py), so each
test knows that every worker took part, instead of hoping that enough requests spread out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Collection
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import pytest

from backend.auth.models import Token
from backend.config import Settings
from tests.factories import make_user
from tests.harness import answered_by, eventually, live_server, server_env, worker_pids
from tests.helpers import bearer, login

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("db")]

WORKERS = 2


@asynccontextmanager
async def serving_workers(settings: Settings) -> AsyncIterator[tuple[str, list[int]]]:
    """The server with WORKERS workers: its URL and the workers' pids."""
    with live_server(server_env(settings), workers=WORKERS) as (url, process):
        await eventually(lambda: len(worker_pids(process.pid)) == WORKERS, within=120)
        yield url, worker_pids(process.pid)


@asynccontextmanager
async def clients_on_every_worker(
    url: str, workers: Collection[int], per_worker: int, within: float = 120.0
) -> AsyncIterator[list[httpx.AsyncClient]]:
    """`per_worker` clients for each worker, each keeping one open connection that worker accepted
    (so it answers everything sent on it): clients are opened, a GET /healthz each, until every
    worker holds that many."""
    async with AsyncExitStack() as stack:
        held: dict[int, list[httpx.AsyncClient]] = {pid: [] for pid in workers}
        deadline = time.monotonic() + within
        while any(len(clients) < per_worker for clients in held.values()):
            assert time.monotonic() < deadline, {pid: len(clients) for pid, clients in held.items()}
            http = await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=30))
            held[answered_by(await http.get("/healthz"), workers)].append(http)
        yield [http for clients in held.values() for http in clients[:per_worker]]


async def test_a_block_is_seen_by_every_worker_on_the_next_request(settings: Settings) -> None:
    await make_user("alice")
    async with (
        serving_workers(settings) as (url, workers),
        clients_on_every_worker(url, workers, per_worker=3) as clients,
    ):
        headers = bearer((await login(clients[0], "alice"))["access_token"])
        before = await asyncio.gather(*(http.get("/api/v1/auth/me", headers=headers) for http in clients))
        assert [r.status_code for r in before] == [200] * len(clients)
        assert {answered_by(r, workers) for r in before} == set(workers)

        await Token.all().update(blocked=True)
        after = await asyncio.gather(*(http.get("/api/v1/auth/me", headers=headers) for http in clients))
        assert [r.status_code for r in after] == [401] * len(clients)
        assert {answered_by(r, workers) for r in after} == set(workers)


async def test_of_concurrent_refreshes_across_workers_exactly_one_wins(settings: Settings) -> None:
    await make_user("alice")
    async with (
        serving_workers(settings) as (url, workers),
        clients_on_every_worker(url, workers, per_worker=6) as clients,
    ):
        token = (await login(clients[0], "alice"))["refresh_token"]
        responses = await asyncio.gather(
            *(http.post("/api/v1/auth/refresh", json={"refresh_token": token}) for http in clients)
        )
        assert sorted(r.status_code for r in responses) == [200] + [401] * (len(clients) - 1)
        assert {answered_by(r, workers) for r in responses} == set(workers)
