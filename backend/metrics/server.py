"""Metrics in `create_app`: the multiprocess directory in the main process; the metrics, their
sampler and GET /metrics in each worker; the per-request hook around the access log."""

from __future__ import annotations

import asyncio
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from backend import metrics as hooks
from backend.app_types import App
from backend.compat.sanic_listeners import run_once
from backend.config import Settings
from backend.metrics import multiprocess
from backend.metrics.requests import RequestMetrics
from backend.metrics.routes import register_route
from backend.metrics.sampler import sample_forever


def register_metrics(app: App, settings: Settings) -> RequestMetrics:
    """Unless METRICS_ENABLED is false: GET /metrics, and the listeners that make the metrics.

    The metrics are made when a worker starts, not here: `create_app` also runs in the main process,
    before it has set PROMETHEUS_MULTIPROC_DIR up, and that process serves nothing."""
    requests = RequestMetrics()
    if not settings.metrics_enabled:
        return requests
    directory: dict[str, tuple[Path, bool]] = {}
    sampler: dict[str, asyncio.Task[Any]] = {}

    @app.main_process_start
    async def prepare_directory(app: App) -> None:
        directory["path"] = multiprocess.prepare_directory(settings)

    @app.main_process_stop
    async def remove_directory(app: App) -> None:
        path, temporary = directory.pop("path", (None, False))
        if path is not None and temporary:
            multiprocess.remove_directory(path)

    @app.before_server_start
    async def start_metrics(app: App) -> None:
        metrics = hooks.activate()
        requests.use(metrics)
        sampler["task"] = asyncio.create_task(sample_forever(app, metrics), name="metrics-sampler")

    @app.after_server_stop
    @run_once
    async def stop_metrics(app: App) -> None:
        if task := sampler.pop("task", None):
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        requests.use(None)
        hooks.deactivate()
        multiprocess.process_died(os.getpid())  # this worker's gauges of state go with it

    register_route(app, requests, allowed=settings.metrics_allow, trusted=settings.trusted_proxies)
    return requests
