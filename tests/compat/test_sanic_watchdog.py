"""backend/compat/sanic_watchdog.py relies on these of Sanic's worker manager (sanic 25.12.1)."""

from __future__ import annotations

import inspect

from sanic.worker.manager import WorkerManager
from sanic.worker.process import Worker, WorkerProcess

from backend.compat import sanic_watchdog
from tests.compat import changed, source_digest

MODULE = "sanic_watchdog.py"


def test_the_monitor_messages_are_as_verified() -> None:
    """ "NAME:" restarts worker NAME and "__TERMINATE__" stops the server, both read by the
    manager's own loop from the pipe whose sending end is `monitor_publisher`."""
    poll = inspect.getsource(WorkerManager._poll_monitor)
    assert 'message == "__TERMINATE__"' in poll
    assert "self.monitor_subscriber.recv()" in poll
    assert "self.monitor_publisher, self.monitor_subscriber = monitor_pubsub" in inspect.getsource(
        WorkerManager.__init__
    )
    assert source_digest(WorkerManager._handle_message) == "1bdac696315809f7", changed(
        "WorkerManager._handle_message", MODULE
    )


def test_a_dead_worker_is_marked_failed_and_named_as_the_watchdog_expects() -> None:
    assert source_digest(WorkerManager._sync_states) == "feb4830ae0979f6e", changed(
        "WorkerManager._sync_states", MODULE
    )
    assert '"FAILED" if process.exitcode' in inspect.getsource(WorkerManager._sync_states)
    assert '"starts"' in inspect.getsource(WorkerProcess)
    assert f"{Worker.WORKER_PREFIX}-{WorkerProcess.SERVER_LABEL}-" == sanic_watchdog.SERVER_PREFIX


def test_manage_and_the_shared_context_are_as_verified() -> None:
    parameters = list(inspect.signature(WorkerManager.manage).parameters)
    assert parameters[:4] == ["self", "name", "func", "kwargs"]
    assert "self.context = context" in inspect.getsource(WorkerManager.__init__)
    assert "self.worker_state = worker_state" in inspect.getsource(WorkerManager.__init__)
