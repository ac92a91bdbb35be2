"""Prometheus metrics: GET /metrics (docs/production.md, "Metrics"), and the hooks that feed it.

The hooks below are what the rest of the code calls, one line each (the access-log writer, logins
and tokens, the purge scheduler). They do nothing in a process whose metrics are not on: a command
such as `python -m backend purge`, or a server with METRICS_ENABLED=false. A server's workers and
its purge scheduler turn them on (`activate`) when they start.

    registry.py      the metrics, and the text of /metrics
    multiprocess.py  PROMETHEUS_MULTIPROC_DIR: made and emptied at start, dead processes' gauges
    requests.py      per request: one counter and one histogram, their label children cached
    sampler.py       the gauges sampled every second: access-log queue, PostgreSQL pool
    routes.py        GET /metrics, for the addresses in METRICS_ALLOW only
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

from backend.config import Settings
from backend.metrics.registry import MULTIPROC_ENV, Metrics

_active: Metrics | None = None


def activate() -> Metrics:
    """Turn this process's metrics on, afresh (a worker or the scheduler, once, when it starts)."""
    global _active
    _active = Metrics()
    return _active


def activate_served(settings: Settings) -> None:
    """In a process that `serve` runs beside its workers (the purge scheduler): on when the server's
    metrics are (their directory is set up)."""
    if settings.metrics_enabled and os.environ.get(MULTIPROC_ENV):
        activate()


def deactivate() -> None:
    global _active
    _active = None


def active() -> Metrics | None:
    return _active


def login(outcome: str) -> None:
    """A login attempt: `succeeded`, `failed` or `throttled`."""
    if _active is not None:
        _active.logins[outcome].inc()


def password_hash_rescued() -> None:
    """A password hash moved to a normal-priority thread: its idle-priority ones were starved."""
    if _active is not None:
        _active.password_hashes_rescued.inc()


def token_refreshed() -> None:
    if _active is not None:
        _active.tokens_refreshed.inc()


def tokens_revoked(count: int, reason: str) -> int:
    """`count` logins ended for `reason`; answers `count`, for a caller to return it on."""
    if _active is not None and count:
        _active.tokens_revoked.labels(reason).inc(count)
    return count


def access_log_written(rows: int) -> None:
    """One batch of `rows` rows committed."""
    if _active is not None:
        _active.access_log_batch.observe(rows)


def access_log_failed(rows: int) -> None:
    """One batch of `rows` rows that could not be written."""
    if _active is not None:
        _active.access_log_failures.inc()
        _active.access_log_failed_rows.inc(rows)


def access_log_dropped(rows: int) -> None:
    if _active is not None and rows > 0:
        _active.access_log_dropped.inc(rows)


def purge_ran(purged: Mapping[str, int]) -> None:
    """A run of the clean-up jobs that finished: rows deleted per table."""
    if _active is not None:
        _active.purge_runs["succeeded"].inc()
        for table, rows in purged.items():
            _active.purge_rows.labels(table).inc(rows)
        _active.purge_last_success.set(time.time())


def purge_failed() -> None:
    if _active is not None:
        _active.purge_runs["failed"].inc()
