"""Fixes for Sanic 25.12's process lifecycle, all about stop signals that come early or twice.

1. The manager's signal handler does the whole shutdown inside the handler, which Python runs
   between any two bytecodes of the main thread: when that thread is in the middle of a call
   through the shared worker-state proxy (it polls it every 0.1 s), the handler's own calls
   garble the connection ("'list' object is not a mapping") and `serve` dies with a traceback.
   And a SIGTERM that arrives before every worker has acknowledged its start leaves the manager
   in `wait_for_ack` re-reading its own shutdown message at full CPU, forever; a second signal
   then SIGKILLs its whole process group (sanic-org/sanic#2997, fix proposed in #3063).
   `StoppableWorkerManager`'s handler only records the request; the manager's own loop (and
   `wait_for_ack`) acts on it, and `serve` exits 0. A second signal once shutdown has begun
   still kills, as in Sanic.

2. Sanic keeps the workers' shared state in a `multiprocessing` manager process, which ignores
   SIGINT but dies of SIGTERM. systemd's default stop (and `kill` of the process group) sends
   SIGTERM to every process, so the manager process died before the main process had finished
   with the shared state (BrokenPipeError, exit status 1). `use_stoppable_worker_manager` also
   has that process ignore SIGTERM; it stops when the main process shuts it down, as before.

3. When a worker gets a second stop signal while it runs its shutdown listeners (Ctrl-C in a
   terminal and systemd's default stop both signal every process of the server, and the manager
   then signals its workers again), uvloop stops the loop under the listener and Sanic runs the
   listeners again from the start. A listener that closes connections then starts a second close
   while the first is left pending, destroyed with the loop ("Task was destroyed but it is
   pending", "Event loop is closed"). `run_once` makes the second run wait for the first.

4. A request target with a control byte (`GET /a%01b` sent raw as `GET /a\x01b`) fails to parse,
   and Sanic's error path builds its stand-in request from the same URL, which fails again: the
   client gets no answer at all and the log an ERROR with two tracebacks, per request, which
   anyone can send. `answer_unparsable_urls` builds the stand-in from `*` instead, so the client
   gets the 400 problem+json any other malformed request gets.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import Callable, Coroutine
from functools import wraps
from multiprocessing.managers import SyncManager
from signal import Signals
from types import FrameType
from typing import Any, TypeVar

import sanic.mixins.startup
from sanic.exceptions import BadRequest
from sanic.http.http1 import Http
from sanic.log import logger
from sanic.worker.manager import MonitorCycle, WorkerManager

A = TypeVar("A")


class StoppableWorkerManager(WorkerManager):
    stop_requested = False

    def shutdown_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._shutting_down:
            super().shutdown_signal(signum, frame)  # type: ignore[no-untyped-call]  # a second signal: kill
            return
        if not self.stop_requested:
            self.stop_requested = True
            logger.info("Received signal %s. Shutting down.", Signals(signum).name)

    def _all_workers_ack(self) -> bool:
        return self.stop_requested or bool(super()._all_workers_ack())  # type: ignore[no-untyped-call]

    def _poll_monitor(self) -> MonitorCycle | None:
        if self.stop_requested:
            self.shutdown()  # type: ignore[no-untyped-call]  # here, outside the signal handler
            return MonitorCycle.BREAK
        return super()._poll_monitor()


def use_stoppable_worker_manager() -> None:
    """Make `Sanic.serve` build its manager from `StoppableWorkerManager`, and its shared-state
    process from `shared_state_manager`."""
    sanic.mixins.startup.WorkerManager = StoppableWorkerManager  # type: ignore[attr-defined]
    sanic.mixins.startup.Manager = shared_state_manager  # type: ignore[attr-defined]


def shared_state_manager() -> SyncManager:
    """`multiprocessing.Manager()`, whose process outlives a SIGTERM sent to the whole group."""
    manager = SyncManager(ctx=multiprocessing.get_context())
    manager.start(_ignore_sigterm)
    return manager


def _ignore_sigterm() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # multiprocessing already ignores SIGINT there


def run_once(
    listener: Callable[[A], Coroutine[Any, Any, None]],
) -> Callable[[A], Coroutine[Any, Any, None]]:
    """A shutdown listener that runs once however often Sanic calls it; later calls wait for it."""
    started: asyncio.Future[None] | None = None

    @wraps(listener)
    async def once(app: A) -> None:
        nonlocal started
        if started is None:
            started = asyncio.ensure_future(listener(app))
        await asyncio.shield(started)

    return once


def answer_unparsable_urls() -> None:
    """Fix 4: a URL that cannot be parsed gets a 400 instead of no answer (idempotent)."""
    create = Http.create_empty_request
    if getattr(create, "answers_unparsable_urls", False):
        return

    @wraps(create)
    def create_empty_request(self: Http) -> None:
        try:
            create(self)
        except BadRequest:
            self.url = None  # Sanic then names the stand-in request "*"
            create(self)

    create_empty_request.answers_unparsable_urls = True  # type: ignore[attr-defined]
    Http.create_empty_request = create_empty_request  # type: ignore[method-assign]
