"""The clean-up schedule: aiocron in one process per host, managed by Sanic.

Workers never run the jobs; the main process asks Sanic's worker manager for one extra
process that runs aiocron with its own database connection. Several hosts may each run
one: the jobs are idempotent and delete in bounded batches.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from dataclasses import asdict
from datetime import UTC
from types import FrameType
from typing import Any

import aiocron
from tortoise import Tortoise

from backend import clock, metrics
from backend.app_types import App
from backend.config import Settings
from backend.db import tortoise_config
from backend.jobs.purge import purge_all
from backend.logs import configure_logging

logger = logging.getLogger("backend.jobs")
NAME = "PurgeScheduler"  # Sanic names its process Sanic-PurgeScheduler-0


async def run_purge(settings: Settings) -> None:
    """One run: a line saying what it purged, or the error with its traceback; never raises."""
    started = time.monotonic()
    try:
        report = await purge_all(settings, now=clock.utcnow())
    except asyncio.CancelledError:
        logger.info("purge interrupted: the server is stopping")
        raise
    except Exception:
        logger.exception("purge failed")
        metrics.purge_failed()
        return
    took = time.monotonic() - started
    logger.info("purged %s in %.2fs", report, took, extra={"purged": asdict(report)})
    metrics.purge_ran(report.rows())


class Runs:
    """The runs in progress, to cancel when the process stops (each batch is committed on its own)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tasks: set[asyncio.Task[Any]] = set()

    async def run(self) -> None:
        task = asyncio.current_task()
        assert task is not None, "aiocron runs each call in a task"
        self.tasks.add(task)
        try:
            await run_purge(self.settings)
        finally:
            self.tasks.discard(task)

    async def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def schedule_forever(settings: Settings) -> None:
    configure_logging(settings)
    metrics.activate_served(settings)
    logger.info("purge scheduled: %s", settings.purge_schedule)
    await Tortoise.init(config=tortoise_config(settings))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        # Not `loop.add_signal_handler`: the loop removes those when it closes, and Ctrl-C signals
        # this process and the manager, which signals it again, maybe after that.
        if not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, request_stop)
    runs = Runs(settings)
    job = aiocron.crontab(settings.purge_schedule, func=runs.run, start=True, tz=UTC)
    try:
        await stop.wait()
    finally:
        job.stop()
        await runs.cancel()
        await Tortoise.close_connections()
        logger.info("purge schedule stopped")


def scheduler_process(settings: Settings) -> None:
    """The managed process's entry point."""
    asyncio.run(schedule_forever(settings))


def register_scheduler(app: App, settings: Settings) -> None:
    if not settings.purge_schedule:
        return

    @app.main_process_ready
    async def start_scheduler(app: App) -> None:
        # Restartable: the watchdog (backend/compat/sanic_watchdog.py) restarts it if it dies.
        app.manager.manage(NAME, scheduler_process, {"settings": settings}, restartable=True)
