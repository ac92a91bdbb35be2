"""The SQLite engine, always on a SQLite file of its own (whatever database the suite runs on):
short reads are answered at once on the event loop's thread, long ones on aiosqlite's, and
transactions keep their own connection."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise.exceptions import OperationalError

from backend.compat.tortoise_sqlite import ImmediateSqliteClient

# About a million steps of SQLite's virtual machine: far over the loop's budget.
LONG_READ = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n"
)


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[ImmediateSqliteClient]:
    client = ImmediateSqliteClient(str(tmp_path / "engine.db"), connection_name="engine")
    await client.create_connection(with_db=True)
    await client.execute_script(
        "PRAGMA journal_mode = WAL; CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
    )
    yield client
    await client.close()


async def test_a_short_read_waits_neither_for_aiosqlite_nor_for_a_writer(
    client: ImmediateSqliteClient, tmp_path: Path
) -> None:
    await client.execute_insert("INSERT INTO item (name) VALUES (?)", ["committed"])
    writer = sqlite3.connect(tmp_path / "engine.db", isolation_level=None)  # another worker, mid-write
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO item (name) VALUES ('not yet')")
    try:
        async with client._lock:  # aiosqlite's connection is busy, as during a transaction
            rows = await asyncio.wait_for(client.execute_query_dict("SELECT name FROM item ORDER BY id"), 1)
        assert rows == [{"name": "committed"}], "committed rows only, at once"
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert await client.execute_query_dict("SELECT count(*) AS n FROM item") == [{"n": 2}]


async def test_a_long_read_is_handed_to_the_database_thread(client: ImmediateSqliteClient) -> None:
    async with client._lock:  # aiosqlite's connection is busy: a read sent there must wait
        pending = asyncio.ensure_future(client.execute_query(LONG_READ))
        await asyncio.sleep(0.5)
        assert not pending.done(), "over the budget, the read went to aiosqlite's thread"
    count, rows = await asyncio.wait_for(pending, 30)
    assert (count, rows[0][0]) == (1, 300000)


async def test_errors_and_writes_take_the_usual_way(client: ImmediateSqliteClient) -> None:
    with pytest.raises(OperationalError, match="no such table"):
        await client.execute_query("SELECT * FROM nowhere")
    await client.execute_query("INSERT INTO item (name) VALUES ('by execute_query')")
    assert await client.execute_query_dict("SELECT name FROM item") == [{"name": "by execute_query"}]
    assert await client.execute_query_dict("SELECT ? AS v", ["a\x00b"]) == [{"v": "a\x00b"}]


async def test_a_transaction_never_gets_the_connection_before_it_is_set_up(tmp_path: Path) -> None:
    """The first requests of a worker may all begin transactions at once: each connects first (as
    Tortoise's transaction wrapper does), and must get a connection whose pragmas are all set."""
    client = ImmediateSqliteClient(
        str(tmp_path / "fresh.db"), connection_name="fresh", journal_mode="WAL", synchronous="NORMAL"
    )

    async def first_transaction() -> None:
        await client.create_connection(with_db=True)  # outside the lock, as backend.transactions does
        async with client._lock:
            connection = client._connection
            assert connection is not None
            await connection.execute("BEGIN IMMEDIATE")
            await connection.execute("COMMIT")

    try:
        await asyncio.gather(*(first_transaction() for _ in range(5)))
    finally:
        await client.close()
