"""The access-log writer: rows from many concurrent requests share one insert and one commit.

Rows queue up while a batch is being written; the next batch takes them all (group
commit), so under load each commit carries many rows and at rest each row is written at
once. No timer, no added latency.

Modes (`ACCESS_LOG_MODE`):
- `durable` (default): `write` returns once the row is committed, so a response is sent
  only for a request whose row exists, even if the process dies right after. When the log
  cannot be written, `write` raises and the request fails closed with 503. It answers the
  `auth_epoch` that the insert read (backend/auth/login_cache.py: a caller taken from the
  worker's cache of logins is checked again when it changed since).
- `buffered`: `write` returns at once; rows are committed moments later. Faster, but rows
  still queued when a process is killed are lost, and a database outage drops rows past
  `max_pending` (logged). Graceful shutdown flushes both modes.
- `off`: nothing is written. For benchmarks and throwaway setups, never for sensitive data.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from typing import Any, Literal

from tortoise import connections
from tortoise.fields import Field

from backend import metrics
from backend.audit.models import AccessLog
from backend.audit.rollup import roll_up_pending
from backend.db import ACCESS_LOG_CONNECTION
from backend.errors import is_database_unavailable

logger = logging.getLogger("backend.audit")

Mode = Literal["durable", "buffered", "off"]


class AccessLogUnavailable(Exception):
    """The access log could not be written."""


class AccessLogWriter:
    def __init__(
        self,
        *,
        mode: Mode = "durable",
        max_batch: int = 1000,
        max_pending: int = 100_000,
        roll_up_every: int = 500,
    ) -> None:
        self.mode = mode
        self.max_batch = max_batch
        self.max_pending = max_pending
        self.roll_up_every = roll_up_every
        self._written_since_roll_up = 0
        self._queue: asyncio.Queue[tuple[dict[str, Any], asyncio.Future[int | None] | None]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches_written = 0
        self.epoch: int | None = None  # the auth_epoch the last insert read

    @property
    def pending(self) -> int:
        """Rows waiting to be written (GET /metrics: access_log_queue_rows)."""
        return self._queue.qsize()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="access-log-writer")

    async def write(self, row: dict[str, Any]) -> int | None:
        """Write the row (in `durable` mode: committed when this returns); answer the auth_epoch
        that its insert read, or None when the row is not written yet (`buffered`, `off`)."""
        if self.mode == "off":
            return None
        if self._task is None or self._task.done():
            return await insert_rows([row])  # not running (shutting down): write it directly
        if self.mode == "buffered":
            if self._queue.qsize() >= self.max_pending:
                logger.error("access log: %d rows pending, dropping one", self._queue.qsize())
                metrics.access_log_dropped(1)
                return None
            self._queue.put_nowait((row, None))
            return None
        done: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((row, done))
        return await done

    async def close(self) -> None:
        """Write everything still queued, then stop."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write_batch(batch)
                await self._roll_up_now_and_then(len(batch))
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _roll_up_now_and_then(self, rows: int) -> None:
        """Count the log's new rows in the statistics' rollup every `roll_up_every` rows, once the
        batch's requests have their answers (backend/audit/rollup.py: on SQLite a row trigger cost
        a tenth of an authorized read; in bulk a row costs about 1 us)."""
        self._written_since_roll_up += rows
        if self._written_since_roll_up < self.roll_up_every:
            return
        self._written_since_roll_up = 0
        try:
            await roll_up_pending()
        except Exception as error:  # the next roll-up, or the statistics' own, counts them
            logger.warning("access log: rollup not brought up to date: %r", error)

    async def _write_batch(
        self, batch: Sequence[tuple[dict[str, Any], asyncio.Future[int | None] | None]]
    ) -> None:
        try:
            epoch = await insert_rows([row for row, _ in batch])
        except Exception as error:
            # The database out of reach is one line; anything else is a bug, with its traceback.
            trace = None if is_database_unavailable(error) else error
            logger.error(
                "access log: could not write %d row(s): %s", len(batch), type(error).__name__, exc_info=trace
            )
            metrics.access_log_failed(len(batch))
            for _, done in batch:
                if done is not None and not done.done():
                    done.set_exception(AccessLogUnavailable(str(error)))
            if self.mode == "buffered":
                await self._requeue([row for row, _ in batch])
            return
        self.batches_written += 1
        self.epoch = epoch
        metrics.access_log_written(len(batch))
        for _, done in batch:
            if done is not None and not done.done():
                done.set_result(epoch)

    async def _requeue(self, rows: list[dict[str, Any]]) -> None:
        await asyncio.sleep(0.5)  # back off while the database is down
        room = self.max_pending - self._queue.qsize()
        if room < len(rows):
            logger.error("access log: dropping %d row(s), the buffer is full", len(rows) - max(room, 0))
            metrics.access_log_dropped(len(rows) - max(room, 0))
        for row in rows[: max(room, 0)]:
            self._queue.put_nowait((row, None))


RETURNING_EPOCH = 'RETURNING (SELECT "epoch" FROM "auth_epoch" WHERE "id" = 1) AS "epoch"'


async def insert_rows(rows: Sequence[dict[str, Any]]) -> int | None:
    """All `rows` in one INSERT statement, committed on its own; answer the auth_epoch it read.
    The ORM's bulk_create wraps its statement in BEGIN and COMMIT, two more round trips: without
    them the worker's CPU per authorized read on PostgreSQL went from 0.55 to 0.50 ms and the
    server's from 1.3 to 1.1 ms (one worker, wrk -c8).

    The epoch comes from the statement's own snapshot, taken after every request of the batch
    began: a change committed before any of them began is in it (backend/auth/login_cache.py)."""
    db = connections.get(ACCESS_LOG_CONNECTION)
    fields = _columns()
    values = [
        field.to_db_value(row.get(name, default), AccessLog)
        for row in rows
        for name, _, field, default in fields
    ]
    if db.capabilities.dialect == "postgres":
        numbers = iter(range(1, len(values) + 1))
        tuples = ", ".join("(" + ", ".join(f"${next(numbers)}" for _ in fields) + ")" for _ in rows)
    else:
        tuples = ", ".join(["(" + ", ".join("?" * len(fields)) + ")"] * len(rows))
    columns = ", ".join(f'"{column}"' for _, column, _, _ in fields)
    epochs = await db.execute_query_dict(  # not execute_query: Tortoise drops an INSERT's rows there
        f'INSERT INTO "{AccessLog._meta.db_table}" ({columns}) VALUES {tuples} {RETURNING_EPOCH}',  # noqa: S608
        values,
    )
    epoch: int | None = epochs[0]["epoch"] if epochs else None
    return epoch


@functools.cache
def _columns() -> tuple[tuple[str, str, Field[Any], Any], ...]:
    """The access log's columns but its key: the field's name, the column's, the field, and the
    value a row that leaves it out gets. Each row goes through the fields' `to_db_value` (their
    checks and conversions) but not through an `AccessLog` instance, which cost 21 us a row against
    5 us: an authorized read on PostgreSQL went from 0.298 to 0.276 ms of server CPU (2 workers,
    wrk -c50, four interleaved rounds). tests/audit/test_access_log.py reads such rows back."""
    meta = AccessLog._meta
    columns = tuple(
        (name, meta.fields_db_projection[name], meta.fields_map[name], meta.fields_map[name].default)
        for name in sorted(meta.db_fields - {meta.pk_attr})
    )
    for name, _, field, default in columns:  # what only an instance would fill in
        if callable(default) or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise TypeError(f"AccessLog.{name}: a computed default; access_row must give its value")
    return columns
