"""The gauges of a worker's state, sampled every second: what waits for the access-log writer, and
the PostgreSQL pools (SQLite has no pool: one connection per worker, so no pool gauges there).

Sampled, not updated where the state changes: a request pays nothing for them, and a writer stuck
on a slow commit still shows its queue growing.
"""

from __future__ import annotations

import asyncio

from tortoise import connections
from tortoise.exceptions import ConfigurationError

from backend.app_types import App
from backend.compat.tortoise_postgres import pool_stats
from backend.db import ACCESS_LOG_CONNECTION
from backend.metrics.registry import Metrics

SAMPLE_SECONDS = 1.0
CONNECTIONS = ("default", ACCESS_LOG_CONNECTION)


def sample(app: App, metrics: Metrics) -> None:
    writer = app.ctx.access_log
    if writer is not None:
        metrics.access_log_pending.set(writer.pending)
    for name in CONNECTIONS:
        try:
            stats = pool_stats(connections.get(name))
        except (ConfigurationError, KeyError):  # not initialised (yet, or any more)
            stats = None
        if stats is None:
            continue
        metrics.db_pool_connections.labels(name, "in_use").set(stats.size - stats.idle)
        metrics.db_pool_connections.labels(name, "idle").set(stats.idle)
        metrics.db_pool_max.labels(name).set(stats.max_size)
        metrics.db_pool_waiting.labels(name).set(stats.waiting)


async def sample_forever(app: App, metrics: Metrics) -> None:
    while True:
        sample(app, metrics)
        await asyncio.sleep(SAMPLE_SECONDS)
