"""Tortoise's asyncpg engine, with a bounded wait for a pooled connection.

Upstream: no issue found (Tortoise's asyncpg client calls `pool.acquire()` without a timeout).
Verified on: tortoise-orm 1.1.9 (with asyncpg 0.32.0).
Relies on (checked by tests/compat/test_tortoise_postgres.py): `AsyncpgDBClient.create_pool`
returning the pool that the client then stores and takes connections from with `acquire()`
only (so that `BoundedPool` can stand in for it). Behaviour tested in
tests/test_database_errors.py and tests/production/test_faults.py (PostgreSQL).

Tortoise takes connections with `pool.acquire()` and no timeout: when every connection of
the pool is busy (slow queries, a lock held elsewhere), requests queue for as long as that
lasts, and a load balancer's health checks queue with them. Here a request waits at most
`acquire_timeout` seconds for a connection.

What goes wrong while getting a connection (that wait running out, the server refusing or
not answering a connect, its name not resolving) is raised as Tortoise's `DBConnectionError`,
which the error handler turns into a 503 problem with `Retry-After`: a `TimeoutError` or an
`OSError` from anywhere else is a bug, and a 500.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.exceptions import DBConnectionError


class BoundedPool:
    """An asyncpg pool whose `acquire()` gives up after `timeout` seconds."""

    def __init__(self, pool: asyncpg.Pool, timeout: float | None) -> None:
        self._pool = pool
        self._timeout = timeout

    async def acquire(self) -> Any:
        try:
            return await self._pool.acquire(timeout=self._timeout)
        except TimeoutError as error:
            raise DBConnectionError(f"no database connection within {self._timeout} s") from error
        except OSError as error:
            raise DBConnectionError(f"cannot connect to the database: {error!r}") from error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class BoundedAsyncpgClient(AsyncpgDBClient):
    def __init__(self, *args: Any, acquire_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout

    async def create_pool(self, **kwargs: Any) -> Any:
        try:
            pool = await super().create_pool(**kwargs)  # opens `minsize` connections
        except (TimeoutError, OSError) as error:
            raise DBConnectionError(f"cannot connect to the database: {error!r}") from error
        return BoundedPool(pool, self.acquire_timeout)


client_class = BoundedAsyncpgClient
