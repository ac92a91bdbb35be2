"""Sanic's worker manager with one fix: a stop asked for while the workers are still starting.

In Sanic 25.12, a SIGTERM that arrives before every worker has acknowledged its start (a
supervisor stopping a server it has just started, a deploy rolled back at once) leaves the
manager in `wait_for_ack` re-reading its own shutdown message at full CPU: the server never
exits, and a second signal SIGKILLs its whole process group (sanic-org/sanic#2997, fix proposed
in #3063). Counting the workers as acknowledged once shutdown has begun lets the manager go on
to its usual shutdown, and `serve` exits 0.
"""

from __future__ import annotations

import sanic.mixins.startup
from sanic.worker.manager import WorkerManager


class StoppableWorkerManager(WorkerManager):
    def _all_workers_ack(self) -> bool:
        return self._shutting_down or bool(super()._all_workers_ack())  # type: ignore[no-untyped-call]


def use_stoppable_worker_manager() -> None:
    """Make `Sanic.serve` build its manager from `StoppableWorkerManager`."""
    sanic.mixins.startup.WorkerManager = StoppableWorkerManager  # type: ignore[attr-defined]
