"""The directory where a server's processes keep their metrics (prometheus_client's multiprocess mode).

Each process writes its values to files of its own, named by its pid, in PROMETHEUS_MULTIPROC_DIR;
/metrics adds them up. prometheus_client reads that variable when it is first imported, so the
main process sets it before Sanic starts any worker (`main_process_start`), and every process it
starts (workers, the purge scheduler, the watchdog) inherits it.

- At start the directory is made, or emptied of the files a previous run left: a new process whose
  pid an old one had would otherwise carry on from the old one's values, and the old run's gauges
  would count as live. Unset, it is a fresh temporary directory, removed when the server stops.
- A worker that dies (`kill -9`, the OOM killer) keeps its files: its requests were answered, and a
  counter must not go back. Its gauges of state (`livesum`: queue depth, pool connections) are
  removed by `process_died`, which the watchdog calls before it restarts the worker; a worker that
  stops normally removes its own.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from prometheus_client import multiprocess

from backend.config import Settings
from backend.metrics.registry import MULTIPROC_ENV

logger = logging.getLogger("backend.metrics")
# The files prometheus_client writes: counter_<pid>.db, gauge_<mode>_<pid>.db, histogram_<pid>.db...
METRIC_FILES = ("counter_*.db", "gauge_*.db", "histogram_*.db", "summary_*.db")


def prepare_directory(settings: Settings) -> tuple[Path, bool]:
    """Make PROMETHEUS_MULTIPROC_DIR (or a temporary directory) ready and export it to the
    processes started from now on; answer it, and whether it is temporary (to remove at the end)."""
    configured = settings.prometheus_multiproc_dir
    if configured is None:
        directory, temporary = Path(tempfile.mkdtemp(prefix="sanic-rest-metrics-")), True
    else:
        directory, temporary = configured.resolve(), False
        directory.mkdir(parents=True, exist_ok=True)
        stale = [path for pattern in METRIC_FILES for path in directory.glob(pattern)]
        for path in stale:
            path.unlink(missing_ok=True)
        if stale:
            logger.info("metrics: removed %d file(s) of an earlier run from %s", len(stale), directory)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory, temporary


def remove_directory(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    if os.environ.get(MULTIPROC_ENV) == str(directory):
        del os.environ[MULTIPROC_ENV]


def process_died(pid: int) -> None:
    """Forget the gauges of state of a process that is gone (its counters and histograms stay)."""
    directory = os.environ.get(MULTIPROC_ENV)
    if directory and Path(directory).is_dir():
        multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]  # untyped upstream
