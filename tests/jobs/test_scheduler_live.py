"""The purge schedule in `serve`'s own managed process, firing every second: it purges, runs once
per host whatever the number of workers, survives a failed run, and stops with the server.
Runs are counted from the server's JSON log, one line per run."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from backend.auth.models import Token
from backend.clock import utcnow
from backend.config import Settings
from backend.users.models import User
from tests.factories import make_token, make_user
from tests.harness import eventually, json_lines, live_server, server_env, stop, worker_pids
from tests.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.live, pytest.mark.usefixtures("db")]
EVERY_SECOND = "* * * * * *"
SCHEDULER = "Sanic-PurgeScheduler-0"


def scheduled(settings: Settings, **env: str) -> dict[str, str]:
    return {**server_env(settings), "PURGE_SCHEDULE": EVERY_SECOND, "LOG_FORMAT": "json", **env}


def job_lines(log: Path) -> list[dict[str, Any]]:
    return [entry for entry in json_lines(log.read_text()) if entry["logger"] == "backend.jobs"]


def runs(log: Path) -> list[dict[str, Any]]:
    """Each run's line: what it purged, or that it failed."""
    return [entry for entry in job_lines(log) if "purged" in entry or entry["message"] == "purge failed"]


async def expired_logins(user: User, count: int) -> None:
    for _ in range(count):
        await make_token(user, expires_at=utcnow() - timedelta(minutes=1))


def purged_tokens(log: Path) -> int:
    return sum(entry["purged"]["tokens"] for entry in runs(log) if "purged" in entry)


def succeeded_after_the_last_failure(done: list[dict[str, Any]]) -> bool:
    failures = [n for n, entry in enumerate(done) if entry["message"] == "purge failed"]
    return bool(failures) and any("purged" in entry for entry in done[failures[-1] + 1 :])


async def only_these_remain(*kept: Token) -> bool:
    return set(await Token.all().values_list("id", flat=True)) == {token.id for token in kept}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def server_processes(session: int) -> list[str]:
    """The live processes in the server's session (`live_server` starts it in a session of its
    own), each as its pid and command line (empty while a process is exiting)."""
    members = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
            command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            members.append(f"{process.name}: {command}")
    return members


async def test_every_second_it_purges_expired_logins_in_one_process_per_host_not_per_worker(
    settings: Settings, tmp_path: Path
) -> None:
    user = await make_user()
    live = await make_token(user)
    log = tmp_path / "server.log"
    with live_server(scheduled(settings), workers=2, log=log) as (_, process):
        await expired_logins(user, 5)
        await eventually(lambda: only_these_remain(live))
        seen = len(runs(log))
        await eventually(lambda: len(runs(log)) >= seen + 3)  # a few runs with nothing left to purge
        workers = set(worker_pids(process.pid))

    done = runs(log)
    assert purged_tokens(log) == 5
    assert len({entry["pid"] for entry in done}) == 1, "one process runs the schedule"
    assert {entry["worker"] for entry in done} == {SCHEDULER}
    assert len(workers) == 2
    assert not workers & {entry["pid"] for entry in done}, "not an HTTP worker"
    assert all(entry["level"] == "INFO" for entry in done)


class Outage:
    async def begin(self) -> None:
        raise NotImplementedError

    async def end(self) -> None:
        raise NotImplementedError


class SqliteLocked(Outage):
    """Another process holds SQLite's write lock (a long transaction, a backup) past the busy timeout."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.database_url.removeprefix("sqlite://")
        self.holder: sqlite3.Connection | None = None

    async def begin(self) -> None:
        self.holder = sqlite3.connect(self.path, isolation_level=None)
        self.holder.execute("BEGIN IMMEDIATE")

    async def end(self) -> None:
        assert self.holder is not None
        self.holder.execute("ROLLBACK")
        self.holder.close()


class PostgresCut(Outage):
    """The network to PostgreSQL cut: open connections dropped, new ones refused.

    The proxy runs on a loop of its own: `live_server` blocks the test's loop while it starts and
    stops the server, and a proxy on it would stall the server's database meanwhile."""

    def __init__(self, proxy: TcpProxy) -> None:
        self.proxy = proxy
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, work: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=10)

    async def begin(self) -> None:
        self.call(self.proxy.cut())

    async def end(self) -> None:
        self.call(self.proxy.start())

    def close(self) -> None:
        self.call(self.proxy.cut())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


@asynccontextmanager
async def outage(settings: Settings) -> AsyncIterator[tuple[dict[str, str], Outage]]:
    """The server's environment, and a way to take its database away and give it back."""
    if settings.is_sqlite:
        yield {"DB_TIMEOUT_SECONDS": "0.2"}, SqliteLocked(settings)
        return
    target = urlsplit(settings.database_url)
    cut = PostgresCut(TcpProxy(target.hostname or "127.0.0.1", target.port or 5432))
    try:
        await cut.end()
        through = target._replace(netloc=f"{target.username}@127.0.0.1:{cut.proxy.port}").geturl()
        yield {"DATABASE_URL": through}, cut
    finally:
        cut.close()


async def test_a_failed_run_is_logged_with_its_error_and_the_next_run_still_purges(
    settings: Settings, tmp_path: Path
) -> None:
    user = await make_user()
    live = await make_token(user)
    log = tmp_path / "server.log"
    async with outage(settings) as (env, database):
        with live_server(scheduled(settings, **env), workers=1, log=log) as (_, process):
            await eventually(lambda: any("purged" in entry for entry in runs(log)))
            await expired_logins(user, 3)
            await database.begin()
            try:
                seen = len(runs(log))
                await eventually(lambda: any("exception" in entry for entry in runs(log)[seen:]))
            finally:
                await database.end()
            # not `only_these_remain` alone: a run stopped with the server after its delete logs no count
            await eventually(lambda: succeeded_after_the_last_failure(runs(log)) and purged_tokens(log) == 3)
            assert await only_these_remain(live)
            assert process.poll() is None

    done = runs(log)
    failed = next(entry for entry in done if entry["message"] == "purge failed")
    assert failed["level"] == "ERROR"
    assert failed["exception"].startswith("Traceback (most recent call last):")
    assert "Error" in failed["exception"].splitlines()[-1]
    assert succeeded_after_the_last_failure(done)
    assert purged_tokens(log) == 3
    assert {entry["pid"] for entry in done} == {failed["pid"]}, "the same process, not restarted"


async def test_stopping_the_server_stops_the_schedule(settings: Settings, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with live_server(scheduled(settings), workers=1, log=log) as (_, process):
        await eventually(lambda: len(runs(log)) >= 2)
        scheduler = runs(log)[0]["pid"]
        assert alive(scheduler)
        stop(process)

    assert process.returncode == 0
    assert not alive(scheduler)
    # multiprocessing's resource tracker leaves once the last of them has closed its pipe.
    await eventually(lambda: not server_processes(process.pid), within=10)
    lines = job_lines(log)
    assert lines[-1]["message"] == "purge schedule stopped"
    assert lines[-1]["pid"] == scheduler


async def test_a_scheduler_killed_is_restarted_and_runs_again(settings: Settings, tmp_path: Path) -> None:
    """The OOM killer or a `kill -9`: the watchdog restarts it, as it does an HTTP worker."""
    log = tmp_path / "server.log"
    with live_server(scheduled(settings), workers=1, log=log) as (_, process):
        await eventually(lambda: len(runs(log)) >= 1)
        killed = runs(log)[0]["pid"]
        os.kill(killed, signal.SIGKILL)
        await eventually(lambda: any(entry["pid"] != killed for entry in runs(log)))
        assert process.poll() is None

    lines = json_lines(log.read_text())
    [restart] = [entry for entry in lines if entry["logger"] == "backend.watchdog"]
    assert restart["level"] == "ERROR"
    assert restart["message"] == f"worker {SCHEDULER} (pid {killed}) died: restarting it"
    assert {entry["worker"] for entry in runs(log)} == {SCHEDULER}
