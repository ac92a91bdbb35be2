"""Two fixes for Sanic 25.12's process lifecycle, both about stop signals that come early or twice.

1. A SIGTERM that arrives before every worker has acknowledged its start (a supervisor stopping
   a server it has just started, a deploy rolled back at once) leaves the manager in
   `wait_for_ack` re-reading its own shutdown message at full CPU: the server never exits, and a
   second signal SIGKILLs its whole process group (sanic-org/sanic#2997, fix proposed in #3063).
   `StoppableWorkerManager` counts the workers as acknowledged once shutdown has begun, so the
   manager goes on to its usual shutdown and `serve` exits 0.

2. When a worker gets a second stop signal while it runs its shutdown listeners (Ctrl-C in a
   terminal and systemd's default stop both signal every process of the server, and the manager
   then signals its workers again), uvloop stops the loop under the listener and Sanic runs the
   listeners again from the start. A listener that closes connections then starts a second close
   while the first is left pending, destroyed with the loop ("Task was destroyed but it is
   pending", "Event loop is closed"). `run_once` makes the second run wait for the first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any, TypeVar

import sanic.mixins.startup
from sanic.worker.manager import WorkerManager

A = TypeVar("A")


class StoppableWorkerManager(WorkerManager):
    def _all_workers_ack(self) -> bool:
        return self._shutting_down or bool(super()._all_workers_ack())  # type: ignore[no-untyped-call]


def use_stoppable_worker_manager() -> None:
    """Make `Sanic.serve` build its manager from `StoppableWorkerManager`."""
    sanic.mixins.startup.WorkerManager = StoppableWorkerManager  # type: ignore[attr-defined]


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
