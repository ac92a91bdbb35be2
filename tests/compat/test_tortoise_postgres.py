"""backend/compat/tortoise_postgres.py relies on these of Tortoise's asyncpg client (tortoise-orm
1.1.9, asyncpg 0.32.0). Its behaviour is tested in tests/test_database_errors.py (PostgreSQL)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import tortoise.backends.asyncpg.client
import tortoise.backends.base_postgres.client
from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from backend.compat.tortoise_postgres import BoundedAsyncpgClient, BoundedPool, keep_session
from tests.compat import changed, source_digest
from tests.conftest import requires_postgres

MODULE = "tortoise_postgres.py"
BACKEND = Path(__file__).resolve().parents[2] / "backend"


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


class _PoolCreated(Exception):
    pass


async def test_the_pool_is_created_with_the_no_op_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through Tortoise's own `create_connection`: fails if it stops passing keyword arguments on."""
    seen: dict[str, Any] = {}

    async def create_pool(dsn: str | None, **kwargs: Any) -> Any:
        seen.update(kwargs)
        raise _PoolCreated

    assert "reset" in inspect.signature(asyncpg.create_pool).parameters
    monkeypatch.setattr(asyncpg, "create_pool", create_pool)
    client = BoundedAsyncpgClient(
        connection_name="default", user="u", database="d", host="127.0.0.1", port=5432
    )
    with pytest.raises(_PoolCreated):
        await client.create_connection(with_db=True)
    assert seen["reset"] is keep_session


@requires_postgres
async def test_a_served_pool_has_the_reset_replaced(db: None) -> None:
    client = connections.get("default")
    await client.execute_query("SELECT 1")  # the pool is made on first use
    pool = client._pool
    assert isinstance(pool, BoundedPool)
    assert pool._pool._reset is keep_session
    # An idle connection is taken without the timeout: with a `setup`, one counted idle could
    # still be busy in it, and that wait would be unbounded.
    assert pool._pool._setup is None


# What asyncpg's reset query undoes: a session setting, a LISTEN, an advisory lock, a cursor held
# past its transaction, a prepared statement (SQL `PREPARE`; asyncpg's own are per connection).
# `SET LOCAL` is not among them: it ends with its transaction (backend/audit/partitions.py).
SESSION_STATE = re.compile(
    r"""(?:^|[;"'(])\s*(?:SET|RESET)\s+(?:SESSION|ALL|ROLE|TIME\s+ZONE|[\w.]+\s*(?:=|TO\s))"""
    r"|\bset_config\s*\("
    r"|\bLISTEN\s"
    r"|\bpg_advisory_"
    r"|\bDECLARE\s+\S+\s.*\bCURSOR\s+WITH\s+HOLD\b"
    r"|(?:^|[;\"'(])\s*PREPARE\s+\w",
    re.IGNORECASE | re.MULTILINE,
)


@pytest.mark.parametrize(
    "sql",
    [
        '"SET statement_timeout = 0"',
        "'set search_path to x'",
        "execute_query(\"SELECT set_config('a.b', '1', false)\")",
        '"LISTEN changes"',
        '"SELECT pg_advisory_lock(1)"',
        '"DECLARE c CURSOR WITH HOLD FOR SELECT 1"',
        '"PREPARE q AS SELECT 1"',
        '"BEGIN; SET SESSION x = 1"',
    ],
)
def test_the_session_state_check_catches(sql: str) -> None:
    assert SESSION_STATE.search(sql)


def test_a_setting_for_one_transaction_is_allowed() -> None:
    assert not SESSION_STATE.search("\"BEGIN; SET LOCAL lock_timeout = '200ms'; DROP TABLE t\"")


def test_no_code_in_backend_leaves_session_state_behind() -> None:
    """`keep_session` undoes nothing: it stays right only while nothing sets session state."""
    found = [
        f"{path}: {match.group(0).strip()}"
        for path in sorted(BACKEND.rglob("*.py"))
        for match in SESSION_STATE.finditer(_code(path))
    ]
    assert found == []


def _code(path: Path) -> str:
    """The source without the docstrings and comments that explain this very rule."""
    source = path.read_text()
    if path.name == "tortoise_postgres.py":
        source = source.split('"""', 2)[2]
    return re.sub(r"#.*", "", source)
