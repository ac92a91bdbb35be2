"""backend/compat/tortoise_sqlite.py relies on these of Tortoise's SQLite client (tortoise-orm
1.1.9, aiosqlite 0.22.1). Its behaviour is tested in tests/test_sqlite_engine.py."""

from __future__ import annotations

import inspect
from pathlib import Path

import aiosqlite
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper

from backend.compat.tortoise_sqlite import ImmediateSqliteClient, ImmediateTransactionWrapper
from tests.compat import changed, source_digest

MODULE = "tortoise_sqlite.py"


def test_the_copied_and_overridden_methods_are_as_verified() -> None:
    """`create_connection` is Tortoise's, copied with the fix: when Tortoise's changes, compare."""
    assert source_digest(SqliteClient.create_connection) == "4696f8371186c309", changed(
        "SqliteClient.create_connection", MODULE
    )
    assert source_digest(SqliteClient._in_transaction) == "f40b90ec19d27e53", changed(
        "SqliteClient._in_transaction", MODULE
    )
    assert source_digest(SqliteTransactionWrapper.begin) == "f2754f0a93e703cd", changed(
        "SqliteTransactionWrapper.begin", MODULE
    )
    assert list(inspect.signature(SqliteTransactionContext.__init__).parameters) == [
        "self",
        "connection",
        "trxlock",
    ]


def test_the_upstream_race_is_still_there() -> None:
    """Tortoise still publishes the connection before its pragmas are set: if not, the copy may go."""
    source = inspect.getsource(SqliteClient.create_connection)
    assert source.index("self._connection = await aiosqlite.connect") < source.index("PRAGMA")


async def test_the_attributes_used_are_there(tmp_path: Path) -> None:
    client = ImmediateSqliteClient(str(tmp_path / "a.db"), connection_name="compat")
    for name in ("_lock", "_connection", "pragmas", "filename", "_post_connect"):
        assert hasattr(client, name), name
    await client.create_connection(with_db=True)
    try:
        assert isinstance(client._connection, aiosqlite.Connection)
        assert client._connection._conn is not None
        count, rows = await client.execute_query("SELECT 1 AS one")
        assert (count, [dict(row) for row in rows]) == (1, [{"one": 1}])
        assert client._reader is not None, "the SELECT was answered on the loop"
    finally:
        await client.close()


async def test_a_statement_counts_its_own_rows_not_those_its_triggers_changed(tmp_path: Path) -> None:
    client = ImmediateSqliteClient(str(tmp_path / "a.db"), connection_name="compat")
    await client.create_connection(with_db=True)
    try:
        await client.execute_script(
            "CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE TABLE n (c INT); INSERT INTO n VALUES (0);"
            "CREATE TRIGGER bump AFTER DELETE ON t BEGIN UPDATE n SET c = c + 1; END;"
            "INSERT INTO t VALUES (1), (2), (3);"
        )
        assert (await client.execute_query("DELETE FROM t WHERE id <= 2"))[0] == 2
        in_transaction = ImmediateTransactionWrapper(client)  # the statements of a transaction
        assert (await in_transaction.execute_query("DELETE FROM t"))[0] == 1
        assert (await client.execute_query("SELECT c FROM n"))[1][0][0] == 3
    finally:
        await client.close()
