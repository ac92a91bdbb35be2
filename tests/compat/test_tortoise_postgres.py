"""backend/compat/tortoise_postgres.py relies on these of Tortoise's asyncpg client (tortoise-orm
1.1.9, asyncpg 0.32.0). Its behaviour is tested in tests/test_database_errors.py (PostgreSQL)."""

from __future__ import annotations

import inspect
import re

import tortoise.backends.asyncpg.client
import tortoise.backends.base_postgres.client
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from tests.compat import changed, source_digest

MODULE = "tortoise_postgres.py"


def test_the_pool_comes_from_create_pool_as_verified() -> None:
    assert source_digest(AsyncpgDBClient.create_connection) == "eabd82f1a274770d", changed(
        "AsyncpgDBClient.create_connection", MODULE
    )
    assert source_digest(AsyncpgDBClient.create_pool) == "899b1c479fc4034a", changed(
        "AsyncpgDBClient.create_pool", MODULE
    )
    assert "self._pool = await self.create_pool(" in inspect.getsource(AsyncpgDBClient.create_connection)


def test_connections_are_acquired_without_a_timeout_the_bounded_pool_adds() -> None:
    """Every `acquire` of the pool takes no argument: the `BoundedPool` stand-in supplies the
    timeout. An `acquire(timeout=...)` upstream would make the workaround unnecessary."""
    for module in (tortoise.backends.asyncpg.client, tortoise.backends.base_postgres.client):
        calls = re.findall(r"_pool\.acquire\(([^)]*)\)", inspect.getsource(module))
        assert all(arguments == "" for arguments in calls), (module.__name__, calls)
