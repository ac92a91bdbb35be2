"""The server under test: `python -m backend serve` in a subprocess, on a fresh database.

SQLite in a temp dir by default; for a set on PostgreSQL, a throwaway database created for the run
on the server `BENCH_DATABASE_URL` names (e.g. postgres://postgres@127.0.0.1:5432/postgres) and
dropped after it.
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench import client

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 30.0
# Used for PostgreSQL sets when BENCH_DATABASE_URL is unset and it answers (the test server of
# DEVELOPERS.md); each run only creates and drops its own `bench_*` databases on it.
LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test"
PROBE_TIMEOUT_SECONDS = 2.0


class ServerError(RuntimeError):
    pass


Database = Literal["sqlite", "postgres"]


@dataclass(frozen=True)
class Server:
    url: str
    workers: int
    process: subprocess.Popen[bytes]
    log: Path
    env: Mapping[str, str]  # the server's environment; `python -m backend` commands for it need the same
    app_module: str = "backend"  # `python -m <app_module> serve`: ours, or the bench's bare ceiling app
    database: Database = "sqlite"  # where the set's own servers keep their data (the bare app has none)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(tmp: Path, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: a fresh SQLite database in `tmp`, cheap bcrypt unless overridden."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp}/app.db",
        "DATA_DIR": str(tmp / "data"),
        "APP_ENV": "development",
        "BCRYPT_ROUNDS": "4",
        "FRONTEND_DIST": str(tmp / "none"),
        **(overrides or {}),
    }


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _healthy(url: str) -> bool:
    try:
        return client.status(url, "/healthz", timeout=1.0) == 200
    except (OSError, http.client.HTTPException):
        return False


def wait_until_ready(server: Server, timeout: float = READY_TIMEOUT_SECONDS) -> None:
    """Poll /healthz until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _healthy(server.url):
            return
        try:  # doubles as the pause between polls
            server.process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        raise ServerError(f"server exited with {server.process.returncode}:\n{_tail(server.log)}")
    raise ServerError(f"{server.url} not ready within {timeout}s:\n{_tail(server.log)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def backend(env: Mapping[str, str], *args: str) -> str:
    """Run `python -m backend ARGS` with the server's environment; its stdout, or ServerError."""
    done = subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ServerError(f"{args[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def migrate(env: Mapping[str, str]) -> None:
    backend(env, "migrate")


async def _postgres(admin_url: str, sql: str, connect_seconds: float = 60.0) -> None:
    connection = await asyncpg.connect(admin_url, timeout=connect_seconds)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _answers(url: str) -> bool:
    try:
        asyncio.run(_postgres(url, "SELECT 1", connect_seconds=PROBE_TIMEOUT_SECONDS))
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
        return False
    return True


@functools.cache
def postgres_admin_url() -> str:
    """A PostgreSQL server to make throwaway databases on: BENCH_DATABASE_URL, else the local one
    (LOCAL_POSTGRES_URL) when it answers, else "" (no PostgreSQL sets)."""
    configured = os.environ.get("BENCH_DATABASE_URL", "")
    if configured:
        return configured
    return LOCAL_POSTGRES_URL if _answers(LOCAL_POSTGRES_URL) else ""


@contextmanager
def fresh_database(tmp: Path, database: Database) -> Iterator[str]:
    """A DATABASE_URL nobody else uses: SQLite in `tmp`, or a throwaway PostgreSQL database."""
    if database == "sqlite":
        yield f"sqlite://{tmp}/app.db"
        return
    admin_url = postgres_admin_url()
    if not admin_url:
        raise ServerError(
            f"a PostgreSQL set needs BENCH_DATABASE_URL or a server answering at {LOCAL_POSTGRES_URL}"
        )
    name = f"bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_postgres(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_postgres(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def running_server(
    workers: int = 1,
    env_overrides: Mapping[str, str] | None = None,
    seed: Callable[[Mapping[str, str]], None] | None = None,
    app_module: str = "backend",
    database: Database = "sqlite",
) -> Iterator[Server]:
    """Migrate a fresh database, `seed` it, serve it on a free port; yield once healthy.

    The bare ceiling app gets no database of its own; the floor app one it fills itself."""
    database = database if app_module in ("backend", "bench.floor_app") else "sqlite"
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as tmp_name,
        fresh_database(Path(tmp_name), database) as url,
    ):
        tmp = Path(tmp_name)
        env = server_env(tmp, {"DATABASE_URL": url, **(env_overrides or {})})
        if app_module == "backend":
            migrate(env)
            if seed is not None:
                seed(env)
        port = free_port()
        log = tmp / "server.log"
        command = [sys.executable, "-m", app_module, "serve", "--port", str(port), "--workers", str(workers)]
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Sanic's manager may SIGKILL its process group: not ours
            )
        server = Server(
            url=f"http://127.0.0.1:{port}",
            workers=workers,
            process=process,
            log=log,
            env=env,
            app_module=app_module,
            database=database,
        )
        try:
            wait_until_ready(server)
            yield server
        finally:
            stop(process)
