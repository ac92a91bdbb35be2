"""The clean-up schedule: aiocron in one process per host, managed by Sanic.

Workers never run the jobs; the main process asks Sanic's worker manager for one extra
process that runs aiocron with its own database connection. Several hosts may each run
one: the jobs are idempotent and delete in bounded batches.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import astuple
from datetime import UTC
from types import FrameType

import aiocron
from tortoise import Tortoise

from backend import clock
from backend.app_types import App
from backend.config import Settings
from backend.db import tortoise_config
from backend.jobs.purge import purge_all
from backend.logs import configure_logging

logger = logging.getLogger("backend.jobs")


async def run_purge(settings: Settings) -> None:
    try:
        report = await purge_all(settings, now=clock.utcnow())
    except Exception:
        logger.exception("purge failed")
        return
    level = logging.INFO if any(astuple(report)) else logging.DEBUG
    logger.log(level, "purged %s", report)


async def schedule_forever(settings: Settings) -> None:
    configure_logging(settings)
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
    job = aiocron.crontab(settings.purge_schedule, func=run_purge, args=(settings,), start=True, tz=UTC)
    try:
        await stop.wait()
    finally:
        job.stop()
        await Tortoise.close_connections()


def scheduler_process(settings: Settings) -> None:
    """The managed process's entry point."""
    asyncio.run(schedule_forever(settings))


def register_scheduler(app: App, settings: Settings) -> None:
    if not settings.purge_schedule:
        return

    @app.main_process_ready
    async def start_scheduler(app: App) -> None:
        app.manager.manage("PurgeScheduler", scheduler_process, {"settings": settings})
