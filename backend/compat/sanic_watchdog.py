"""Restart HTTP workers (and the purge scheduler) that die, which Sanic's manager does not do by itself.

Upstream: sanic-org/sanic#3062 ("Auto restart the worker process when it exit or be killed",
open feature request).
Verified on: sanic 25.12.1.
Relies on (checked by tests/compat/test_sanic_watchdog.py): the manager's `monitor_publisher`
pipe and its message format (`"NAME:"` restarts worker NAME, `"__TERMINATE__"` stops the
server), `worker_state` entries named `Sanic-Server-*` with `state == "FAILED"` and `starts`,
`context.Value`, and `manage(name, func, kwargs)`. Behaviour tested in
tests/production/test_faults.py (kill -9 of a worker; a worker that keeps dying).

Sanic 25.12's manager notices a worker that exits (it marks it FAILED in the shared worker
state) but does not start another: after a `kill -9`, or the kernel's OOM killer, a host
serves on with fewer workers, or none. The watchdog is a process the manager runs next to
the workers (`app.manager.manage`, like Sanic's own reloader): it reads the shared worker
state and asks the manager to restart a failed worker through the monitor pipe, the same
message a worker sends for `app.m.restart()`. The manager handles it in its own loop.

A worker that keeps dying at once is not restarted forever: after `MAX_RESTARTS` within
`WINDOW_SECONDS` the watchdog asks the manager to stop, and `serve` exits with status 3 so that
the supervisor (systemd, Docker, Kubernetes) sees a crash loop.
"""

from __future__ import annotations

import logging
import signal
import time
from collections import defaultdict, deque
from collections.abc import Mapping
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from types import FrameType
from typing import Any

from backend.app_types import App
from backend.config import Settings
from backend.logs import configure_logging
from backend.metrics.multiprocess import process_died

logger = logging.getLogger("backend.watchdog")

NAME = "Watchdog"
POLL_SECONDS = 0.2
MAX_RESTARTS = 5
WINDOW_SECONDS = 60.0
SERVER_PREFIX = "Sanic-Server-"


class Watchdog:
    def __init__(
        self,
        publisher: Connection,
        worker_state: Mapping[str, Any],
        gave_up: Synchronized[int],
        *,
        settings: Settings,
        watched: tuple[str, ...] = (SERVER_PREFIX,),
    ) -> None:
        self.settings = settings
        self.watched = watched
        self.publisher = publisher
        self.worker_state = worker_state
        self.gave_up = gave_up
        self.running = True
        self.restarts: defaultdict[str, deque[float]] = defaultdict(deque)
        self.requested: dict[str, int] = {}  # worker -> its start count when a restart was asked

    def __call__(self) -> None:
        configure_logging(self.settings)  # a process of its own: its lines in LOG_FORMAT too
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        while self.running:
            try:
                self.check()
            except (BrokenPipeError, ConnectionError, EOFError):
                return  # the main process is gone or going: nothing left to watch
            time.sleep(POLL_SECONDS)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.running = False

    def failed_workers(self) -> dict[str, dict[str, Any]]:
        return {
            name: state
            for name, state in dict(self.worker_state).items()
            if name.startswith(self.watched) and state.get("state") == "FAILED"
        }

    def check(self) -> None:
        now = time.monotonic()
        for name, state in self.failed_workers().items():
            starts = int(state.get("starts", 0))
            if not self.running or self.requested.get(name) == starts:
                continue  # asked already: the manager has not got to it yet
            recent = self.restarts[name]
            while recent and now - recent[0] > WINDOW_SECONDS:
                recent.popleft()
            if len(recent) >= MAX_RESTARTS:
                deaths = len(recent) + 1  # the restarts in the window, and this death
                logger.error("worker %s died %d times in %.0fs: stopping", name, deaths, WINDOW_SECONDS)
                self.gave_up.value = 1
                self.publisher.send("__TERMINATE__")
                self.running = False
                return
            recent.append(now)
            self.requested[name] = starts
            logger.error("worker %s (pid %s) died: restarting it", name, state.get("pid"))
            process_died(int(state.get("pid", 0)))
            self.publisher.send(f"{name}:")


def register_watchdog(app: App, *also_watch: str) -> None:
    """Watch the HTTP workers, and the processes named in `also_watch` (as given to `manage`)."""

    @app.main_process_ready
    async def start_watchdog(app: App, _: Any) -> None:
        manager = app.manager
        app.ctx.watchdog_gave_up = manager.context.Value("b", 0)
        watchdog = Watchdog(
            manager.monitor_publisher,
            manager.worker_state,
            app.ctx.watchdog_gave_up,
            settings=app.ctx.settings,
            watched=(SERVER_PREFIX, *(f"Sanic-{name}-" for name in also_watch)),
        )
        manager.manage(NAME, watchdog, {})


def gave_up(app: App) -> bool:
    """After `Sanic.serve` returns: whether the watchdog stopped the server over a crash loop."""
    flag = app.ctx.watchdog_gave_up
    return flag is not None and bool(flag.value)
