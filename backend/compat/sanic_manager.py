"""Sanic's worker manager: stop signals that come early or twice, and a shared-state process
that dies of SIGTERM.

Upstream: sanic-org/sanic#2997 (a SIGTERM before every worker has acknowledged its start leaves
the manager spinning in `wait_for_ack`; fix proposed in sanic-org/sanic#3063). No upstream issue
found for the shared-state process dying of SIGTERM.
Verified on: sanic 25.12.1.
Relies on (checked by tests/compat/test_sanic_manager.py): `WorkerManager.shutdown_signal`,
`_all_workers_ack`, `_poll_monitor`, `_shutting_down`, `shutdown`, `MonitorCycle.BREAK`, and
`sanic.mixins.startup` building its manager from the module-level names `WorkerManager` and
`Manager`. Behaviour tested in tests/test_cli.py (SIGTERM/SIGINT at start and twice).

1. The manager's signal handler does the whole shutdown inside the handler, which Python runs
   between any two bytecodes of the main thread: when that thread is in the middle of a call
   through the shared worker-state proxy (it polls it every 0.1 s), the handler's own calls
   garble the connection ("'list' object is not a mapping") and `serve` dies with a traceback.
   And a SIGTERM that arrives before every worker has acknowledged its start leaves the manager
   in `wait_for_ack` re-reading its own shutdown message at full CPU, forever; a second signal
   then SIGKILLs its whole process group.
   `StoppableWorkerManager`'s handler only records the request; the manager's own loop (and
   `wait_for_ack`) acts on it, and `serve` exits 0. A second signal once shutdown has begun
   still kills, as in Sanic.

2. Sanic keeps the workers' shared state in a `multiprocessing` manager process, which ignores
   SIGINT but dies of SIGTERM. systemd's default stop (and `kill` of the process group) sends
   SIGTERM to every process, so the manager process died before the main process had finished
   with the shared state (BrokenPipeError, exit status 1). `use_stoppable_worker_manager` also
   has that process ignore SIGTERM; it stops when the main process shuts it down, as before.
"""

from __future__ import annotations

import multiprocessing
import signal
from multiprocessing.managers import SyncManager
from signal import Signals
from types import FrameType

import sanic.mixins.startup
from sanic.log import logger
from sanic.worker.manager import MonitorCycle, WorkerManager


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
    process from `shared_state_manager` (idempotent)."""
    sanic.mixins.startup.WorkerManager = StoppableWorkerManager  # type: ignore[attr-defined]
    sanic.mixins.startup.Manager = shared_state_manager  # type: ignore[attr-defined]


def shared_state_manager() -> SyncManager:
    """`multiprocessing.Manager()`, whose process outlives a SIGTERM sent to the whole group."""
    manager = SyncManager(ctx=multiprocessing.get_context())
    manager.start(_ignore_sigterm)
    return manager


def _ignore_sigterm() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # multiprocessing already ignores SIGINT there
