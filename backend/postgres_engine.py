"""Tortoise's asyncpg engine, with a bounded wait for a pooled connection.

Tortoise takes connections with `pool.acquire()` and no timeout: when every connection of
the pool is busy (slow queries, a lock held elsewhere), requests queue for as long as that
lasts, and a load balancer's health checks queue with them. Here a request waits at most
`acquire_timeout` seconds, then fails with `TimeoutError`, which the error handler turns into
a 503 problem with `Retry-After`.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient


class BoundedPool:
    """An asyncpg pool whose `acquire()` gives up after `timeout` seconds."""

    def __init__(self, pool: asyncpg.Pool, timeout: float | None) -> None:
        self._pool = pool
        self._timeout = timeout

    def acquire(self, *, timeout: float | None = None) -> Any:
        return self._pool.acquire(timeout=self._timeout if timeout is None else timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class BoundedAsyncpgClient(AsyncpgDBClient):
    def __init__(self, *args: Any, acquire_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout

    async def create_pool(self, **kwargs: Any) -> Any:
        return BoundedPool(await super().create_pool(**kwargs), self.acquire_timeout)


client_class = BoundedAsyncpgClient
