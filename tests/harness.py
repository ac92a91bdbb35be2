"""Serving an app inside the test's own event loop, and a server in a subprocess for tests that need one."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from sanic import Sanic

from backend.config import Settings

ROOT = Path(__file__).resolve().parent.parent
PROBE_AGENT = "test-harness/readiness"  # the harness's own polls, to tell them apart in the access log
TCP_ESTABLISHED = "01"  # the `st` column of /proc/net/tcp


@asynccontextmanager
async def serve_in_process(app: Sanic) -> AsyncIterator[str]:
    """Run `app` with its listeners, as a worker would, on a free loopback port; yield its base URL.

    sanic-testing's clients start the app anew for every request; this starts it once per test,
    and test code shares the loop with the handlers (so it can use the ORM directly).
    """
    app.config.TOUCHUP = False
    app.config.MOTD = False
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # a free port, held from the start (Sanic reads port 0 as "default")
    port = sock.getsockname()[1]
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False, debug=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


def server_env(settings: Settings) -> dict[str, str]:
    """The environment that makes `python -m backend` use the test's database and secret."""
    return {
        "DATABASE_URL": settings.database_url,
        "DATA_DIR": str(settings.data_dir),
        "SECRET_KEY": settings.secret_key,
        "BCRYPT_ROUNDS": str(settings.bcrypt_rounds),
        "FRONTEND_DIST": str(settings.frontend_dist),
    }


async def eventually(condition: Callable[[], bool | Awaitable[bool]], within: float = 30.0) -> None:
    """Poll `condition` until it holds; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = condition()
        if await result if inspect.isawaitable(result) else result:
            return
        assert time.monotonic() < deadline, f"condition not met within {within}s"
        await asyncio.sleep(0.01)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_ready(
    url: str, process: subprocess.Popen[bytes], log: Path, *, workers: int = 1, timeout: float = 30.0
) -> None:
    """Until every worker is ready, not just the one that answers first: Sanic's manager restarts
    nothing before all have acknowledged their start, so a worker killed earlier is not replaced."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (
                httpx.get(f"{url}/healthz", timeout=1.0, headers={"User-Agent": PROBE_AGENT}).status_code
                == 200
                and log.read_text(errors="replace").count("Worker ready [") >= workers
            ):
                return
        except httpx.TransportError:
            pass
        try:  # wait a little for the process to exit, which it should not
            process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
    raise TimeoutError(f"{url} did not become ready within {timeout}s:\n{log.read_text()}")


@contextmanager
def live_server(
    env: Mapping[str, str], *, workers: int = 1, log: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m backend serve` in a subprocess on a free port; stopped with SIGTERM on exit.

    Its output goes to `log` (a temporary file by default), never to a pipe that could fill up.
    """
    log = log or Path(tempfile.mkstemp(prefix="server-", suffix=".log")[1])
    url, process = start_server(env, workers=workers, log=log)
    try:
        wait_until_ready(url, process, log, workers=workers)
        yield url, process
    except BaseException:
        print(f"--- the end of the server's log ({log}):\n{tail(log)}")  # in pytest's report of the failure
        raise
    finally:
        stop(process)


def tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def start_server(env: Mapping[str, str], *, workers: int, log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """`python -m backend serve` on a free port, not waiting for it: its URL and process."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend", "serve", "--port", str(port), "--workers", str(workers)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Sanic's manager may SIGKILL its process group: not ours
        )
    return f"http://127.0.0.1:{port}", process


def wait_for_log(
    log: Path, process: subprocess.Popen[bytes], condition: Callable[[str], bool], within: float = 30.0
) -> None:
    """Poll the server's log until `condition` holds of it; fail if the server exits or time runs out."""
    deadline = time.monotonic() + within
    while not condition(text := log.read_text()):
        assert process.poll() is None, text
        assert time.monotonic() < deadline, text
        time.sleep(0.005)


def json_lines(text: str) -> list[dict[str, Any]]:
    """A `LOG_FORMAT=json` log's complete lines, parsed; a line that is not a JSON object fails the test."""
    entries = []
    for line in text[: text.rfind("\n") + 1].splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        assert isinstance(entry, dict), f"not a JSON object: {line!r} in:\n{text}"
        entries.append(entry)
    return entries


def worker_pids(main_pid: int) -> list[int]:
    """The server's HTTP worker processes, told apart from its other children by their environment
    (a killed worker not yet reaped has none: it is skipped)."""
    pids = []
    for child in Path(f"/proc/{main_pid}/task/{main_pid}/children").read_text().split():
        try:
            environment = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
        except (ProcessLookupError, FileNotFoundError):
            continue
        if any(entry.startswith(b"SANIC_WORKER_NAME=Sanic-Server-") for entry in environment):
            pids.append(int(child))
    return pids


def answered_by(response: httpx.Response, workers: Collection[int]) -> int:
    """Which of `workers` answered `response`: the process holding the server's end of its TCP
    connection, found in /proc (the connection's socket inode, then the worker whose file descriptors
    include it). The connection must still be open: ask inside the client's `async with`."""
    stream = response.extensions["network_stream"]
    client_port = stream.get_extra_info("client_addr")[1]
    server_port = stream.get_extra_info("server_addr")[1]
    inode = _server_end(server_port, client_port)
    assert inode, f"no open connection from port {client_port} to port {server_port}"
    socket_link = f"socket:[{inode}]"
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == socket_link:
                    return pid
            except FileNotFoundError:  # closed while we looked
                continue
    raise AssertionError(f"none of the workers {sorted(workers)} holds {socket_link}")


def _server_end(server_port: int, client_port: int) -> int | None:
    """The socket inode of the server's end of an established loopback connection (0 while it waits
    to be accepted), from the kernel's tables: local and remote addresses as hex `address:port`."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            _, local, remote, state, *rest = line.split()
            if state == TCP_ESTABLISHED and _port(local) == server_port and _port(remote) == client_port:
                return int(rest[5])
    return None


def _port(address: str) -> int:
    return int(address.rpartition(":")[2], 16)


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
