"""Every metric the server exports, made once a process (`Metrics`), and the text of GET /metrics.

Under `serve` the values live in prometheus_client's multiprocess files (one set per process, in
PROMETHEUS_MULTIPROC_DIR), so any worker's /metrics adds up every worker's, the purge scheduler's,
and those of workers that died (their counts stay). Gauges of a process's state are `livesum`:
the sum over the processes alive, a dead one's removed by `mark_process_dead`
(backend/metrics/multiprocess.py). Without that directory (an app served in the test's own process)
the values are in memory, in this process's own registry.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, values
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# In multiprocess mode prometheus_client asks the system for the pid at every value it writes, to
# notice a fork: 2.5% of a worker's samples in a profile of the authorized read. The pid is read
# once here, and again in a forked child (Sanic spawns its workers, which import this afresh).
_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)
if values.ValueClass is not values.MutexValue:  # multiprocess mode, chosen when it was imported
    values.ValueClass = values.MultiProcessValue(process_identifier=lambda: _pid)  # type: ignore[no-untyped-call]

STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
LOGIN_OUTCOMES = ("succeeded", "failed", "throttled")
PURGE_OUTCOMES = ("succeeded", "failed")
# A request a few milliseconds long is the common case here; the default buckets start at 5 ms.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


class Metrics:
    """The metrics of one process. Hooks elsewhere reach them through `backend.metrics`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()  # used when not in multiprocess mode
        registry = self.registry
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by route template (`unmatched` when no route), method and status class",
            ("route", "method", "status"),
            registry=registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time from the request's arrival to its response (its access-log row written), by route template",
            ("route", "method"),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        logins = Counter("auth_logins", "Login attempts by outcome", ("outcome",), registry=registry)
        self.logins = {outcome: logins.labels(outcome) for outcome in LOGIN_OUTCOMES}
        self.password_hashes_rescued = Counter(
            "auth_password_hashes_rescued",
            "Password hashes run again at normal priority: other processes starved the idle threads",
            registry=registry,
        )
        self.tokens_refreshed = Counter(
            "auth_tokens_refreshed", "Access tokens handed out for a refresh token", registry=registry
        )
        self.tokens_revoked = Counter(
            "auth_tokens_revoked",
            "Logins ended, by reason (logout, admin, reuse, password_change, user_deactivated)",
            ("reason",),
            registry=registry,
        )
        self.access_log_pending = Gauge(
            "access_log_queue_rows",
            "Access-log rows waiting for the writer (sampled every second)",
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.access_log_batch = Histogram(
            "access_log_batch_rows",
            "Rows per access-log insert (one commit each)",
            buckets=BATCH_BUCKETS,
            registry=registry,
        )
        self.access_log_failures = Counter(
            "access_log_write_failures", "Access-log batches that could not be written", registry=registry
        )
        self.access_log_failed_rows = Counter(
            "access_log_failed_rows", "Rows of the batches that could not be written", registry=registry
        )
        self.access_log_dropped = Counter(
            "access_log_dropped_rows",
            "Rows dropped in buffered mode because too many were pending",
            registry=registry,
        )
        self.db_pool_connections = Gauge(
            "db_pool_connections",
            "PostgreSQL pool connections by state: in_use, idle (sampled every second)",
            ("connection", "state"),
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.db_pool_max = Gauge(
            "db_pool_max_connections",
            "PostgreSQL pool size limit (DB_POOL_MAX per worker; 2 for the access log's)",
            ("connection",),
            multiprocess_mode="livesum",
            registry=registry,
        )
        self.db_pool_waiting = Gauge(
            "db_pool_waiting",
            "Queries waiting for a pooled PostgreSQL connection (sampled every second)",
            ("connection",),
            multiprocess_mode="livesum",
            registry=registry,
        )
        purge_runs = Counter(
            "purge_runs", "Runs of the clean-up jobs by outcome", ("outcome",), registry=registry
        )
        self.purge_runs = {outcome: purge_runs.labels(outcome) for outcome in PURGE_OUTCOMES}
        self.purge_rows = Counter(
            "purge_rows", "Rows the clean-up jobs deleted, by table", ("table",), registry=registry
        )
        self.purge_last_success = Gauge(
            "purge_last_success_timestamp_seconds",
            "When the clean-up jobs last finished without an error (Unix time)",
            multiprocess_mode="max",
            registry=registry,
        )

    def exposition(self) -> bytes:
        """The text of GET /metrics: every process's values in multiprocess mode, else this one's."""
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
            return generate_latest(registry)
        return generate_latest(self.registry)
