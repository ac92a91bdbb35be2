"""The statistics come from the rollup, and say exactly what counting the rows says."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError

from backend.audit import queries
from backend.audit.models import AccessLog, AccessLogRollup
from backend.audit.rollup import roll_up_pending
from backend.audit.writer import AccessLogWriter, insert_rows
from backend.clock import utcnow
from backend.jobs.purge import purge_access_log
from tests.conftest import requires_postgres

pytestmark = pytest.mark.usefixtures("db")
START = datetime(2026, 10, 1, 22, 47, 13, 250_000, tzinfo=UTC)


async def log_rows(count: int, *, start: datetime, span: timedelta, seed: int = 7) -> None:
    rng = random.Random(seed)  # fixture data, not secrets
    rows = []
    for n in range(count):
        user = rng.choice([None, "ann", "bob", "cy", "Dee"])
        rows.append(
            AccessLog(
                timestamp=start + span * rng.random(),
                request_id=f"r{n}",
                method="GET",
                path=rng.choice(
                    ["/api/v1/patients", "/api/v1/users", "/healthz", f"/api/v1/patients/{n % 40}"]
                ),
                status=rng.choice([200, 200, 201, 304, 401, 404, 500]),
                duration_ms=rng.choice([0.1, 0.3, 2.5, 9.0, 45.0, 120.0, 999.0, 70_000.0]) * rng.random(),
                username=user,
                user_id=None if user is None else len(user),
            )
        )
    await AccessLog.bulk_create(rows, batch_size=500)


@pytest.mark.parametrize(
    ("since", "until", "bucket"),
    [
        (START, START + timedelta(days=40), "day"),  # days, hours, minutes and rows at both ends
        (START + timedelta(minutes=3), START + timedelta(days=30, hours=5, seconds=7), "hour"),
        (START + timedelta(hours=20, seconds=1), START + timedelta(hours=50, minutes=1, seconds=1), "minute"),
        (START + timedelta(days=2, minutes=1), START + timedelta(days=2, minutes=50), "hour"),  # rows only
        (START - timedelta(days=3), START + timedelta(days=2), "day"),  # before the first row
    ],
    ids=["40-days", "30-days-unaligned", "minutes", "under-an-hour", "empty-start"],
)
async def test_stats_from_the_rollup_equal_stats_counted_from_the_rows(
    since: datetime, until: datetime, bucket: queries.Granularity
) -> None:
    await log_rows(3000, start=START, span=timedelta(days=41))
    from_rollup = await queries.stats(since=since, until=until, granularity=bucket, top=5)
    from_rows = await queries.stats(since=since, until=until, granularity=bucket, top=5, rollup=False)
    assert from_rollup == from_rows
    assert from_rollup.total > 0
    assert await AccessLogRollup.all().count() > 0


@requires_postgres
async def test_on_postgresql_the_statistics_read_one_snapshot_each_statement_planned_for_its_values() -> None:
    """A generic plan, which PostgreSQL may pick from a statement's sixth run on, made the 30 days
    at 10M rows four times slower (queries._custom_plans)."""
    async with queries._custom_plans():
        found = await connections.get("default").execute_query_dict(
            "SELECT current_setting('plan_cache_mode') AS plans, "
            "current_setting('transaction_read_only') AS read_only"
        )
    assert found == [{"plans": "force_custom_plan", "read_only": "on"}]
    outside = await connections.get("default").execute_query_dict("SHOW plan_cache_mode")
    assert outside == [{"plan_cache_mode": "auto"}]


async def test_a_range_is_cut_into_whole_buckets_and_rows_at_the_ends() -> None:
    since, until = datetime(2026, 1, 1, 22, 30, 5, tzinfo=UTC), datetime(2026, 1, 4, 1, 0, 30, tzinfo=UTC)
    parts = queries.segments(since, until, ("d", "h", "m"))
    assert parts == [
        (None, since, datetime(2026, 1, 1, 22, 31, tzinfo=UTC)),
        ("m", datetime(2026, 1, 1, 22, 31, tzinfo=UTC), datetime(2026, 1, 1, 23, 0, tzinfo=UTC)),
        ("h", datetime(2026, 1, 1, 23, 0, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)),
        ("d", datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 4, tzinfo=UTC)),
        ("h", datetime(2026, 1, 4, tzinfo=UTC), datetime(2026, 1, 4, 1, 0, tzinfo=UTC)),
        (None, datetime(2026, 1, 4, 1, 0, tzinfo=UTC), until),
    ]
    assert queries.segments(since, since + timedelta(seconds=30), ("d", "h", "m")) == [
        (None, since, since + timedelta(seconds=30))
    ]


def access_row(request_id: str, moment: datetime, **columns: object) -> dict[str, object]:
    return {"timestamp": moment, "request_id": request_id, "method": "GET", "path": "/x", **columns}


async def rollup_counts() -> dict[tuple[str, str, str], tuple[datetime, int, float]]:
    return {
        (row.grain, row.dimension, row.key): (row.bucket, row.n, row.max_ms)
        for row in await AccessLogRollup.all()
    }


async def test_every_row_is_counted_in_the_rollup_once_whoever_writes_it() -> None:
    """PostgreSQL's trigger counts each row in its transaction; on SQLite the rows above the mark
    are counted together (backend/audit/rollup.py), whoever wrote them, and never twice."""
    moment = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    await AccessLog.create(**access_row("a", moment, status=404, duration_ms=4.0, username="ann"))
    await roll_up_pending()
    await insert_rows([access_row("b", moment, status=200, duration_ms=0.2)])
    await insert_rows([access_row(f"c{n}", moment, status=201, duration_ms=1.5) for n in range(3)])
    await roll_up_pending()
    counted = await rollup_counts()
    hour, day = moment.replace(minute=0, second=0), moment.replace(hour=0, minute=0, second=0)
    assert counted[("m", "class", "4")] == (moment.replace(second=0), 1, 4.0)
    assert counted[("m", "class", "2")] == (moment.replace(second=0), 4, 1.5)
    assert counted[("h", "path", "/x")] == (hour, 5, 4.0)
    assert counted[("d", "user", "ann")] == (day, 1, 4.0)
    assert counted[("h", "latency", "0")] == (hour, 1, 0.2)  # up to 0.25 ms
    assert counted[("d", "latency", "3")] == (day, 3, 1.5)  # over 1, up to 2 ms
    assert ("m", "path", "/x") not in counted  # minutes count status classes only
    assert len(counted) == 2 + 2 * (2 + 3 + 1 + 1)  # minutes: 2 classes; hours and days: 2 classes,
    # 3 latency buckets, 1 user, 1 path


async def test_the_writer_counts_its_rows_in_the_rollup_every_so_many_rows() -> None:
    writer = AccessLogWriter(roll_up_every=3)
    await writer.start()
    try:
        moment = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
        for n in range(4):
            await writer.write(access_row(f"w{n}", moment, status=200, duration_ms=1.0))
        counted = (await rollup_counts())[("d", "class", "2")][1]
        assert counted >= 3  # every row once three had been written (at most 3 per batch here)
    finally:
        await writer.close()
    await roll_up_pending()
    assert (await rollup_counts())[("d", "class", "2")][1] == 4


async def test_a_batch_that_fails_leaves_neither_rows_nor_counts() -> None:
    moment = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    await insert_rows([access_row("a", moment, status=200, duration_ms=1.0)])
    with pytest.raises(IntegrityError):
        await insert_rows([access_row("b", moment, status=200, duration_ms=1.0), access_row("c", moment)])
    await roll_up_pending()
    assert await AccessLog.all().count() == 1
    assert (await rollup_counts())[("d", "class", "2")][1] == 1


async def test_retention_also_forgets_the_rollups_old_buckets() -> None:
    now = utcnow()
    await log_rows(200, start=now - timedelta(days=20), span=timedelta(days=20))
    await purge_access_log(now=now, retention_days=10)
    cutoff = now - timedelta(days=10)
    assert not await AccessLogRollup.filter(bucket__lt=cutoff).exists()
    assert not await AccessLog.filter(timestamp__lt=cutoff).exists()
    since = queries.floor_to(cutoff, 86_400) + timedelta(days=1)  # whole days after the cutoff
    assert await queries.stats(since=since, until=now, granularity="hour") == await queries.stats(
        since=since, until=now, granularity="hour", rollup=False
    )
