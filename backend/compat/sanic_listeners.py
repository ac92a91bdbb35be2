"""Sanic runs a worker's shutdown listeners again when a second stop signal interrupts them.

Upstream: no issue found; it follows from Sanic's worker serving loop (`sanic.server.runners`)
running the "after_server_stop" listeners again after uvloop stops the loop under the first run.
Verified on: sanic 25.12.1.
Behaviour tested in tests/test_cli.py (Ctrl-C twice: no "Task was destroyed but it is pending");
tests/compat/test_sanic_listeners.py checks `run_once` itself.

When a worker gets a second stop signal while it runs its shutdown listeners (Ctrl-C in a
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

A = TypeVar("A")


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
