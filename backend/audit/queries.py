"""Reading the access log: filtered pages, a streamed export, and the dashboard's statistics."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from typing import Any, Literal

from tortoise import connections
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from backend.audit.models import AccessLog
from backend.audit.schemas import AccessLogFilters, Bucket, Latency, Ranked, Stats

EXPORT_COLUMNS = (
    "id", "timestamp", "request_id", "method", "path", "query", "status", "duration_ms",
    "username", "user_id", "ip", "user_agent", "event",
)  # fmt: skip
EXPORT_BATCH = 1000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Granularity = Literal["minute", "hour", "day"]
BUCKET_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


def filtered(filters: AccessLogFilters) -> QuerySet[AccessLog]:
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
            rows = rows.filter(status__gte=low, status__lt=low + 100)
        else:
            rows = rows.filter(status=int(filters.status))
    if filters.path:
        rows = rows.filter(path__startswith=filters.path)
    if filters.ip:
        rows = rows.filter(ip=filters.ip)
    if filters.since:
        rows = rows.filter(timestamp__gte=filters.since)
    if filters.until:
        rows = rows.filter(timestamp__lt=filters.until)
    return rows


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


def csv_lines(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_cell(row[column]) for column in EXPORT_COLUMNS] for row in rows)
    return buffer.getvalue()


async def export_csv(filters: AccessLogFilters) -> AsyncIterator[str]:
    """The header, then the matching rows oldest first, a batch at a time (constant memory)."""
    yield csv_lines([dict(zip(EXPORT_COLUMNS, EXPORT_COLUMNS, strict=True))])
    last_id = 0
    while True:
        page = filtered(filters).filter(id__gt=last_id).order_by("id").limit(EXPORT_BATCH)
        batch = await page.values(*EXPORT_COLUMNS)
        if not batch:
            return
        yield csv_lines(batch)
        last_id = batch[-1]["id"]


def _bucket_sql(dialect: str, granularity: Granularity) -> str:
    if dialect == "postgres":
        return f"date_trunc('{granularity}', \"timestamp\" AT TIME ZONE 'UTC')"
    formats = {"minute": "%Y-%m-%d %H:%M:00", "hour": "%Y-%m-%d %H:00:00", "day": "%Y-%m-%d 00:00:00"}
    return f"strftime('{formats[granularity]}', \"timestamp\")"


def _placeholders(dialect: str, count: int) -> list[str]:
    return [f"${n}" for n in range(1, count + 1)] if dialect == "postgres" else ["?"] * count


async def stats(*, since: datetime, until: datetime, granularity: Granularity, top: int = 10) -> Stats:
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    start, end = _placeholders(dialect, 2)
    # Only constants are interpolated (the bucket expression and placeholders); values are parameters.
    sql = (
        f"SELECT {_bucket_sql(dialect, granularity)} AS bucket, status / 100 AS class, COUNT(*) AS n "  # noqa: S608
        f'FROM access_log WHERE "timestamp" >= {start} AND "timestamp" < {end} GROUP BY bucket, class'
    )
    rows = await connection.execute_query_dict(sql, [since, until])
    series: dict[datetime, dict[str, int]] = {}
    for row in rows:
        bucket = row["bucket"]
        moment = datetime.fromisoformat(bucket) if isinstance(bucket, str) else bucket
        counts = series.setdefault(moment.replace(tzinfo=since.tzinfo), dict.fromkeys(STATUS_CLASSES, 0))
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
        latency_ms=await _latency(in_range, total),
    )


async def _top(rows: QuerySet[AccessLog], column: str, limit: int) -> list[Ranked]:
    counted = rows.annotate(n=Count("id")).group_by(column).order_by("-n", column).limit(limit)
    ranked = await counted.values(column, "n")
    return [Ranked(name=str(row[column]), count=int(row["n"])) for row in ranked]


async def _latency(rows: QuerySet[AccessLog], total: int) -> Latency:
    if total == 0:
        return Latency(p50=None, p90=None, p99=None, max=None)

    async def at(fraction: float) -> float:
        offset = min(total - 1, int(fraction * total))
        nth = rows.order_by("duration_ms").offset(offset).limit(1)
        values = await nth.values_list("duration_ms", flat=True)
        return float(values[0])  # type: ignore[arg-type]

    return Latency(p50=await at(0.50), p90=await at(0.90), p99=await at(0.99), max=await at(1.0))


def default_window(
    since: datetime | None, until: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    end = until or now
    return since or end - timedelta(hours=24), end
