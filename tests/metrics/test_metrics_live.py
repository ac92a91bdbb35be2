"""GET /metrics from `serve` with two workers: any worker's answer adds up every worker's requests,
the purge scheduler's runs and the counts of a worker that was killed; the multiprocess directory
is emptied at start and its temporary default removed at the end. Which worker answered is read
from /proc (tests/harness.py, `answered_by`)."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from backend.clock import utcnow
from backend.config import Settings
from backend.db import dialect_of
from tests.auth.test_workers import clients_on_every_worker
from tests.factories import make_token, make_user
from tests.harness import answered_by, eventually, live_server, server_env, worker_pids
from tests.helpers import LOGIN, bearer, login
from tests.metrics.test_metrics import PATIENT, PATIENT_ROUTE, Samples, parse, value

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("db")]

WORKERS = 2
READ = {"route": PATIENT_ROUTE, "method": "GET", "status": "2xx"}


@asynccontextmanager
async def serving(env: dict[str, str]) -> AsyncIterator[tuple[str, list[int], int]]:
    """The server with two workers: its URL, the workers' pids and the main process's."""
    with live_server(env, workers=WORKERS) as (url, process):
        await eventually(lambda: len(worker_pids(process.pid)) == WORKERS, within=120)
        yield url, worker_pids(process.pid), process.pid


async def scrape(http: httpx.AsyncClient) -> tuple[Samples, httpx.Response]:
    response = await http.get("/metrics")
    assert response.status_code == 200, response.text
    return parse(response.text), response


async def test_any_workers_metrics_add_up_every_workers_requests_and_logins(settings: Settings) -> None:
    await make_user("alice", roles=("user",))
    async with (
        serving(server_env(settings)) as (url, workers, _),
        clients_on_every_worker(url, workers, per_worker=2) as clients,
    ):
        headers = bearer((await login(clients[0], "alice"))["access_token"])
        ids = [
            (await clients[0].post("/api/v1/patients", json=PATIENT, headers=headers)).json()["id"]
            for _ in range(2)
        ]
        reads = await asyncio.gather(
            *(http.get(f"/api/v1/patients/{ids[n % 2]}", headers=headers) for n, http in enumerate(clients))
        )
        assert [r.status_code for r in reads] == [200] * len(clients)
        assert {answered_by(r, workers) for r in reads} == set(workers)
        wrong = {"username": "alice", "password": "not-her-password"}
        failed = await asyncio.gather(*(http.post(LOGIN, json=wrong) for http in clients))
        assert [r.status_code for r in failed] == [401] * len(clients)

        scrapes = [await scrape(http) for http in clients]
        assert {answered_by(response, workers) for _, response in scrapes} == set(workers)
        for samples, _ in scrapes:  # whichever worker answered: every worker's requests
            assert value(samples, "http_requests_total", **READ) == len(clients)  # two patients, one series
            assert value(samples, "auth_logins_total", outcome="failed") == len(clients)
            assert value(samples, "auth_logins_total", outcome="succeeded") == 1
            assert value(samples, "access_log_batch_rows_sum") >= 3 * len(clients)
        # The pools: PostgreSQL's of each worker (sampled every second), added up; SQLite has none.
        if dialect_of(settings.database_url) == "postgres":

            async def both_pools_sampled() -> bool:
                samples, _ = await scrape(clients[0])
                return (
                    value(samples, "db_pool_max_connections", connection="default")
                    == WORKERS * settings.db_pool_max
                )

            await eventually(both_pools_sampled)
            samples, _ = await scrape(clients[0])
            assert value(samples, "db_pool_max_connections", connection="access_log") == WORKERS * 2
            open_ = sum(
                value(samples, "db_pool_connections", connection="default", state=s)
                for s in ("idle", "in_use")
            )
            assert open_ >= WORKERS  # DB_POOL_MIN each
            assert ("db_pool_waiting", frozenset({("connection", "default")})) in samples
        else:
            assert not [name for name, _ in samples if name.startswith("db_pool")]


async def test_purge_runs_of_the_scheduler_are_counted(settings: Settings) -> None:
    user = await make_user()
    for _ in range(5):
        await make_token(user, expires_at=utcnow() - timedelta(minutes=1))
    env = {**server_env(settings), "PURGE_SCHEDULE": "* * * * * *"}
    async with serving(env) as (url, _, _), httpx.AsyncClient(base_url=url) as http:

        async def purged_all() -> bool:
            samples, _ = await scrape(http)
            return value(samples, "purge_rows_total", table="tokens") == 5

        await eventually(purged_all)
        samples, _ = await scrape(http)
    assert value(samples, "purge_runs_total", outcome="succeeded") >= 1
    assert value(samples, "purge_runs_total", outcome="failed") == 0
    assert value(samples, "purge_last_success_timestamp_seconds") > 0


def files_of(directory: Path, pid: int) -> set[str]:
    return {path.name for path in directory.glob(f"*_{pid}.db")}


async def test_a_killed_worker_keeps_its_counts_loses_its_gauges_and_a_new_run_starts_afresh(
    settings: Settings, tmp_path: Path
) -> None:
    directory = tmp_path / "metrics"
    env = {**server_env(settings), "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    await make_user("alice", roles=("user",))
    async with (
        serving(env) as (url, workers, main_pid),
        clients_on_every_worker(url, workers, per_worker=1) as clients,
    ):
        headers = bearer((await login(clients[0], "alice"))["access_token"])
        patient = (await clients[0].post("/api/v1/patients", json=PATIENT, headers=headers)).json()["id"]
        reads = [await http.get(f"/api/v1/patients/{patient}", headers=headers) for http in clients]
        assert {answered_by(r, workers) for r in reads} == set(workers)
        killed = answered_by(reads[0], workers)
        await eventually(lambda: f"gauge_livesum_{killed}.db" in files_of(directory, killed))  # sampled

        os.kill(killed, signal.SIGKILL)
        await eventually(lambda: len(set(worker_pids(main_pid)) - {killed}) == WORKERS, within=120)
        await eventually(
            lambda: not any(name.startswith("gauge_live") for name in files_of(directory, killed))
        )
        assert {f"counter_{killed}.db", f"histogram_{killed}.db"} <= files_of(directory, killed)
        async with httpx.AsyncClient(base_url=url) as http:
            samples, _ = await scrape(http)
        assert value(samples, "http_requests_total", **READ) == len(clients), "the killed worker's reads stay"

    assert files_of(directory, killed), "an operator's directory is left as it is at the end"
    async with serving(env) as (url, _, _), httpx.AsyncClient(base_url=url) as http:
        samples, _ = await scrape(http)
        assert not files_of(directory, killed), "emptied at start"
    assert value(samples, "http_requests_total", **READ) == 0
    assert value(samples, "auth_logins_total", outcome="succeeded") == 0


def environ(pid: int) -> bytes:
    return Path(f"/proc/{pid}/environ").read_bytes()


def multiproc_dir(pid: int) -> Path:
    environment = environ(pid).split(b"\0")
    (entry,) = [e for e in environment if e.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
    return Path(entry.split(b"=", 1)[1].decode())


async def test_without_a_directory_configured_a_temporary_one_is_made_and_removed(settings: Settings) -> None:
    async with serving(server_env(settings)) as (url, workers, _):
        directory = multiproc_dir(workers[0])
        assert {multiproc_dir(pid) for pid in workers} == {directory}
        async with httpx.AsyncClient(base_url=url) as http:
            await scrape(http)
        assert list(directory.glob("*.db"))
    assert not directory.exists()


async def test_metrics_off_make_no_directory(settings: Settings) -> None:
    env = {**server_env(settings), "METRICS_ENABLED": "false"}
    async with serving(env) as (url, workers, _), httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/metrics")).status_code == 404
        assert not any(b"PROMETHEUS_MULTIPROC_DIR=" in environ(pid) for pid in workers)
