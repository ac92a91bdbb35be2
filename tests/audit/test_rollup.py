"""The statistics come from the rollup the trigger keeps, and say exactly what counting the rows says."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from backend.audit import queries
from backend.audit.models import AccessLog, AccessLogRollup
from backend.clock import utcnow
from backend.jobs.purge import purge_access_log

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
    assert await AccessLogRollup.all().count() > 0
    from_rollup = await queries.stats(since=since, until=until, granularity=bucket, top=5)
    from_rows = await queries.stats(since=since, until=until, granularity=bucket, top=5, rollup=False)
    assert from_rollup == from_rows
    assert from_rollup.total > 0


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


async def test_every_insert_is_counted_in_the_rollup_in_its_transaction() -> None:
    moment = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    await AccessLog.create(
        timestamp=moment, request_id="a", method="GET", path="/x", status=404, duration_ms=4.0, username="ann"
    )
    await AccessLog.create(
        timestamp=moment, request_id="b", method="GET", path="/x", status=200, duration_ms=0.2
    )
    counted = {
        (row.grain, row.dimension, row.key): (row.bucket, row.n, row.max_ms)
        for row in await AccessLogRollup.all()
    }
    hour, day = moment.replace(minute=0, second=0), moment.replace(hour=0, minute=0, second=0)
    assert counted[("m", "class", "4")] == (moment.replace(second=0), 1, 4.0)
    assert counted[("h", "path", "/x")] == (hour, 2, 4.0)
    assert counted[("d", "user", "ann")] == (day, 1, 4.0)
    assert counted[("h", "latency", "0")] == (hour, 1, 0.2)  # up to 0.25 ms
    assert ("m", "path", "/x") not in counted  # minutes count status classes only
    assert len(counted) == 14


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
