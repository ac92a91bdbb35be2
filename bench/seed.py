"""Bulk rows written straight into the SQLite file (sqlite3 executemany, one transaction per table),
or, for the access log on PostgreSQL, by the server itself (`INSERT ... SELECT generate_series`).

Table and column names follow migrations/sqlite/models/. Timestamps are stored the way the ORM
stores them on SQLite, ISO text in UTC: `2026-11-24 05:00:00.000000+00:00`. Everything random
comes from a fixed seed, so two runs seed the same rows (apart from "now").
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from backend.audit.rollup import roll_up

USERS = 100_000
ACCESS_LOG_ROWS = 1_000_000
EXPIRED_TOKENS = 1_000_000
ACCESS_LOG_DAYS = 30
ADMIN_ROLE_ID = 1  # the migration inserts `admin` then `user`
USER_ROLE_ID = 2
PASSWORD_HASH = "$2b$04$" + "b" * 53  # looks like bcrypt; nobody logs in as a seeded user
STATUSES = (200, 200, 200, 200, 200, 200, 201, 204, 401, 404, 404, 422, 500)
METHODS = ("GET", "GET", "GET", "POST", "PATCH", "DELETE")
USER_AGENTS = ("Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0", "curl/8.5.0", "python-httpx/0.28.1")


def sqlite_path(env: Mapping[str, str]) -> Path:
    """The database file of a server env (`DATABASE_URL=sqlite://<path>`)."""
    url = env["DATABASE_URL"]
    prefix = "sqlite://"
    if not url.startswith(prefix):
        raise ValueError(f"seeding needs a SQLite DATABASE_URL, got {url!r}")
    return Path(url[len(prefix) :])


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00:00")


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=60.0, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")
    return connection


def seed_users(env: Mapping[str, str], count: int = USERS) -> int:
    """`user1`..`userN`, active, role `user`, created one second apart ending now."""
    start = datetime.now(UTC) - timedelta(seconds=count)
    rows = (
        (f"user{n}", f"user{n}", PASSWORD_HASH, 1, 0, stamp, stamp, None)
        for n in range(1, count + 1)
        for stamp in (timestamp(start + timedelta(seconds=n)),)
    )
    with closing(_connect(sqlite_path(env))) as db:
        db.execute("BEGIN")
        first = int(db.execute('SELECT COALESCE(MAX(id), 0) FROM "user"').fetchone()[0]) + 1
        db.executemany(
            'INSERT INTO "user" (username, username_key, password_hash, is_active, password_change_required, '
            "created_at, updated_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.executemany(
            "INSERT INTO user_role (user_id, role_id) VALUES (?, ?)",
            ((user_id, USER_ROLE_ID) for user_id in range(first, first + count)),
        )
        db.execute("COMMIT")
    return count


def _paths(rng: random.Random) -> list[str]:
    """A few hundred distinct paths, a handful of them hot."""
    fixed = [
        "/api/v1/auth/login", "/api/v1/auth/me", "/api/v1/auth/refresh", "/api/v1/auth/logout",
        "/api/v1/patients", "/api/v1/users", "/api/v1/roles", "/api/v1/access-log", "/healthz",
    ]  # fmt: skip
    patients = [f"/api/v1/patients/{n}" for n in rng.sample(range(1, 10_000), 200)]
    appointments = [f"/api/v1/patients/{n}/appointments" for n in rng.sample(range(1, 10_000), 60)]
    users = [f"/api/v1/users/{n}" for n in range(1, 41)]
    return fixed * 20 + patients + appointments + users


def _access_log_rows(count: int, now: datetime) -> Iterator[tuple[object, ...]]:
    rng = random.Random(42)  # fixture data, not secrets
    paths = _paths(rng)
    start = now - timedelta(days=ACCESS_LOG_DAYS)
    step = timedelta(days=ACCESS_LOG_DAYS) / count
    for n in range(count):
        user = rng.randint(1, 1000) if rng.random() < 0.8 else None
        yield (
            timestamp(start + step * n),
            uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            rng.choice(METHODS),
            rng.choice(paths),
            "",
            rng.choice(STATUSES),
            round(rng.expovariate(1 / 12.0), 3),
            user,
            None if user is None else f"user{user}",
            f"10.{rng.randint(0, 3)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            rng.choice(USER_AGENTS),
            None,
        )


def seed_access_log(env: Mapping[str, str], count: int = ACCESS_LOG_ROWS) -> int:
    """`count` requests spread evenly over the last 30 days, oldest first (ids grow with time).

    Before the server starts only: the table's indexes are dropped for the insert and built again
    after it (the same CREATE INDEX statements), which is much faster than updating seven indexes
    row by row.
    """
    with closing(_connect(sqlite_path(env))) as db:
        db.execute("BEGIN")
        indexes = [
            (name, sql)
            for name, sql in db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_log' "
                "AND sql IS NOT NULL"
            )
        ]
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        db.executemany(
            "INSERT INTO access_log (timestamp, request_id, method, path, query, status, duration_ms, "
            "user_id, username, ip, user_agent, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _access_log_rows(count, datetime.now(UTC)),
        )
        for _, sql in indexes:
            db.execute(sql)
        roll_up(db)  # counted for the statistics, as the server's writer would
        db.execute("COMMIT")
    return count


def _expired_token_rows(user_id: int, count: int, now: datetime) -> Iterator[tuple[object, ...]]:
    rng = random.Random()  # fixture data, not secrets
    # Sorted ids go into the primary-key b-tree in order: several times faster than random order.
    ids = sorted(str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count))
    for n, token_id in enumerate(ids):
        created = now - timedelta(days=60) + timedelta(seconds=n % 2_000_000)
        yield (
            token_id,
            user_id,
            uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            timestamp(created),
            timestamp(created + timedelta(days=30)),  # at most 60 - 30 + 23 days ago: all expired
        )


def expired_tokens(env: Mapping[str, str]) -> int:
    with closing(_connect(sqlite_path(env))) as db:
        now = timestamp(datetime.now(UTC))
        return int(db.execute("SELECT COUNT(*) FROM token WHERE expires_at < ?", (now,)).fetchone()[0])


def seed_expired_tokens(env: Mapping[str, str], user_id: int, count: int = EXPIRED_TOKENS) -> int:
    """Top the `token` table up to `count` expired logins of `user_id`; returns how many it added."""
    missing = count - expired_tokens(env)
    if missing <= 0:
        return 0
    with closing(_connect(sqlite_path(env))) as db:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO token (id, user_id, refresh_jti, previous_refresh_jti, rotated_at, created_at, "
            "last_used_at, expires_at, ip, user_agent, blocked, revoked_at, revoked_reason) "
            "VALUES (?, ?, ?, NULL, NULL, ?, NULL, ?, '', '', 0, NULL, NULL)",
            _expired_token_rows(user_id, missing, datetime.now(UTC)),
        )
        db.execute("COMMIT")
        # Fold the ~300 MB this wrote into the database file now, outside any measurement: left in
        # the WAL, the server's next commit would pay for copying it during the measured run.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return missing


def user_id(env: Mapping[str, str], username_key: str) -> int:
    with closing(_connect(sqlite_path(env))) as db:
        row = db.execute('SELECT id FROM "user" WHERE username_key = ?', (username_key,)).fetchone()
    if row is None:
        raise LookupError(f"no user {username_key!r}")
    return int(row[0])


ACCESS_LOG_10M_ROWS = 10_000_000
ACCESS_LOG_10M_DAYS = 395  # about 13 months: whole months to drop, and 30 days to chart


def postgres_access_log_rows() -> int:
    """BENCH_ACCESS_LOG_ROWS (to try the set at 1M first), else 10M."""
    return int(os.environ.get("BENCH_ACCESS_LOG_ROWS", ACCESS_LOG_10M_ROWS))


async def _seed_postgres_access_log(url: str, count: int, now: datetime) -> None:
    """`count` requests over ACCESS_LOG_10M_DAYS ending `now`, written by the server itself
    (`INSERT ... SELECT generate_series`), a month at a time, with the indexes built afterwards.
    The rollup's trigger counts each month's rows as they go in."""
    start = now - timedelta(days=ACCESS_LOG_10M_DAYS)
    rng = random.Random(42)  # fixture data, not secrets
    paths = _paths(rng)
    connection = await asyncpg.connect(url)
    try:
        indexes = await connection.fetch(
            "SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS sql FROM pg_index AS i "
            "JOIN pg_class AS c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = 'access_log'::regclass AND NOT i.indisprimary"
        )
        for index in indexes:
            await connection.execute(f'DROP INDEX "{index["name"]}"')
        months = []
        month = datetime(start.year, start.month, 1, tzinfo=UTC)
        while month < now:
            following = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
            name = f"access_log_y{month.year:04d}m{month.month:02d}"
            await connection.execute(
                f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF access_log '
                f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')"
            )
            months.append((month, following))
            month = following
        for month, following in months:
            first = max(0, int((month - start) / (now - start) * count))
            last = min(count, int((following - start) / (now - start) * count))
            if last > first:
                # The n-th row at start + n/count of the span; the choices cycle with primes so that
                # they do not move in step; about 80% of requests have a user (1 of 1000); latencies
                # exponential around 12 ms, as bench/seed.py's SQLite rows.
                await connection.execute(
                    """INSERT INTO access_log (timestamp, request_id, method, path, query, status,
                           duration_ms, user_id, username, ip, user_agent, event)
                       SELECT $1::timestamptz + (n::float8 / $2) * ($3::timestamptz - $1::timestamptz),
                              md5(n::text), ($4::text[])[1 + n % 6], ($5::text[])[1 + (n * 7919) % $6],
                              '', ($7::int[])[1 + (n * 104729) % 13],
                              round((-12.0 * ln(1 - (n * 2654435761 % 1000003) / 1000003.0))::numeric, 3),
                              u, CASE WHEN u IS NULL THEN NULL ELSE 'user' || u END,
                              '10.' || n % 4 || '.' || n % 251 || '.' || 1 + n % 253,
                              ($8::text[])[1 + n % 3], NULL
                       FROM generate_series($9::bigint, $10::bigint - 1) AS n
                       CROSS JOIN LATERAL (SELECT CASE WHEN n % 5 = 0 THEN NULL ELSE 1 + (n * 31) % 1000 END
                                           AS u) AS chosen""",
                    start, count, now, list(METHODS), paths, len(paths), list(STATUSES), list(USER_AGENTS),
                    first, last,
                )  # fmt: skip
        for index in indexes:  # on every partition (pg_get_indexdef says ON ONLY of a partitioned index)
            await connection.execute(index["sql"].replace(" ON ONLY ", " ON ", 1))
        await connection.execute("VACUUM ANALYZE access_log")
        await connection.execute("VACUUM ANALYZE access_log_rollup")
    finally:
        await connection.close()


def seed_postgres_access_log(env: Mapping[str, str]) -> int:
    count = postgres_access_log_rows()
    asyncio.run(_seed_postgres_access_log(env["DATABASE_URL"], count, datetime.now(UTC)))
    return count
