"""`is_database_unavailable` over the errors the drivers really raise: the database out of reach
(a 503, worth a retry) against a bug (a 500, with its traceback in the log)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import DBConnectionError, DoesNotExist, OperationalError, TransactionManagementError

from backend.compat.tortoise_postgres import BoundedAsyncpgClient
from backend.compat.tortoise_sqlite import ImmediateSqliteClient, ImmediateTransactionWrapper
from backend.errors import is_database_unavailable
from tests.conftest import TEST_DATABASE_URL, requires_postgres
from tests.harness import free_port


async def raised(operation: Awaitable[object]) -> Exception:
    try:
        await operation
    except Exception as error:
        return error
    raise AssertionError("no error raised")


# SQLite


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[ImmediateSqliteClient]:
    client = ImmediateSqliteClient(str(tmp_path / "app.db"), connection_name="errors", busy_timeout=10)
    await client.create_connection(with_db=True)
    await client.execute_script("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    yield client
    await client.close()


async def test_sqlite_locked_by_another_writer_past_the_busy_timeout_is_unavailable(
    sqlite: ImmediateSqliteClient,
) -> None:
    other = sqlite3.connect(sqlite.filename, isolation_level=None)  # another worker, mid-write
    other.execute("BEGIN IMMEDIATE")
    try:
        write = await raised(sqlite.execute_insert("INSERT INTO item (name) VALUES (?)", ["a"]))
        begin = await raised(ImmediateTransactionWrapper(sqlite).begin())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert isinstance(write, OperationalError)
    assert isinstance(begin, TransactionManagementError)
    assert is_database_unavailable(write)
    assert is_database_unavailable(begin)


@pytest.mark.parametrize(
    "sql",
    ["SELECT * FROM nowhere", "SELECT nothing FROM item", "INSERT INTO item (nothing) VALUES (1)", "SELEC 1"],
    ids=["no-such-table", "no-such-column", "no-column-named", "syntax-error"],
)
async def test_sqlite_errors_in_the_sql_are_bugs(sqlite: ImmediateSqliteClient, sql: str) -> None:
    error = await raised(sqlite.execute_query(sql))
    assert isinstance(error, OperationalError)
    assert not is_database_unavailable(error)


def test_a_sqlite_file_that_cannot_be_opened_is_a_bug(tmp_path: Path) -> None:
    """A DATABASE_URL naming a folder that is not there: retrying will not create it."""
    with pytest.raises(sqlite3.OperationalError, match="unable to open") as caught:
        sqlite3.connect(tmp_path / "missing" / "app.db")
    assert not is_database_unavailable(caught.value)


# PostgreSQL


def bounded_client(url: str, **credentials: object) -> BoundedAsyncpgClient:
    settings = expand_db_url(url)["credentials"]
    return BoundedAsyncpgClient(connection_name="errors", **{**settings, **credentials})


async def test_a_refused_connection_is_unavailable() -> None:
    """Nothing listens on the port: asyncpg's own error, and the pool's (needs no PostgreSQL)."""
    url = f"postgres://postgres@127.0.0.1:{free_port()}/test"
    direct = await raised(asyncpg.connect(url))
    assert isinstance(direct, ConnectionRefusedError)
    assert is_database_unavailable(direct)
    client = bounded_client(url, minsize=0, maxsize=1, timeout=1)
    await client.create_connection(with_db=True)
    try:
        pooled = await raised(client.execute_query("SELECT 1"))
    finally:
        await client.close()
    assert isinstance(pooled, DBConnectionError)
    assert isinstance(pooled.__cause__, ConnectionRefusedError)
    assert is_database_unavailable(pooled)


@pytest.fixture
async def postgres() -> AsyncIterator[BoundedAsyncpgClient]:
    client = bounded_client(
        TEST_DATABASE_URL, minsize=1, maxsize=1, acquire_timeout=0.05, command_timeout=0.2
    )
    await client.create_connection(with_db=True)
    yield client
    await client.close()


@requires_postgres
async def test_no_free_pooled_connection_in_time_is_unavailable(postgres: BoundedAsyncpgClient) -> None:
    held = await postgres._pool.acquire()
    try:
        error = await raised(postgres.execute_query("SELECT 1"))
    finally:
        await postgres._pool.release(held)
    assert isinstance(error.__cause__, TimeoutError)
    assert is_database_unavailable(error)


@requires_postgres
async def test_a_connection_terminated_by_the_server_is_unavailable(postgres: BoundedAsyncpgClient) -> None:
    """What a restart, a failover or `pg_terminate_backend` does to a transaction in progress."""
    admin = await asyncpg.connect(TEST_DATABASE_URL)

    async def terminated_mid_transaction() -> None:
        async with postgres.acquire_connection() as connection, connection.transaction():
            pid = await connection.fetchval("SELECT pg_backend_pid()")
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
            await connection.fetchval("SELECT 1")

    try:
        error = await raised(terminated_mid_transaction())
    finally:
        await admin.close()
    assert is_database_unavailable(error)
    assert (await postgres.execute_query("SELECT 1"))[0] == 1, "the pool connects anew"


@requires_postgres
async def test_no_connection_slot_left_is_unavailable() -> None:
    """PostgreSQL refusing a connection past a limit (53300), here a role's CONNECTION LIMIT 0."""
    role = f"srt_full_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    await admin.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0")
    target = urlsplit(TEST_DATABASE_URL)
    as_role = target._replace(netloc=f"{role}@{target.hostname}:{target.port or 5432}").geturl()
    try:
        error = await raised(asyncpg.connect(as_role))
    finally:
        await admin.execute(f"DROP ROLE {role}")
        await admin.close()
    assert isinstance(error, asyncpg.exceptions.TooManyConnectionsError)
    assert is_database_unavailable(error)


@requires_postgres
@pytest.mark.parametrize(
    ("sql", "raises"),
    [
        ("SELECT * FROM nowhere", OperationalError),
        ("SELECT nothing FROM pg_class", OperationalError),
        ("SELEC 1", OperationalError),
        ("SELECT 1 / 0", OperationalError),
        ("SELECT pg_sleep(1)", TimeoutError),
    ],
    ids=["undefined-table", "undefined-column", "syntax-error", "division-by-zero", "statement-timeout"],
)
async def test_postgres_errors_in_the_sql_are_bugs(
    postgres: BoundedAsyncpgClient, sql: str, raises: type[Exception]
) -> None:
    """A statement past `command_timeout` too: it had its connection, and was slow."""
    error = await raised(postgres.execute_query(sql))
    assert isinstance(error, raises)
    assert not is_database_unavailable(error)


# Errors as the drivers define them, for states a test cannot bring about cheaply


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.CrashShutdownError("terminating connection because of crash of another process"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.ConnectionFailureError("connection failure"),
        asyncpg.exceptions.InterfaceError("connection is closed"),
        ConnectionResetError(104, "Connection reset by peer"),
        BrokenPipeError(32, "Broken pipe"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_connection_failures_are_unavailable(error: BaseException) -> None:
    assert is_database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        asyncpg.exceptions.InvalidPasswordError('password authentication failed for user "app"'),
        asyncpg.exceptions.InterfaceError("cannot perform operation: another operation is in progress"),
        TransactionManagementError("Transaction already finalised"),
        DoesNotExist("Object does not exist"),
        FileNotFoundError(2, "No such file or directory", "/srv/app/settings.toml"),
        PermissionError(13, "Permission denied", "/srv/app/key.pem"),
        TimeoutError(),
        OSError(5, "Input/output error"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_other_errors_are_bugs(error: BaseException) -> None:
    assert not is_database_unavailable(error)


def from_the_cache(key: str) -> str:
    cache: dict[str, str] = {}
    try:
        raise ConnectionRefusedError(111, "Connection refused")
    except ConnectionRefusedError:
        return cache[key]  # the bug: the cache is empty


def test_a_bug_while_handling_an_outage_is_still_a_bug() -> None:
    """Only Tortoise's wrappers are looked into: an error raised in an `except` block is its own."""
    with pytest.raises(KeyError) as caught:
        from_the_cache("settings")
    assert isinstance(caught.value.__context__, ConnectionRefusedError)
    assert not is_database_unavailable(caught.value)
