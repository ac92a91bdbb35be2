"""Faults against a live server, each bounded in time: a worker killed mid-load, PostgreSQL gone and
back. (SIGTERM mid-load: tests/audit/test_access_log_live.py, and
the end of the kill -9 test below, which stops the server while writes are in flight.)"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from backend.audit.models import AccessLog
from backend.compat.sanic_watchdog import MAX_RESTARTS
from backend.config import Settings
from backend.patients.models import Patient, PatientIdempotencyKey
from tests.conftest import requires_postgres
from tests.factories import make_user
from tests.harness import eventually, live_server, server_env, worker_pids
from tests.helpers import bearer
from tests.production.helpers import log_in, request
from tests.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("db")]
PATIENTS = "/api/v1/patients"


class Writers:
    """Clients creating patients, each retrying with its idempotency key until it gets its 201."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url, self.headers = url, headers
        self.acked: dict[str, tuple[int, str]] = {}  # key -> (patient id, request id)
        self.stop = asyncio.Event()

    async def client(self, n: int) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as http:
            while not self.stop.is_set():
                key = str(uuid.uuid4())
                body = {"name": f"Writer {n}", "surname": key[:8]}
                while not self.stop.is_set():
                    try:
                        response = await http.post(
                            PATIENTS, json=body, headers={**self.headers, "Idempotency-Key": key}
                        )
                    except httpx.TransportError:
                        continue  # the answer was lost: the same key again
                    if response.status_code == 201:
                        self.acked[key] = (response.json()["id"], response.headers["x-request-id"])
                        break
                    assert response.status_code == 503, response.text

    def run(self, clients: int = 6) -> asyncio.Future[list[None]]:
        return asyncio.gather(*(self.client(n) for n in range(clients)))


async def test_kill_9_of_a_worker_loses_no_acknowledged_write_and_the_worker_comes_back(
    settings: Settings, tmp_path: Path
) -> None:
    await make_user("nurse")
    log = tmp_path / "server.log"
    with live_server(server_env(settings), workers=2, log=log) as (url, process):
        writers = Writers(url, bearer((await log_in(url, "nurse"))["access_token"]))
        load = writers.run()
        try:
            outcome = await kill_a_worker_then_stop(writers, process, log)
        finally:
            writers.stop.set()
            await asyncio.wait_for(load, 20)

    exit_code, stopped_within, before, after = outcome
    assert exit_code == 0
    assert stopped_within < settings.shutdown_timeout_seconds + 2
    assert len(after) == 2
    assert len(after - before) == 1, "the killed worker was replaced by a new process"
    assert "died: restarting it" in log.read_text()
    stored = dict(await PatientIdempotencyKey.all().values_list("key", "patient_id"))
    assert {key: patient for key, (patient, _) in writers.acked.items()}.items() <= stored.items()
    assert await Patient.all().count() == len(stored), "one patient per key, never two"
    logged = set(await AccessLog.all().values_list("request_id", flat=True))
    assert {request_id for _, request_id in writers.acked.values()} <= logged
    if settings.is_sqlite:
        with sqlite3.connect(settings.database_url.removeprefix("sqlite://")) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def kill_a_worker_then_stop(
    writers: Writers, process: subprocess.Popen[bytes], log: Path
) -> tuple[int, float, set[int], set[int]]:
    await eventually(lambda: len(writers.acked) >= 40)
    before = set(worker_pids(process.pid))
    os.kill(min(before), signal.SIGKILL)

    def replaced() -> bool:
        now = set(worker_pids(process.pid))
        return len(now) == 2 and min(before) not in now

    await eventually(replaced, within=15)
    after = set(worker_pids(process.pid))
    (new,) = after - before
    await eventually(lambda: f"Worker ready [{new}]" in log.read_text())
    acked_at_restart = len(writers.acked)
    await eventually(lambda: len(writers.acked) >= acked_at_restart + 40)

    process.send_signal(signal.SIGTERM)  # and stop while writes are in flight
    started = time.monotonic()
    exit_code = await asyncio.to_thread(process.wait, 20)
    return exit_code, time.monotonic() - started, before, after


def through(proxy: TcpProxy, database_url: str) -> str:
    target = urlsplit(database_url)
    return target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()


HANG = 5.0  # seconds: an answer later than this, with DB_TIMEOUT_SECONDS=1, is a hang


async def answered(url: str, method: str, path: str, **headers: str) -> httpx.Response:
    """The response, or a failed test if it does not come within HANG (a deadline, not a speed)."""
    return await asyncio.wait_for(request(url, method, path, **headers), timeout=HANG)


def assert_503_problem(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"


@requires_postgres
async def test_postgres_unreachable_then_back_gives_quick_503s_and_recovers_without_restart(
    settings: Settings,
) -> None:
    await make_user("nurse")
    target = urlsplit(settings.database_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    env = {
        **server_env(settings),
        "DATABASE_URL": through(proxy, settings.database_url),
        "DB_TIMEOUT_SECONDS": "1",
    }
    try:
        with live_server(env, workers=1) as (url, process):
            workers = worker_pids(process.pid)
            nurse = bearer((await log_in(url, "nurse"))["access_token"])
            assert (await request(url, "GET", PATIENTS, **nurse)).status_code == 200
            await proxy.cut()
            for path in (PATIENTS, "/readyz"):
                assert_503_problem(await answered(url, "GET", path, **nurse))
            assert (await request(url, "GET", "/healthz")).status_code == 200
            await proxy.start()

            async def serving() -> bool:
                return (await request(url, "GET", PATIENTS, **nurse)).status_code == 200

            await eventually(serving, within=15)
            assert (await request(url, "GET", "/readyz")).status_code == 200
            assert process.poll() is None
            assert worker_pids(process.pid) == workers, "recovered in place, no worker restarted"
    finally:
        await proxy.cut()


@requires_postgres
async def test_an_exhausted_pool_gives_quick_503s_and_recovers(settings: Settings) -> None:
    """One pooled connection, held by a request stuck behind a lock: the next caller waits
    DB_TIMEOUT_SECONDS for a connection, gets a 503, and the pool serves again once the lock goes."""
    await make_user("nurse")
    env = {**server_env(settings), "DB_POOL_MIN": "1", "DB_POOL_MAX": "1", "DB_TIMEOUT_SECONDS": "1"}
    with live_server(env, workers=1) as (url, _):
        nurse = bearer((await log_in(url, "nurse"))["access_token"])
        holder = await asyncpg.connect(settings.database_url)
        try:
            async with holder.transaction():
                await holder.execute("LOCK TABLE patient IN ACCESS EXCLUSIVE MODE")
                stuck = asyncio.create_task(request(url, "GET", PATIENTS, **nurse))

                async def waiting_for_the_lock() -> bool:
                    return bool(await holder.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted"))

                await eventually(waiting_for_the_lock, within=10)
                assert_503_problem(await answered(url, "GET", PATIENTS, **nurse))
                assert not stuck.done(), "the 503 came while the first request still held the connection"
        finally:
            await holder.close()
        assert (await stuck).status_code == 200, "the held request finished once the lock was gone"
        for _ in range(3):
            assert (await request(url, "GET", PATIENTS, **nurse)).status_code == 200


async def test_a_worker_that_keeps_dying_stops_the_server_with_exit_code_3(
    settings: Settings, tmp_path: Path
) -> None:
    """A crash loop is the supervisor's business: after MAX_RESTARTS deaths within the window,
    `serve` stops instead of restarting the worker forever."""
    log = tmp_path / "server.log"
    with live_server(server_env(settings), workers=1, log=log) as (_, process):
        killed: set[int] = set()
        for _ in range(MAX_RESTARTS + 1):

            def a_new_worker() -> bool:
                return bool(set(worker_pids(process.pid)) - killed)

            await eventually(a_new_worker, within=15)
            (pid,) = set(worker_pids(process.pid)) - killed
            os.kill(pid, signal.SIGKILL)
            killed.add(pid)
        exit_code = await asyncio.to_thread(process.wait, 30)
    assert exit_code == 3
    assert f"died {MAX_RESTARTS + 1} times" in log.read_text()
