"""Tortoise's SQLite engine, with transactions that take the write lock up front.

A deferred transaction (plain `BEGIN`) that reads and then writes fails at once with
"database is locked" when another process wrote in between, whatever the busy timeout.
`BEGIN IMMEDIATE` takes the write lock at the start, so it waits for the busy timeout
instead, and several worker processes can write to one database file.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionContext, SqliteTransactionWrapper
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
