"""Reading a Flask template database as it is: SQLite (aiosqlite) or PostgreSQL (asyncpg), read-only.

Rows are plain dicts; the import never goes through our models to read them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosqlite
import asyncpg

LATEST_REVISION = "56b37927bb2a"
# The columns the import reads, per table, as the template's migrations create them.
TABLES: dict[str, tuple[str, ...]] = {
    "role": ("id", "name"),
    "user": ("id", "username", "password_hash"),
    "user_role": ("user_id", "role_id"),
    "category": ("id", "name"),
    "patient": ("id", "name", "surname", "_birthday", "comments"),
    "appointment": ("id", "patient_id", "_date"),
    "measure": ("id", "marker", "value", "_timestamp", "appointment_id", "category_id"),
    "access_log": ("id", "path", "method", "username", "response_code", "remote_addr", "timestamp"),
}
OPTIONAL_TABLES = {"access_log"}  # needed with --with-access-log only

Row = dict[str, Any]


class SourceError(ValueError):
    """The source cannot be read as a Flask template database."""


class Source(Protocol):
    async def columns(self, table: str) -> set[str]: ...

    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def close(self) -> None: ...

    parameters: tuple[str, str]  # how the first two parameters of a statement are written


class SqliteSource:
    parameters = ("?", "?")

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def columns(self, table: str) -> set[str]:
        return {row["name"] for row in await self.fetch(f'PRAGMA table_info("{table}")')}

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        async with self._connection.execute(sql, args) as cursor:
            names = [column[0] for column in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in await cursor.fetchall()]

    async def close(self) -> None:
        await self._connection.close()


class PostgresSource:
    parameters = ("$1", "$2")

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def columns(self, table: str) -> set[str]:
        rows = await self.fetch(
            "SELECT column_name AS name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = $1",
            table,
        )
        return {row["name"] for row in rows}

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [dict(record) for record in await self._connection.fetch(sql, *args)]

    async def close(self) -> None:
        await self._connection.close()


async def open_source(url: str) -> Source:
    """A SQLite file (a path, `sqlite:///abs.db` or `sqlite://rel.db`) or a `postgres://` URL."""
    scheme = urlsplit(url).scheme
    if scheme in {"postgres", "postgresql"}:
        try:
            connection = await asyncpg.connect(url, server_settings={"default_transaction_read_only": "on"})
        except (OSError, asyncpg.PostgresError) as error:
            raise SourceError(f"cannot connect to the source database: {error}") from None
        return PostgresSource(connection)
    connection = await aiosqlite.connect(sqlite_uri(url), uri=True)
    return SqliteSource(connection)


def sqlite_uri(url: str) -> str:
    """A read-only URI for a SQLite file given as a path, `sqlite:///abs.db` or `sqlite://rel.db`."""
    scheme = urlsplit(url).scheme
    if scheme not in {"", "sqlite"} and len(scheme) > 1:  # `C:\\...` is a path
        raise SourceError(f"unsupported source {url!r}: use a SQLite file or a postgres:// URL")
    path = Path(unquote(url.removeprefix("sqlite://")) if scheme == "sqlite" else url)
    if not path.is_file():
        raise SourceError(f"no SQLite file at {path}")
    return f"{path.resolve().as_uri()}?mode=ro"


async def check_schema(source: Source, *, with_access_log: bool) -> str | None:
    """Refuse a database without the tables and columns the import reads; answer its revision."""
    missing = []
    for table, needed in TABLES.items():
        if table in OPTIONAL_TABLES and not with_access_log:
            continue
        present = await source.columns(table)
        absent = set(needed) - present
        missing += [f"table {table}"] if not present else [f"{table}.{column}" for column in sorted(absent)]
    if missing:
        raise SourceError(f"not a Flask template database (missing: {', '.join(missing)})")
    if "version_num" not in await source.columns("alembic_version"):
        return None
    rows = await source.fetch("SELECT version_num FROM alembic_version")
    return str(rows[0]["version_num"]) if rows else None


async def batches(source: Source, table: str, *, size: int) -> AsyncIterator[list[Row]]:
    """The table's rows in id order, `size` at a time (user_role, without ids, in one batch)."""
    columns = ", ".join(f'"{column}"' for column in TABLES[table])
    if "id" not in TABLES[table]:
        yield await source.fetch(f'SELECT {columns} FROM "{table}"')  # noqa: S608 - names from TABLES
        return
    after, limit = source.parameters
    last = -(2**31)
    while rows := await source.fetch(
        f'SELECT {columns} FROM "{table}" WHERE id > {after} ORDER BY id LIMIT {limit}',  # noqa: S608
        last,
        size,
    ):
        yield rows
        last = rows[-1]["id"]
