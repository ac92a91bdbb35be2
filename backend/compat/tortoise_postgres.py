"""Tortoise's asyncpg engine, with a bounded wait for a pooled connection.

Upstream: no issue found (Tortoise's asyncpg client calls `pool.acquire()` without a timeout).
Verified on: tortoise-orm 1.1.9 (with asyncpg 0.32.0).
Relies on (checked by tests/compat/test_tortoise_postgres.py): `AsyncpgDBClient.create_pool`
passing its keyword arguments to `asyncpg.create_pool` (asyncpg >= 0.30 takes `reset=`) and
returning the pool that the client then stores (in `_pool`, which `pool_stats` reads) and takes
connections from with `acquire()` only (so that `BoundedPool` can stand in for it), and giving
it no `setup=` (an idle connection is taken without the timeout, and `get_idle_size()` would count
one still in setup). Behaviour tested in tests/test_database_errors.py and
tests/production/test_faults.py (PostgreSQL).

Tortoise takes connections with `pool.acquire()` and no timeout: when every connection of
the pool is busy (slow queries, a lock held elsewhere), requests queue for as long as that
lasts, and a load balancer's health checks queue with them. Here a request waits at most
`acquire_timeout` seconds for a connection. The timeout's timer is only set when no connection is
free: setting and cancelling it for every query was 8% of a worker's Python samples on an
authorized read, whose server CPU went from 0.290 to 0.280 ms without it (2 workers, wrk -c50, six
interleaved rounds).

A connection goes back to the pool without asyncpg's reset query (`SELECT
pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`): Tortoise takes and gives back a
connection per query, so that was one more round trip per query, six per authorized nested read,
and 6.5% of a worker's busy time in the py-spy profile of 2026-12-05. The app leaves no session
state behind (no `SET`, `LISTEN`, advisory lock, held cursor or SQL `PREPARE`: checked over
backend/ by tests/compat/test_tortoise_postgres.py), and asyncpg still rolls back a transaction
left open before any release, whatever `reset` is.

What goes wrong while getting a connection (that wait running out, the server refusing or
not answering a connect, its name not resolving) is raised as Tortoise's `DBConnectionError`,
which the error handler turns into a 503 problem with `Retry-After`: a `TimeoutError` or an
`OSError` from anywhere else is a bug, and a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.exceptions import DBConnectionError


async def keep_session(connection: asyncpg.Connection) -> None:
    """The pool's `reset`: nothing to undo (see the module's docstring)."""


class BoundedPool:
    """An asyncpg pool whose `acquire()` gives up after `timeout` seconds, counting its waiters."""

    def __init__(self, pool: asyncpg.Pool, timeout: float | None) -> None:
        self._pool = pool
        self._timeout = timeout
        self.waiting = 0  # `acquire()` calls in progress (GET /metrics: db_pool_waiting)

    async def acquire(self) -> Any:
        self.waiting += 1
        try:
            if self._pool.get_idle_size():  # one is free: no wait to bound, and no timer to set
                return await self._pool.acquire()
            return await self._pool.acquire(timeout=self._timeout)
        except TimeoutError as error:
            raise DBConnectionError(f"no database connection within {self._timeout} s") from error
        except OSError as error:
            raise DBConnectionError(f"cannot connect to the database: {error!r}") from error
        finally:
            self.waiting -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class BoundedAsyncpgClient(AsyncpgDBClient):
    def __init__(self, *args: Any, acquire_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout

    async def create_pool(self, **kwargs: Any) -> Any:
        kwargs.setdefault("reset", keep_session)
        try:
            pool = await super().create_pool(**kwargs)  # opens `minsize` connections
        except (TimeoutError, OSError) as error:
            raise DBConnectionError(f"cannot connect to the database: {error!r}") from error
        return BoundedPool(pool, self.acquire_timeout)


@dataclass(frozen=True)
class PoolStats:
    size: int  # connections open
    idle: int  # of which free
    max_size: int
    waiting: int


def pool_stats(client: object) -> PoolStats | None:
    """What the pool of one of our clients holds (GET /metrics); None for another client (SQLite's)
    or before the pool is made. Tortoise's `AsyncpgDBClient` keeps the pool `create_pool` returned in
    `_pool` (None until the first connection)."""
    pool = getattr(client, "_pool", None)
    if not isinstance(pool, BoundedPool):
        return None
    inner = pool._pool
    return PoolStats(inner.get_size(), inner.get_idle_size(), inner.get_max_size(), pool.waiting)


client_class = BoundedAsyncpgClient
