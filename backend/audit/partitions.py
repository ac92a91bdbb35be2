"""The access log's monthly partitions on PostgreSQL (SQLite keeps one table).

The migration `access_log_partitions` made `access_log` a table partitioned by range of
"timestamp": one partition a month, named `access_log_yYYYYmMM`, and `access_log_default` for any
timestamp no month holds (a wrong clock, an import), so that an insert never fails. The clean-up
job (backend/jobs/purge.py) calls `ensure_partitions` to create the months ahead (and a month for
rows that landed in the default partition, moving them there) and `drop_partitions` to drop the
months wholly older than the retention: a whole month goes at once, without deleting row by row.

Dropping or attaching a partition briefly locks the whole table; each statement waits for that
lock at most LOCK_TIMEOUT and is retried, so that requests never queue behind a long wait.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import OperationalError

from backend.transactions import atomic

logger = logging.getLogger("backend.audit")

TABLE = "access_log"
DEFAULT_PARTITION = "access_log_default"
PARTITION_NAME = re.compile(r"^access_log_y(\d{4})m(\d{2})$")
LOCK_TIMEOUT = "200ms"
LOCK_ATTEMPTS = 50
LOCK_PAUSE_SECONDS = 0.1


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, moment: datetime) -> Month:
        moment = moment.astimezone(UTC)
        return cls(moment.year, moment.month)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.plus(1).start

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def partition(self) -> str:
        return f"access_log_y{self.year:04d}m{self.month:02d}"


def _connection() -> BaseDBAsyncClient:
    connection: BaseDBAsyncClient = connections.get("default")
    return connection


async def is_partitioned() -> bool:
    """Whether the access log is a partitioned table (PostgreSQL after the migration)."""
    connection = _connection()
    if connection.capabilities.dialect != "postgres":
        return False
    rows = await connection.execute_query_dict(
        "SELECT relkind::text AS kind FROM pg_class WHERE oid = to_regclass($1)", [TABLE]
    )
    return bool(rows) and rows[0]["kind"] == "p"


async def partitions() -> dict[Month, str]:
    """The monthly partitions, by month (the default partition is not one of them)."""
    rows = await _connection().execute_query_dict(
        "SELECT c.relname AS name FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = to_regclass($1)",
        [TABLE],
    )
    found = {}
    for row in rows:
        if match := PARTITION_NAME.fullmatch(row["name"]):
            found[Month(int(match.group(1)), int(match.group(2)))] = row["name"]
    return found


def _literal(moment: datetime) -> str:
    """A timestamp as a SQL literal: DDL takes no parameters (only our own datetimes get here)."""
    return f"'{moment.astimezone(UTC).isoformat()}'"


async def _with_lock_timeout(statements: str, *, what: str) -> None:
    """`statements` in one transaction that waits for a lock at most LOCK_TIMEOUT, retried."""
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            async with atomic() as connection:
                await connection.execute_script(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; {statements}")
            return
        # PostgreSQL's lock_timeout (SQLSTATE 55P03): Tortoise leaves asyncpg's error untranslated.
        except asyncpg.exceptions.LockNotAvailableError:
            if attempt == LOCK_ATTEMPTS:
                raise
            logger.info("%s: the access log is busy, trying again (%d)", what, attempt)
            await asyncio.sleep(LOCK_PAUSE_SECONDS)


async def create_partition(month: Month) -> None:
    """A partition for `month`, holding the rows of that month the default partition had.

    Created apart and then attached: attaching locks the log only against other schema changes,
    where `CREATE TABLE ... PARTITION OF` would lock out every reader.
    """
    name, start, end = month.partition, _literal(month.start), _literal(month.end)
    await _with_lock_timeout(  # only constants and our own datetimes are interpolated
        f'CREATE TABLE "{name}" (LIKE "{TABLE}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE); '  # noqa: S608
        # Attaching checks that the default partition holds none of the month's rows: move them
        # first, under a lock that keeps new ones out until the partition takes them.
        f'LOCK TABLE "{DEFAULT_PARTITION}" IN ACCESS EXCLUSIVE MODE; '
        f'WITH moved AS (DELETE FROM "{DEFAULT_PARTITION}" WHERE "timestamp" >= {start} '
        f'AND "timestamp" < {end} RETURNING *) INSERT INTO "{name}" SELECT * FROM moved; '
        f'ALTER TABLE "{TABLE}" ATTACH PARTITION "{name}" FOR VALUES FROM ({start}) TO ({end});',
        what=f"creating {name}",
    )


async def ensure_partitions(*, now: datetime, ahead: int, keep_after: datetime | None) -> list[str]:
    """Partitions for this month and the `ahead` next, and for the months of rows in the default
    partition up to then (but none wholly before `keep_after`: retention deletes those rows).
    Answers the partitions created."""
    if not await is_partitioned():
        return []
    current = Month.of(now)
    wanted = {current.plus(n) for n in range(ahead + 1)}
    horizon = current.plus(ahead + 1).start
    stray = await _connection().execute_query_dict(
        "SELECT DISTINCT date_trunc('month', \"timestamp\" AT TIME ZONE 'UTC') AS month "  # noqa: S608
        f'FROM "{DEFAULT_PARTITION}" WHERE "timestamp" < $1',
        [horizon],
    )
    for row in stray:
        month = Month(row["month"].year, row["month"].month)
        if keep_after is None or month.end > keep_after:
            wanted.add(month)
    existing = await partitions()
    created = []
    for month in sorted(wanted - set(existing)):
        try:
            await create_partition(month)
        except OperationalError:
            if month in await partitions():  # another host's job created it first
                continue
            raise
        created.append(month.partition)
        logger.info("access log: created partition %s", month.partition)
    return created


async def drop_partitions(*, before: datetime) -> int:
    """Drop the partitions wholly before `before`; answers how many rows they held."""
    if not await is_partitioned():
        return 0
    dropped = 0
    for month, name in sorted((await partitions()).items()):
        if month.end > before:
            continue
        try:
            rows = await _connection().execute_query_dict(f'SELECT COUNT(*) AS n FROM "{name}"')  # noqa: S608
        except OperationalError:
            if month not in await partitions():  # another host's job dropped it first
                continue
            raise
        # IF EXISTS: another host's job may drop it first.
        await _with_lock_timeout(f'DROP TABLE IF EXISTS "{name}";', what=f"dropping {name}")
        dropped += int(rows[0]["n"])
        logger.info("access log: dropped partition %s (%d rows)", name, int(rows[0]["n"]))
    return dropped
