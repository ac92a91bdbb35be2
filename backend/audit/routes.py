"""`/api/v1/access-log`: read-only, for role `admin`. Only the retention job deletes rows."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import json_response, query, returns
from backend.app_types import AppRequest
from backend.audit import queries
from backend.audit.schemas import (
    AccessLogFilters,
    AccessLogPage,
    AccessLogQuery,
    AccessLogRead,
    Stats,
    StatsQuery,
)
from backend.auth.decorators import require_roles
from backend.errors import ValidationFailed
from backend.pagination import page_of

bp = Blueprint("access_log", url_prefix="/access-log")
MAX_STATS_BUCKETS = 2000


@bp.get("/")
@require_roles("admin")
@openapi.tag("access-log")
@query(AccessLogQuery, sort=queries.ACCESS_LOG_SORT)
@returns(200, AccessLogPage)
async def list_access_log(request: AppRequest, query: AccessLogQuery) -> HTTPResponse:
    """Requests, newest first; filter by user, method, status (`404` or `4xx`), path prefix, IP, time."""
    page, total = await queries.page(query)
    items = [AccessLogRead.model_validate(row) for row in page]
    return json_response(page_of(AccessLogPage, items, total, query))


@bp.get("/export")
@require_roles("admin")
@openapi.tag("access-log")
@openapi.response(200, {"text/csv": {"schema": {"type": "string"}}}, "CSV, oldest first, every matching row")
@query(AccessLogFilters)
async def export_access_log(request: AppRequest, query: AccessLogFilters) -> None:
    """The matching rows as CSV, streamed: any number of rows in constant memory."""
    response: HTTPResponse = await request.respond(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="access-log.csv"'},
    )
    async for chunk in queries.export_csv(query):
        await response.send(chunk)
    await response.eof()  # type: ignore[no-untyped-call]


@bp.get("/stats")
@require_roles("admin")
@openapi.tag("access-log")
@query(StatsQuery)
@returns(200, Stats)
async def access_log_stats(request: AppRequest, query: StatsQuery) -> HTTPResponse:
    """Requests over time by status class, top users and paths, latency percentiles."""
    since, until = queries.default_window(query.since, query.until, clock.utcnow())
    if since >= until:
        raise ValidationFailed(
            "`since` must be before `until`",
            errors=[{"loc": ["query", "since"], "msg": "Must be before until", "type": "range"}],
        )
    if (until - since).total_seconds() / queries.BUCKET_SECONDS[query.bucket] > MAX_STATS_BUCKETS:
        raise ValidationFailed(
            f"At most {MAX_STATS_BUCKETS} buckets: choose a larger bucket or a shorter range",
            errors=[{"loc": ["query", "bucket"], "msg": "Too many buckets for this range", "type": "range"}],
        )
    return json_response(await queries.stats(since=since, until=until, granularity=query.bucket))


blueprints = [bp]
