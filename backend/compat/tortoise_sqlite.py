"""Tortoise's SQLite engine, with transactions that take the write lock up front, short reads
answered on the event loop's own thread, and a statement's count of rows without its triggers'.

Upstream: no issue found for any of the four (Tortoise's SQLite client has no option for
`BEGIN IMMEDIATE`, publishes its connection before setting its pragmas, sends every statement
through aiosqlite's thread, and counts the rows a statement changed as the connection's
`total_changes` difference, which takes in the rows its triggers changed: with the `auth_epoch`
triggers, deleting 2 logins answered 4).
Verified on: tortoise-orm 1.1.9 (with aiosqlite 0.22.1).
Relies on (checked by tests/compat/test_tortoise_sqlite.py): `SqliteClient.create_connection`
(copied here with the fix: compare it when Tortoise changes), `_in_transaction`, `_lock`,
`_connection`, `_post_connect`, `pragmas`, `filename`, `execute_query(_dict)` returning
`(count, rows)` / dicts, `translate_exceptions`, `SqliteTransactionContext(wrapper, lock)`,
`SqliteTransactionWrapper.begin` and its `_connection`, and aiosqlite's `Connection._conn` and
`Connection._execute`. Behaviour tested in
tests/test_sqlite_engine.py and tests/test_database_errors.py.

A deferred transaction (plain `BEGIN`) that reads and then writes fails at once with
"database is locked" when another process wrote in between, whatever the busy timeout.
`BEGIN IMMEDIATE` takes the write lock at the start, so it waits for the busy timeout
instead, and several worker processes can write to one database file.

Tortoise sends every statement of a worker through one aiosqlite connection: a hop to its
thread and back (70-130 us under load, against 10-20 us for the query itself), one statement at
a time, and behind any transaction in progress. In WAL mode a reader never waits for writers, so
a `SELECT` outside a transaction first runs here, on a second, read-only connection, with a
budget: SQLite's progress handler interrupts it after `LOOP_READ_BUDGET_SECONDS`, and a read
that runs over (or finds the database busy) goes the usual way, to aiosqlite's thread. So the
point lookups of the hot path (the login check, a row by id) skip the hop, and a long report
never holds up the loop for more than the budget. `run_on_connection` sends a function of
several statements in one hop (the access log's rollup: backend/audit/rollup.py).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

import aiosqlite
from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.exceptions import TransactionManagementError

P = ParamSpec("P")
T = TypeVar("T")

LOOP_READ_BUDGET_SECONDS = 0.002
PROGRESS_STEPS = 1000  # SQLite virtual-machine steps between two looks at the clock


def _fetch_counted(connection: sqlite3.Connection, query: str, values: list[Any]) -> tuple[int, list[Any]]:
    cursor = connection.execute(query, values)
    rows = cursor.fetchall()
    return max(cursor.rowcount, 0) or len(rows), rows  # rowcount: the statement's own changes


@translate_exceptions
async def run_on_connection(
    client: SqliteClient,
    work: Callable[Concatenate[sqlite3.Connection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`work(connection, ...)` on the client's sqlite3 connection, in aiosqlite's thread: one hop
    for as many statements as `work` runs (each statement sent the usual way is a hop of its own)."""
    async with client.acquire_connection() as connection:
        result: T = await connection._execute(work, connection._conn, *args, **kwargs)
        return result


def write_transaction(connection: sqlite3.Connection, work: Callable[[], T]) -> T:
    """`work()` between `BEGIN IMMEDIATE` and `COMMIT` on an autocommit connection, rolled back
    when it fails. For functions given to `run_on_connection`."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work()
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return result


async def _execute_counted(
    client: SqliteClient, query: str, values: list[Any] | None
) -> tuple[int, Sequence[Any]]:
    """Tortoise's `execute_query`, in one hop to aiosqlite's thread as there, but counting the
    rows that the statement itself changed, not those its triggers changed too."""
    query = query.replace("\x00", "'||CHAR(0)||'")
    result: tuple[int, Sequence[Any]] = await run_on_connection(client, _fetch_counted, query, values or [])
    return result


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def execute_query(self, query: str, values: list[Any] | None = None) -> tuple[int, Sequence[Any]]:
        result: tuple[int, Sequence[Any]] = await _execute_counted(self, query, values)
        return result

    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    _reader: sqlite3.Connection | None = None
    _deadline = 0.0

    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self._connecting = asyncio.Lock()

    async def create_connection(self, with_db: bool) -> None:
        """Tortoise's, but the connection is shared only once its pragmas are set. Tortoise
        publishes it first, so a transaction begun meanwhile by another request made the next
        pragma fail ("Safety level may not be changed inside a transaction")."""
        async with self._connecting:
            if self._connection is not None:
                return
            connection = await aiosqlite.connect(self.filename, isolation_level=None)
            try:
                connection._conn.row_factory = sqlite3.Row
                for pragma, value in self.pragmas.items():
                    await (await connection.execute(f"PRAGMA {pragma}={value}")).close()
            except BaseException:  # cancelled (the client hung up) or failed: no half-set-up leftovers
                await asyncio.shield(connection.close())
                raise
            self._connection = connection
            await self._post_connect()

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)

    async def execute_query(self, query: str, values: list[Any] | None = None) -> tuple[int, Sequence[Any]]:
        rows = self._read_on_loop(query, values)
        if rows is None:
            result: tuple[int, Sequence[Any]] = await _execute_counted(self, query, values)
            return result
        return len(rows), rows

    async def execute_query_dict(self, query: str, values: list[Any] | None = None) -> list[dict[str, Any]]:
        rows = self._read_on_loop(query, values)
        if rows is None:
            result: list[dict[str, Any]] = await super().execute_query_dict(query, values)
            return result
        return list(map(dict, rows))

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        await super().close()

    def _read_on_loop(self, query: str, values: list[Any] | None) -> list[sqlite3.Row] | None:
        """The rows of a `SELECT` that finishes within the budget, or None: send it to aiosqlite."""
        if query.lstrip()[:6].upper() != "SELECT" or self.filename == ":memory:":
            return None
        reader = self._reader or self._open_reader()
        self._deadline = time.perf_counter() + LOOP_READ_BUDGET_SECONDS
        try:
            return reader.execute(query.replace("\x00", "'||CHAR(0)||'"), values or ()).fetchall()
        except sqlite3.Error:
            return None  # over budget, the database busy, or an error the usual way will report

    def _open_reader(self) -> sqlite3.Connection:
        reader = sqlite3.connect(self.filename, isolation_level=None)
        reader.row_factory = sqlite3.Row
        reader.execute("PRAGMA query_only = ON")
        reader.execute("PRAGMA busy_timeout = 0")  # never wait on the loop: busy goes the usual way
        reader.set_progress_handler(self._over_budget, PROGRESS_STEPS)
        self._reader = reader
        return reader

    def _over_budget(self) -> bool:
        return time.perf_counter() > self._deadline


client_class = ImmediateSqliteClient
