"""The access log's monthly partitions on PostgreSQL: made by the migration, created ahead and
dropped past retention by the clean-up job, and a default partition that takes any timestamp."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from tortoise import connections

from backend.audit import partitions
from backend.audit.models import AccessLog
from backend.audit.partitions import DEFAULT_PARTITION, Month
from backend.clock import utcnow
from backend.config import Settings
from backend.jobs.purge import ensure_access_log_partitions, purge_access_log, purge_all
from tests.conftest import requires_postgres
from tests.harness import eventually

pytestmark = [requires_postgres, pytest.mark.usefixtures("db")]


@pytest.fixture
async def restore_partitions(db: None) -> AsyncIterator[None]:
    """Tests add and drop months; the next test finds the migration's own again."""
    before = set(await partitions.partitions())
    yield
    now = Month.of(utcnow())
    for month, name in (await partitions.partitions()).items():
        if month not in before:
            await connections.get("default").execute_script(f'DROP TABLE "{name}"')
    for month in sorted(before - set(await partitions.partitions())):
        if month >= now:
            await partitions.create_partition(month)


async def log_at(moment: datetime, request_id: str = "r") -> AccessLog:
    return await AccessLog.create(
        timestamp=moment, request_id=request_id, method="GET", path="/p", status=200, duration_ms=1.0
    )


async def holder(row: AccessLog) -> str:
    """The partition a row is stored in."""
    found = await connections.get("default").execute_query_dict(
        "SELECT tableoid::regclass::text AS name FROM access_log WHERE id = $1", [row.id]
    )
    return str(found[0]["name"])


async def test_the_migration_partitions_the_log_by_month_with_months_ahead_and_a_default() -> None:
    assert await partitions.is_partitioned()
    now = Month.of(utcnow())
    assert {now.plus(n) for n in range(4)} <= set(await partitions.partitions())
    row = await log_at(utcnow())
    assert await holder(row) == now.partition
    keys = await connections.get("default").execute_query_dict(
        "SELECT pg_get_constraintdef(oid) AS key FROM pg_constraint "
        "WHERE conrelid = 'access_log'::regclass AND contype = 'p'"
    )
    assert keys == [{"key": 'PRIMARY KEY (id, "timestamp")'}]


@pytest.mark.usefixtures("restore_partitions")
async def test_the_job_creates_the_next_months_partitions() -> None:
    later = utcnow() + timedelta(days=200)
    created = await ensure_access_log_partitions(now=later, ahead=3, retention_days=0)
    expected = [Month.of(later).plus(n) for n in range(4)]
    assert [month.partition for month in expected if month.partition in created] == created
    assert set(expected) <= set(await partitions.partitions())
    assert await ensure_access_log_partitions(now=later, ahead=3, retention_days=0) == []
    row = await log_at(later)
    assert await holder(row) == Month.of(later).partition


@pytest.mark.usefixtures("restore_partitions")
async def test_any_timestamp_is_logged_and_the_job_moves_rows_out_of_the_default_partition() -> None:
    old, far = datetime(1999, 12, 31, 23, 59, tzinfo=UTC), datetime(2300, 1, 1, tzinfo=UTC)
    old_row, far_row = await log_at(old, "old"), await log_at(far, "far")
    assert [await holder(old_row), await holder(far_row)] == [DEFAULT_PARTITION, DEFAULT_PARTITION]
    assert {row.request_id for row in await AccessLog.all()} == {"old", "far"}

    created = await ensure_access_log_partitions(now=utcnow(), ahead=3, retention_days=0)
    assert Month(1999, 12).partition in created
    assert await holder(old_row) == Month(1999, 12).partition  # moved, same id
    assert await holder(far_row) == DEFAULT_PARTITION  # beyond the months ahead: it waits there
    assert (await AccessLog.get(request_id="old")).timestamp == old


@pytest.mark.usefixtures("restore_partitions")
async def test_retention_drops_the_old_months_and_deletes_the_rest_row_by_row() -> None:
    now = utcnow()
    months_ago = [Month.of(now).plus(-n) for n in (1, 2, 3, 4)]
    for month in months_ago:
        if month not in await partitions.partitions():
            await partitions.create_partition(month)
    for n, month in enumerate(months_ago):
        await log_at(month.start + timedelta(hours=1), f"early-{n}")
        await log_at(month.end - timedelta(hours=1), f"late-{n}")
    await log_at(now, "now")
    cutoff = months_ago[1].end - timedelta(days=5)  # late in the month two months ago
    retention_days = (now - cutoff).days
    cutoff = now - timedelta(days=retention_days)

    deleted = await purge_access_log(now=now, retention_days=retention_days)

    left = await partitions.partitions()
    assert months_ago[2] not in left
    assert months_ago[3] not in left
    assert months_ago[1] in left  # the boundary month: its old rows deleted one by one
    kept = {row.request_id for row in await AccessLog.all()}
    assert kept == {"now", "early-0", "late-0", "late-1"}
    assert deleted == 5
    assert all(row.timestamp >= cutoff for row in await AccessLog.all())


async def test_the_scheduled_job_says_which_partitions_it_created(settings: Settings) -> None:
    report = await purge_all(settings, now=utcnow())
    assert report.access_log_partitions == ()  # the migration made this month and three ahead
    assert "created" not in str(report)


async def test_a_drop_that_waits_for_a_busy_log_is_tried_again_not_failed(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """A long read holds the log: the drop gives up its lock wait after LOCK_TIMEOUT and tries again
    (PostgreSQL's lock_timeout, SQLSTATE 55P03, reaches us untranslated by Tortoise)."""
    caplog.set_level(logging.INFO, logger="backend.audit")
    await partitions.create_partition(Month(2001, 1))
    reader = await asyncpg.connect(settings.database_url)
    try:
        await reader.execute("BEGIN; LOCK TABLE access_log IN ACCESS SHARE MODE")
        dropping = asyncio.create_task(
            partitions._with_lock_timeout('DROP TABLE "access_log_y2001m01";', what="dropping")
        )
        await eventually(
            lambda: "dropping: the access log is busy, trying again" in caplog.text or dropping.done()
        )
        assert not dropping.done()  # it waits, rather than failing the job
        await reader.execute("COMMIT")
        await asyncio.wait_for(dropping, timeout=10)
    finally:
        await reader.close()
    assert Month(2001, 1) not in await partitions.partitions()
