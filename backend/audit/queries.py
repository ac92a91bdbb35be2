"""Reading the access log: filtered pages, a streamed export, and the dashboard's statistics."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from tortoise import connections
from tortoise.expressions import RawSQL
from tortoise.functions import Count, Max, Min
from tortoise.queryset import QuerySet

from backend.audit.models import AccessLog
from backend.audit.schemas import AccessLogFilters, AccessLogQuery, Bucket, Latency, Ranked, Stats
from backend.pagination import paginate

EXPORT_COLUMNS = (
    "id", "timestamp", "request_id", "method", "path", "query", "status", "duration_ms",
    "username", "user_id", "ip", "user_agent", "event", "api_key_id", "api_key_name",
)  # fmt: skip
EXPORT_BATCH = 1000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Granularity = Literal["minute", "hour", "day"]
BUCKET_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
ACCESS_LOG_SORT = {"timestamp": "timestamp", "duration_ms": "duration_ms", "status": "status"}
PATH_LENGTH = AccessLog._meta.fields_map["path"].max_length  # type: ignore[attr-defined]


def _dialect() -> str:
    return str(connections.get("default").capabilities.dialect)


def filtered(filters: AccessLogFilters, *, path_index: bool = True) -> QuerySet[AccessLog]:
    """The rows `filters` select. `path_index=False` keeps SQLite off the path index (see `page`)."""
    rows = AccessLog.all()
    if filters.username:
        rows = rows.filter(username=filters.username.casefold())
    if filters.user_id is not None:
        rows = rows.filter(user_id=filters.user_id)
    if filters.method:
        rows = rows.filter(method=filters.method.upper())
    if filters.status:
        if filters.status.endswith("xx"):
            low = int(filters.status[0]) * 100
            # Equalities, not a range: each status's (status, timestamp) index range is already in
            # time order, so the newest rows of the class are found without sorting the whole class.
            rows = rows.filter(status__in=list(range(low, low + 100)))
        else:
            rows = rows.filter(status=int(filters.status))
    if filters.path:
        rows = _path_prefix(rows, filters.path, use_index=path_index)
    if filters.ip:
        rows = rows.filter(ip=filters.ip)
    if filters.since:
        rows = rows.filter(timestamp__gte=filters.since)
    if filters.until:
        rows = rows.filter(timestamp__lt=filters.until)
    return rows


def _path_prefix(rows: QuerySet[AccessLog], prefix: str, *, use_index: bool) -> QuerySet[AccessLog]:
    """Paths starting with `prefix`, case-sensitively on both databases."""
    if _dialect() != "sqlite":
        return rows.filter(path__startswith=prefix)
    # SQLite's LIKE ignores case and cannot use the index; a range on the binary collation is the
    # exact prefix and can. `+path` is SQLite's way to say "not through the path index".
    column = "path" if use_index else "path_unindexed"
    if not use_index:
        rows = rows.annotate(path_unindexed=RawSQL('+"path"'))
    if len(prefix) >= PATH_LENGTH:  # only the path itself; the upper bound would not fit the column
        return rows.filter(**{column: prefix})
    return rows.filter(**{f"{column}__gte": prefix, f"{column}__lt": prefix + "\U0010ffff"})


async def page(query: AccessLogQuery) -> tuple[list[AccessLog], int]:
    """A page of the log and its total.

    A path prefix that matches much of the log is fastest found by walking the index of the sort
    order (time, by default) until a page of matches turns up; a rare one through the path index,
    sorting its few rows. PostgreSQL's planner weighs this with its statistics; SQLite's does not,
    so it is told.
    """
    rows = filtered(query)
    total = await rows.count()
    if query.path and _dialect() == "sqlite" and await _dense(query, total):
        rows = filtered(query, path_index=False)
    return await paginate(
        rows, query, allowed_sort=ACCESS_LOG_SORT, default_sort=["-timestamp", "-id"], total=total
    )


async def _dense(query: AccessLogQuery, matches: int) -> bool:
    """Whether walking the sort order's index reaches this page sooner than sorting every match: the walk
    reads about (rows per match) x (rows up to the page's end); the sort reads every match."""
    first, last = await _id_bound(Min), await _id_bound(Max)
    if first is None or last is None:
        return False
    page_end = query.page * query.per_page
    return matches * matches >= page_end * (last - first + 1)


async def _id_bound(aggregate: type[Min | Max]) -> int | None:
    """One query per bound: SQLite answers a lone MIN or MAX from the index, both at once by a scan."""
    rows = await AccessLog.annotate(bound=aggregate("id")).values("bound")
    return None if not rows or rows[0]["bound"] is None else int(rows[0]["bound"])


def csv_cell(value: Any) -> str:
    """One physical line per row, whatever a client sent: control characters (CR, LF, ANSI
    escapes) are written as visible escapes, and a leading formula character is defused."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    text = json.dumps(value, separators=(",", ":")) if isinstance(value, dict) else str(value)
    text = CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_lines(rows: Iterable[dict[str, Any]], columns: Sequence[str] = EXPORT_COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_cell(row[column]) for column in columns] for row in rows)
    return buffer.getvalue()


def csv_header(columns: Sequence[str]) -> str:
    return csv_lines([dict(zip(columns, columns, strict=True))], columns)


async def batches(rows: QuerySet[AccessLog], columns: Sequence[str]) -> AsyncIterator[list[dict[str, Any]]]:
    """The `columns` of `rows` oldest first, a batch at a time (constant memory)."""
    last_id = 0
    while True:
        batch = (
            await rows.filter(id__gt=last_id)
            .order_by("id")
            .limit(EXPORT_BATCH)
            .values(*dict.fromkeys(("id", *columns)))
        )
        if not batch:
            return
        yield batch
        last_id = batch[-1]["id"]


async def export_csv(filters: AccessLogFilters) -> AsyncIterator[str]:
    """The header, then the matching rows oldest first."""
    yield csv_header(EXPORT_COLUMNS)
    async for batch in batches(filtered(filters), EXPORT_COLUMNS):
        yield csv_lines(batch)


def _bucket_sql(dialect: str, granularity: Granularity) -> str:
    if dialect == "postgres":
        return f"date_trunc('{granularity}', \"timestamp\" AT TIME ZONE 'UTC')"
    formats = {"minute": "%Y-%m-%d %H:%M:00", "hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d 00:00:00"}
    return f"strftime('{formats[granularity]}', \"timestamp\")"


def bucket_starts(since: datetime, until: datetime, granularity: Granularity) -> list[datetime]:
    """Every bucket of the range, so that a chart's time axis has no gaps."""
    step = timedelta(seconds=BUCKET_SECONDS[granularity])
    start = since.astimezone(UTC)
    start = start.replace(second=0, microsecond=0)
    if granularity != "minute":
        start = start.replace(minute=0)
    if granularity == "day":
        start = start.replace(hour=0)
    starts = []
    while start < until:
        starts.append(start)
        start += step
    return starts


def _placeholders(dialect: str, count: int) -> list[str]:
    return [f"${n}" for n in range(1, count + 1)] if dialect == "postgres" else ["?"] * count


async def stats(*, since: datetime, until: datetime, granularity: Granularity, top: int = 10) -> Stats:
    connection = connections.get("default")
    dialect = _dialect()
    start, end = _placeholders(dialect, 2)
    # Only constants are interpolated (the bucket expression and placeholders); values are parameters.
    sql = (
        f"SELECT {_bucket_sql(dialect, granularity)} AS bucket, status / 100 AS class, COUNT(*) AS n "  # noqa: S608
        f'FROM access_log WHERE "timestamp" >= {start} AND "timestamp" < {end} GROUP BY bucket, class'
    )
    rows = await connection.execute_query_dict(sql, [since, until])
    series = {moment: dict.fromkeys(STATUS_CLASSES, 0) for moment in bucket_starts(since, until, granularity)}
    for row in rows:
        bucket = row["bucket"]
        moment = datetime.fromisoformat(bucket) if isinstance(bucket, str) else bucket
        counts = series.setdefault(moment.replace(tzinfo=UTC), dict.fromkeys(STATUS_CLASSES, 0))
        counts[f"{int(row['class'])}xx"] = int(row["n"])
    in_range = AccessLog.filter(timestamp__gte=since, timestamp__lt=until)
    total = await in_range.count()
    return Stats(
        since=since,
        until=until,
        bucket=granularity,
        total=total,
        series=[Bucket(start=moment, counts=counts) for moment, counts in sorted(series.items())],
        top_users=await _top(in_range.filter(username__not_isnull=True), "username", top),
        top_paths=await _top(in_range, "path", top),
        latency_ms=await _latency(since, until, total),
    )


async def _top(rows: QuerySet[AccessLog], column: str, limit: int) -> list[Ranked]:
    counted = rows.annotate(n=Count("id")).group_by(column).order_by("-n", column).limit(limit)
    ranked = await counted.values(column, "n")
    return [Ranked(name=str(row[column]), count=int(row["n"])) for row in ranked]


# Upper bounds (ms) of the latency histogram: percentiles are read off it in one pass over the
# range, within a bucket's width, instead of sorting every row once per percentile.
LATENCY_BOUNDS = (
    0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
    1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 30_000, 60_000,
)  # fmt: skip


async def _latency(since: datetime, until: datetime, total: int) -> Latency:
    if total == 0:
        return Latency(p50=None, p90=None, p99=None, max=None)
    connection = connections.get("default")
    start, end = _placeholders(_dialect(), 2)
    cases = " ".join(f"WHEN duration_ms <= {bound} THEN {n}" for n, bound in enumerate(LATENCY_BOUNDS))
    overflow = len(LATENCY_BOUNDS)
    sql = (
        f"SELECT CASE {cases} ELSE {overflow} END AS bucket, COUNT(*) AS n, MAX(duration_ms) AS top "  # noqa: S608
        f'FROM access_log WHERE "timestamp" >= {start} AND "timestamp" < {end} GROUP BY bucket'
    )
    rows = sorted(
        await connection.execute_query_dict(sql, [since, until]), key=lambda row: int(row["bucket"])
    )
    slowest = max(float(row["top"]) for row in rows)
    return Latency(
        p50=percentile(rows, 0.50, total, slowest),
        p90=percentile(rows, 0.90, total, slowest),
        p99=percentile(rows, 0.99, total, slowest),
        max=slowest,
    )


def percentile(histogram: list[dict[str, Any]], fraction: float, total: int, slowest: float) -> float:
    """The smallest bucket bound below which `fraction` of the requests fall (capped at the maximum)."""
    wanted, seen = fraction * total, 0
    for row in histogram:
        seen += int(row["n"])
        if seen >= wanted:
            bucket = int(row["bucket"])
            bound = LATENCY_BOUNDS[bucket] if bucket < len(LATENCY_BOUNDS) else slowest
            return min(float(bound), slowest)
    return slowest


def default_window(
    since: datetime | None, until: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    end = until or now
    return since or end - timedelta(hours=24), end
