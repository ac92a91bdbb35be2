"""The models and both migration folders agree, and both dialects build the same schema."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import NamedTuple

import asyncpg
import pytest

from backend.audit.rollup import roll_up
from backend.db import MIGRATIONS_ROOT
from tests.conftest import TEST_DATABASE_URL, requires_postgres, with_database
from tests.harness import ROOT

DIALECTS = ("sqlite", "postgres")


class Schema(NamedTuple):
    columns: dict[str, set[str]]
    indexes: set[tuple[str, tuple[str, ...], bool]]


def run_backend(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def migration_sql(dialect: str) -> str:
    scripts = []
    for path in sorted(
        (MIGRATIONS_ROOT / dialect / "models").glob("*.py"), key=lambda p: int(p.name.split("_")[0])
    ):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        scripts.append(asyncio.run(module.upgrade(None)))
    return "\n".join(scripts)


def schema_from_sql(sql: str) -> Schema:
    columns: dict[str, set[str]] = {}
    indexes: set[tuple[str, tuple[str, ...], bool]] = set()
    for table, body in re.findall(r'CREATE TABLE (?:IF NOT EXISTS )?"(\w+)" \((.*?)\n\)', sql, re.S):
        columns[table] = set()
        for line in body.strip().splitlines():
            if match := re.match(r'\s*"(\w+)" ', line):
                columns[table].add(match.group(1))
                if " UNIQUE" in line and "PRIMARY KEY" not in line:
                    indexes.add((table, (match.group(1),), True))
            elif match := re.match(r"\s*CONSTRAINT \"?\w+\"? UNIQUE \((.*)\)", line):
                indexes.add((table, tuple(re.findall(r'"(\w+)"', match.group(1))), True))
    for table, column in re.findall(r'ALTER TABLE "(\w+)" ADD (?:COLUMN )?"(\w+)"', sql):
        columns[table].add(column)
    for unique, name, table, cols in re.findall(
        r'CREATE (UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?"(\w+)" ON "(\w+)" \((.*?)\)', sql
    ):
        if name not in POSTGRES_ONLY_INDEXES:
            indexes.add((table, tuple(re.findall(r'"(\w+)"', cols)), bool(unique)))
    # no dropped table comes back; each dialect's own tables are left out
    for dropped in [
        *re.findall(r'DROP TABLE (?:IF EXISTS )?"(\w+)"', sql),
        *POSTGRES_ONLY_TABLES,
        *SQLITE_ONLY_TABLES,
    ]:
        columns.pop(dropped, None)
        indexes = {index for index in indexes if index[0] != dropped}
    return Schema(columns, indexes)


def test_both_folders_describe_the_same_schema() -> None:
    sqlite, postgres = (schema_from_sql(migration_sql(dialect)) for dialect in DIALECTS)
    assert sqlite.columns == postgres.columns
    assert sqlite.indexes == postgres.indexes
    assert {"user", "role", "user_role", "token", "login_throttle", "access_log"} <= set(sqlite.columns)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_models_need_no_new_migration(dialect: str, tmp_path: Path) -> None:
    location = tmp_path / dialect
    shutil.copytree(MIGRATIONS_ROOT / dialect, location)
    check = (
        "import asyncio, sys; from backend.migrate import make_migrations; "
        f"written = asyncio.run(make_migrations('check', {dialect!r}, location={str(location)!r})); "
        "sys.exit(0 if written is None else 1)"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"the models changed without a migration for {dialect}:\n{result.stderr}"
    assert sorted(p.name for p in (location / "models").iterdir()) == sorted(
        p.name for p in (MIGRATIONS_ROOT / dialect / "models").iterdir()
    )


def sqlite_schema(path: Path) -> Schema:
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            if row[0] not in SQLITE_ONLY_TABLES
        ]
        columns = {t: {row[1] for row in connection.execute(f'PRAGMA table_info("{t}")')} for t in tables}
        indexes = set()
        for table in tables:
            for _, name, unique, origin, _ in connection.execute(f'PRAGMA index_list("{table}")'):
                if origin == "pk":
                    continue
                cols = tuple(row[2] for row in connection.execute(f'PRAGMA index_info("{name}")'))
                indexes.add((table, cols, bool(unique)))
    return Schema(columns, indexes)


# Kept by PostgreSQL's statement triggers for `backend/row_counts.py`; SQLite counts rows instead.
POSTGRES_ONLY_TABLES = frozenset({"row_count"})
# The rollup's mark (backend/audit/rollup.py); PostgreSQL's rollup is kept by a statement trigger.
SQLITE_ONLY_TABLES = frozenset({"access_log_rollup_mark"})
# Indexes with an operator class, which the models cannot express and SQLite does not need
# (migrations/postgres/models/2_*: LIKE-prefix filters on the access log's path).
POSTGRES_ONLY_INDEXES = frozenset({"idx_access_log_path_prefix"})


async def postgres_schema(url: str) -> Schema:
    connection = await asyncpg.connect(url)
    try:
        # The access log's partitions are that one table's storage (migration `access_log_partitions`).
        rows = await connection.fetch(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name::text NOT IN (SELECT relname FROM pg_class WHERE relispartition)"
        )
        columns: dict[str, set[str]] = {}
        for row in rows:
            if row["table_name"] not in POSTGRES_ONLY_TABLES:
                columns.setdefault(row["table_name"], set()).add(row["column_name"])
        index_rows = await connection.fetch(
            """SELECT t.relname AS table_name, ix.indisunique AS is_unique,
                      array_agg(a.attname ORDER BY k.ord) AS cols
               FROM pg_index ix
               JOIN pg_class t ON t.oid = ix.indrelid AND NOT t.relispartition
               JOIN pg_class i ON i.oid = ix.indexrelid AND i.relname <> ALL($1::text[])
               JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
               CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
               WHERE NOT ix.indisprimary
               GROUP BY ix.indexrelid, t.relname, ix.indisunique""",
            list(POSTGRES_ONLY_INDEXES),
        )
        indexes = {(row["table_name"], tuple(row["cols"]), row["is_unique"]) for row in index_rows}
    finally:
        await connection.close()
    return Schema(columns, indexes)


def test_sqlite_upgrades_an_empty_database(tmp_path: Path) -> None:
    database = tmp_path / "empty.db"
    result = run_backend("migrate", DATABASE_URL=f"sqlite://{database}")
    assert result.returncode == 0, result.stderr
    schema = sqlite_schema(database)
    assert schema.columns == schema_from_sql(migration_sql("sqlite")).columns
    with sqlite3.connect(database) as connection:
        assert {row[0] for row in connection.execute("SELECT name FROM role WHERE built_in")} == {
            "admin",
            "user",
        }
    again = run_backend("migrate", DATABASE_URL=f"sqlite://{database}")
    assert "Applied 0 migration(s)" in again.stdout


@requires_postgres
async def test_postgres_upgrades_an_empty_database_to_the_same_schema_as_sqlite(tmp_path: Path) -> None:
    name = f"srt_migrate_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = with_database(TEST_DATABASE_URL, name)
        result = run_backend("migrate", DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        assert run_backend("migrate", DATABASE_URL=f"sqlite://{tmp_path / 'x.db'}").returncode == 0
        assert await postgres_schema(url) == sqlite_schema(tmp_path / "x.db")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@requires_postgres
async def test_postgres_converts_an_unpartitioned_access_log_and_keeps_its_rows(tmp_path: Path) -> None:
    """The upgrade of a database from before the partitions (docs/production.md, "Partitions")."""
    name = f"srt_migrate_{uuid.uuid4().hex[:10]}"
    before = tmp_path / "before"
    shutil.copytree(MIGRATIONS_ROOT / "postgres", before / "postgres")
    (converting,) = (before / "postgres" / "models").glob("*_access_log_partitions.py")
    converting.unlink()
    admin = await asyncpg.connect(TEST_DATABASE_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = with_database(TEST_DATABASE_URL, name)
        result = run_backend("migrate", DATABASE_URL=url, MIGRATIONS_DIR=str(before))
        assert result.returncode == 0, result.stderr
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(
                "INSERT INTO access_log (timestamp, request_id, method, path, query, status, duration_ms, "
                "username, ip, user_agent) SELECT now() - n * interval '9 days', 'r' || n, 'GET', '/p', '', "
                "200 + n % 3 * 100, n, CASE WHEN n % 2 = 0 THEN 'ann' END, '', '' "
                "FROM generate_series(1, 60) AS n"
            )
            rows_before = await connection.fetch("SELECT * FROM access_log ORDER BY id")
            result = run_backend("migrate", DATABASE_URL=url)
            assert result.returncode == 0, result.stderr
            assert (
                await connection.fetchval("SELECT relkind FROM pg_class WHERE relname = 'access_log'") == b"p"
            )
            assert await connection.fetch("SELECT * FROM access_log ORDER BY id") == rows_before
            assert await connection.fetchval("SELECT count(*) FROM access_log_default") == 0  # months made
            assert await connection.fetchval(
                "SELECT sum(n) FROM access_log_rollup WHERE grain = 'd' AND dimension = 'class'"
            ) == len(rows_before)
            new_id = await connection.fetchval(
                "INSERT INTO access_log (timestamp, request_id, method, path, query, status, duration_ms, "
                "ip, user_agent) VALUES (now(), 'new', 'GET', '/', '', 200, 1, '', '') RETURNING id"
            )
            assert new_id == rows_before[-1]["id"] + 1  # the same sequence
        finally:
            await connection.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def test_sqlite_moves_the_rollup_from_its_trigger_to_a_mark_and_counts_each_row_once(tmp_path: Path) -> None:
    """The upgrade of a database whose rollup the row trigger kept (backend/audit/rollup.py)."""
    before = tmp_path / "before"
    shutil.copytree(MIGRATIONS_ROOT / "sqlite", before / "sqlite")
    (marking,) = (before / "sqlite" / "models").glob("*_access_log_rollup_mark.py")
    marking.unlink()
    database = tmp_path / "app.db"
    result = run_backend("migrate", DATABASE_URL=f"sqlite://{database}", MIGRATIONS_DIR=str(before))
    assert result.returncode == 0, result.stderr
    insert = (
        "INSERT INTO access_log (timestamp, request_id, method, path, query, status, duration_ms, ip, "
        "user_agent) VALUES ('2026-05-06 07:08:09+00:00', ?, 'GET', '/p', '', 200, 1, '', '')"
    )
    days_sum = "SELECT sum(n) FROM access_log_rollup WHERE grain = 'd' AND dimension = 'class'"
    with sqlite3.connect(database) as connection:
        connection.executemany(insert, [(f"r{n}",) for n in range(5)])
        assert connection.execute(days_sum).fetchone() == (5,)  # the trigger's count
    result = run_backend("migrate", DATABASE_URL=f"sqlite://{database}")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT last_id FROM access_log_rollup_mark").fetchall() == [(5,)]
        connection.execute(insert, ("late",))
        assert connection.execute(days_sum).fetchone() == (5,)  # no trigger: counted when rolled up
        roll_up(connection)
        roll_up(connection)
        assert connection.execute(days_sum).fetchone() == (6,)
        assert not connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'access_log'"
        ).fetchall()
