"""Reading the access log: filtered pages, a streamed export, and the dashboard's statistics."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from tortoise import connections
from tortoise.expressions import RawSQL
from tortoise.functions import Count, Max, Min
from tortoise.queryset import QuerySet

from backend.audit.models import AccessLog
from backend.audit.rollup import LATENCY_BOUNDS, latency_bucket_sql, roll_up_pending
from backend.audit.schemas import AccessLogFilters, AccessLogQuery, Bucket, Latency, Ranked, Stats
from backend.pagination import Total, count_up_to, paginate
from backend.transactions import atomic

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
            if _dialect() == "postgres":
                # PostgreSQL walks the time index either way (it does not merge the 100 ranges), and
                # plans a range over the monthly partitions faster than 100 equalities (at 10M rows in
                # 18 partitions: a page and its count 8.5 + 8.3 ms as equalities, 4.3 + 3.8 ms as one
                # range).
                rows = rows.filter(status__gte=low, status__lt=low + 100)
            else:
                # Equalities, not a range: SQLite reads each status's (status, timestamp) index range
                # in time order, finding the class's newest rows without sorting the whole class.
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


async def page(query: AccessLogQuery, *, count_limit: int) -> tuple[list[AccessLog], Total]:
    """A page of the log and its total, counted up to `count_limit` matches.

    A path prefix that matches much of the log is fastest found by walking the index of the sort
    order (time, by default) until a page of matches turns up; a rare one through the path index,
    sorting its few rows. PostgreSQL's planner weighs this with its statistics; SQLite's does not,
    so it is told.
    """
    rows = filtered(query)
    total = await count_up_to(rows, count_limit)
    if query.path and _dialect() == "sqlite" and await _dense(query, total, rows):
        rows = filtered(query, path_index=False)
    items, _ = await paginate(
        rows,
        query,
        allowed_sort=ACCESS_LOG_SORT,
        default_sort=["-timestamp", "-id"],
        total=total.value,
        exact=total.exact,
    )
    return items, total.after(query, len(items))


async def _dense(query: AccessLogQuery, total: Total, rows: QuerySet[AccessLog]) -> bool:
    """Whether walking the sort order's index reaches this page sooner than sorting every match: the walk
    reads about (rows per match) x (rows up to the page's end); the sort reads every match. A total
    counted only up to a ceiling is a lower bound: enough to say "walk", and counted in full only
    when the bound is not enough (deep pages)."""
    first, last = await _id_bound(Min), await _id_bound(Max)
    if first is None or last is None:
        return False
    page_end = query.page * query.per_page
    dense = page_end * (last - first + 1)  # the matches' square from which the walk wins
    matches = total.value if total.exact or total.value * total.value >= dense else await rows.count()
    return matches * matches >= dense


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


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def floor_to(moment: datetime, seconds: int) -> datetime:
    """The start of the `seconds`-long bucket (counted from the epoch, in UTC) holding `moment`."""
    delta = moment - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return moment - timedelta(microseconds=micros % (seconds * 1_000_000))


def _ceil_to(moment: datetime, seconds: int) -> datetime:
    start = floor_to(moment, seconds)
    return start if start == moment else start + timedelta(seconds=seconds)


def bucket_starts(since: datetime, until: datetime, granularity: Granularity) -> list[datetime]:
    """Every bucket of the range, so that a chart's time axis has no gaps."""
    step = timedelta(seconds=BUCKET_SECONDS[granularity])
    start = floor_to(since.astimezone(UTC), BUCKET_SECONDS[granularity])
    starts = []
    while start < until:
        starts.append(start)
        start += step
    return starts


def _placeholders(dialect: str, count: int) -> list[str]:
    return [f"${n}" for n in range(1, count + 1)] if dialect == "postgres" else ["?"] * count


# The statistics come from the rollup (AccessLogRollup: counts per minute, hour and day, see
# backend/audit/rollup.py), so that a month costs about the same whatever the log holds. A range is
# cut into the largest whole buckets it contains, and the rows themselves only for what is left at
# either end (less than an hour's rows each), so the answer is exactly what counting the rows gives.
GRAIN_SECONDS = {"d": 86_400, "h": 3_600, "m": 60}
SERIES_GRAINS: dict[Granularity, tuple[str, ...]] = {
    "day": ("d", "h", "m"),
    "hour": ("h", "m"),
    "minute": ("m",),
}
TOTAL_GRAINS = ("d", "h")  # users, paths and latency: minutes hold only the status classes
IN_LIST = 500  # keys per `IN (...)`: under SQLite's limit of bound parameters

Segment = tuple[str | None, datetime, datetime]
"""(grain, start, end): rollup buckets of that grain in [start, end), or the rows themselves (None)."""


def segments(since: datetime, until: datetime, grains: Sequence[str]) -> list[Segment]:
    """[since, until) as whole buckets of the coarsest grain possible, finer grains at the ends."""
    if since >= until:
        return []
    if not grains:
        return [(None, since, until)]
    step = GRAIN_SECONDS[grains[0]]
    start, end = _ceil_to(since, step), floor_to(until, step)
    if start >= end:
        return segments(since, until, grains[1:])
    return [*segments(since, start, grains[1:]), (grains[0], start, end), *segments(end, until, grains[1:])]


def _rollup(dimension: str, parts: Sequence[Segment]) -> tuple[str, list[Any]]:
    """A subquery of the rollup's rows of `dimension` in `parts`: one range scan of its unique
    index each, put together with UNION ALL (an OR of them would read the whole rollup)."""
    dialect = _dialect()
    selects: list[str] = []
    params: list[Any] = []
    for grain, start, end in parts:
        grain_mark, dimension_mark, start_mark, end_mark = _placeholders(dialect, len(params) + 4)[-4:]
        selects.append(
            "SELECT bucket, key, n, max_ms FROM access_log_rollup "  # noqa: S608
            f"WHERE grain = {grain_mark} AND dimension = {dimension_mark} "
            f"AND bucket >= {start_mark} AND bucket < {end_mark}"
        )
        params += [grain, dimension, start, end]
    return f"({' UNION ALL '.join(selects)}) AS rollup", params


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def stats(
    *, since: datetime, until: datetime, granularity: Granularity, top: int = 10, rollup: bool = True
) -> Stats:
    """The dashboard's figures for [since, until). `rollup=False` counts the rows themselves
    (the same answer, at a cost that grows with the log: for tests and comparisons)."""
    series_grains = SERIES_GRAINS[granularity] if rollup else ()
    total_grains = TOTAL_GRAINS if rollup else ()
    series = {moment: dict.fromkeys(STATUS_CLASSES, 0) for moment in bucket_starts(since, until, granularity)}
    if rollup:
        await roll_up_pending()
    async with _custom_plans():
        for moment, status_class, count in await _series(segments(since, until, series_grains), granularity):
            counts = series.setdefault(moment, dict.fromkeys(STATUS_CLASSES, 0))
            counts[status_class] += count
        parts = segments(since, until, total_grains)
        total = sum(sum(counts.values()) for counts in series.values())
        return Stats(
            since=since,
            until=until,
            bucket=granularity,
            total=total,
            series=[Bucket(start=moment, counts=counts) for moment, counts in sorted(series.items())],
            top_users=await _top(parts, "user", "username", top),
            top_paths=await _top(parts, "path", "path", top),
            latency_ms=await _latency(parts, total),
        )


@asynccontextmanager
async def _custom_plans() -> AsyncIterator[None]:
    """On PostgreSQL, one read-only transaction (one snapshot: totals, lists and percentiles agree)
    that plans each statement for its own values. The statistics' statements come back with other
    bounds and keys; after five runs PostgreSQL may plan one generically, and for `key IN (...)`
    that plan reads far more of the rollup: 30 days at 10M rows went from ~130 ms to ~550 ms
    (bench/results/accesslog10m.md). SQLite's transactions take the write lock: none there."""
    if _dialect() != "postgres":
        yield
        return
    async with atomic() as connection:
        await connection.execute_script(
            "SET TRANSACTION READ ONLY; SET LOCAL plan_cache_mode = force_custom_plan"
        )
        yield


async def _series(parts: Sequence[Segment], granularity: Granularity) -> list[tuple[datetime, str, int]]:
    """(bucket start, status class, requests) for the requested buckets, from rollup and rows."""
    connection = connections.get("default")
    dialect = _dialect()
    found: list[tuple[datetime, str, int]] = []
    if rollups := [part for part in parts if part[0]]:
        source, params = _rollup("class", rollups)
        sql = f"SELECT bucket, key, n FROM {source}"  # noqa: S608
        for row in await connection.execute_query_dict(sql, params):
            moment = floor_to(_moment(row["bucket"]), BUCKET_SECONDS[granularity])
            found.append((moment, f"{row['key']}xx", int(row["n"])))
    start, end = _placeholders(dialect, 2)
    # Only constants are interpolated (the bucket expression and placeholders); values are parameters.
    sql = (
        f"SELECT {_bucket_sql(dialect, granularity)} AS bucket, status / 100 AS class, COUNT(*) AS n "  # noqa: S608
        f'FROM access_log WHERE "timestamp" >= {start} AND "timestamp" < {end} GROUP BY bucket, class'
    )
    for _, since, until in (part for part in parts if not part[0]):
        for row in await connection.execute_query_dict(sql, [since, until]):
            found.append((_moment(row["bucket"]), f"{int(row['class'])}xx", int(row["n"])))
    return found


async def _top(parts: Sequence[Segment], dimension: str, column: str, limit: int) -> list[Ranked]:
    """The `limit` keys with the most requests. Exact: a key outside the rollup's top `limit` and
    absent from the rows at the ends cannot outrank them, so only those keys are looked up."""
    connection = connections.get("default")
    counts: Counter[str] = Counter()
    for _, since, until in (part for part in parts if not part[0]):
        rows = AccessLog.filter(timestamp__gte=since, timestamp__lt=until)
        if column == "username":
            rows = rows.filter(username__not_isnull=True)
        for row in await rows.annotate(n=Count("id")).group_by(column).values(column, "n"):
            counts[str(row[column])] += int(row["n"])
    if rollups := [part for part in parts if part[0]]:
        source, params = _rollup(dimension, rollups)
        sql = (
            f"SELECT key, SUM(n) AS n FROM {source} "  # noqa: S608
            f"GROUP BY key ORDER BY SUM(n) DESC, key LIMIT {int(limit)}"
        )
        leaders = {row["key"]: int(row["n"]) for row in await connection.execute_query_dict(sql, params)}
        others = sorted(set(counts) - set(leaders))
        for chunk in (others[n : n + IN_LIST] for n in range(0, len(others), IN_LIST)):
            keys = _placeholders(_dialect(), len(params) + len(chunk))[len(params) :]
            sql = f"SELECT key, SUM(n) AS n FROM {source} WHERE key IN ({', '.join(keys)}) GROUP BY key"  # noqa: S608
            for row in await connection.execute_query_dict(sql, [*params, *chunk]):
                leaders[row["key"]] = int(row["n"])
        counts.update(leaders)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Ranked(name=name, count=count) for name, count in ranked]


async def _latency(parts: Sequence[Segment], total: int) -> Latency:
    if total == 0:
        return Latency(p50=None, p90=None, p99=None, max=None)
    connection = connections.get("default")
    histogram: dict[int, dict[str, Any]] = {}

    def add(bucket: int, count: int, top: float) -> None:
        row = histogram.setdefault(bucket, {"bucket": bucket, "n": 0, "top": top})
        row["n"] += count
        row["top"] = max(row["top"], top)

    if rollups := [part for part in parts if part[0]]:
        source, params = _rollup("latency", rollups)
        sql = f"SELECT key, SUM(n) AS n, MAX(max_ms) AS top FROM {source} GROUP BY key"  # noqa: S608
        for row in await connection.execute_query_dict(sql, params):
            add(int(row["key"]), int(row["n"]), float(row["top"]))
    start, end = _placeholders(_dialect(), 2)
    sql = (
        f"SELECT {latency_bucket_sql('duration_ms')} AS bucket, COUNT(*) AS n, MAX(duration_ms) AS top "  # noqa: S608
        f'FROM access_log WHERE "timestamp" >= {start} AND "timestamp" < {end} GROUP BY bucket'
    )
    for _, since, until in (part for part in parts if not part[0]):
        for row in await connection.execute_query_dict(sql, [since, until]):
            add(int(row["bucket"]), int(row["n"]), float(row["top"]))
    rows = [histogram[bucket] for bucket in sorted(histogram)]
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
