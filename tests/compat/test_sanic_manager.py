"""backend/compat/sanic_manager.py relies on these of Sanic's worker manager (sanic 25.12.1)."""

from __future__ import annotations

import inspect
import os
import signal
import time

import sanic.mixins.startup
from sanic.mixins.startup import StartupMixin
from sanic.worker.manager import MonitorCycle, WorkerManager

from backend.compat.sanic_manager import (
    StoppableWorkerManager,
    shared_state_manager,
    use_stoppable_worker_manager,
)
from tests.compat import changed, source_digest

MODULE = "sanic_manager.py"


def test_the_overridden_methods_are_as_verified() -> None:
    assert inspect.signature(WorkerManager.shutdown_signal).parameters.keys() == {"self", "signal", "frame"}
    assert source_digest(WorkerManager.shutdown_signal) == "991228e28239eaff", changed(
        "WorkerManager.shutdown_signal", MODULE
    )
    assert source_digest(WorkerManager._all_workers_ack) == "cd02b34df3008231", changed(
        "WorkerManager._all_workers_ack", MODULE
    )
    assert source_digest(WorkerManager._poll_monitor) == "3dca8fc4593ff727", changed(
        "WorkerManager._poll_monitor", MODULE
    )
    assert source_digest(WorkerManager.wait_for_ack) == "f08ad25923f55049", changed(
        "WorkerManager.wait_for_ack", MODULE
    )
    assert "self._shutting_down = False" in inspect.getsource(WorkerManager.__init__)
    assert MonitorCycle.BREAK


def test_the_upstream_behaviour_is_still_there() -> None:
    """The handler still shuts down inside itself, and `wait_for_ack` still waits on
    `_all_workers_ack`: if either changes, sanic-org/sanic#2997 may be fixed upstream."""
    assert "self.shutdown()" in inspect.getsource(WorkerManager.shutdown_signal)
    assert "self._all_workers_ack()" in inspect.getsource(WorkerManager.wait_for_ack)


def test_serve_builds_its_managers_from_the_module_level_names_that_are_patched() -> None:
    serve = inspect.getsource(StartupMixin.serve)
    assert "WorkerManager(" in serve
    assert "Manager()" in serve
    use_stoppable_worker_manager()
    assert sanic.mixins.startup.WorkerManager is StoppableWorkerManager  # type: ignore[attr-defined]
    assert sanic.mixins.startup.Manager is shared_state_manager  # type: ignore[attr-defined]


def test_the_shared_state_process_outlives_a_sigterm() -> None:
    manager = shared_state_manager()
    try:
        pid = manager._process.pid  # type: ignore[attr-defined]
        os.kill(pid, signal.SIGTERM)
        time.sleep(0.2)
        assert manager._process.is_alive()  # type: ignore[attr-defined]
        state = manager.dict()
        state["a"] = 1
        assert dict(state) == {"a": 1}
    finally:
        manager.shutdown()
