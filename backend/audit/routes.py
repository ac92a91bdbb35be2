"""`/api/v1/access-log` and `/api/v1/audit-events` (its admin actions): read-only, for role `admin`.
Only the retention job deletes rows."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import json_response, query, returns
from backend.app_types import AppRequest
from backend.audit import queries, trail
from backend.audit.schemas import (
    AccessLogFilters,
    AccessLogPage,
    AccessLogQuery,
    AccessLogRead,
    AuditEventFilters,
    AuditEventPage,
    AuditEventQuery,
    Stats,
    StatsQuery,
)
from backend.auth.decorators import require_roles
from backend.errors import ValidationFailed
from backend.pagination import page_of

bp = Blueprint("access_log", url_prefix="/access-log")
events = Blueprint("audit_events", url_prefix="/audit-events")
MAX_STATS_BUCKETS = 2000


@bp.get("/")
@require_roles("admin")
@openapi.tag("access-log")
@query(AccessLogQuery, sort=queries.ACCESS_LOG_SORT)
@returns(200, AccessLogPage)
async def list_access_log(request: AppRequest, query: AccessLogQuery) -> HTTPResponse:
    """Requests, newest first; filter by user, method, status (`404` or `4xx`), path prefix, IP, time.
    The total is counted up to `ACCESS_LOG_COUNT_LIMIT` (10,000) matches; `total_exact` says whether
    it got there. Pages past it are served while rows remain."""
    page, total = await queries.page(query, count_limit=request.app.ctx.settings.access_log_count_limit)
    items = [AccessLogRead.model_validate(row) for row in page]
    return json_response(
        AccessLogPage(
            items=items, total=total.value, total_exact=total.exact, page=query.page, per_page=query.per_page
        )
    )


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
    await stream(response, queries.export_csv(query))


async def stream(response: HTTPResponse, chunks: AsyncIterator[str]) -> None:
    async for chunk in chunks:
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


@events.get("/")
@require_roles("admin")
@openapi.tag("audit-events")
@query(AuditEventQuery, sort=trail.EVENT_SORT)
@returns(200, AuditEventPage)
async def list_audit_events(request: AppRequest, query: AuditEventQuery) -> HTTPResponse:
    """Admin actions, newest first: who did what to which user, role or lockout, and when.
    `target_type` and `target_id` together give one target's history."""
    trail.check(query)
    items, total = await trail.page(query)
    return json_response(page_of(AuditEventPage, items, total, query))


@events.get("/export")
@require_roles("admin")
@openapi.tag("audit-events")
@openapi.response(200, {"text/csv": {"schema": {"type": "string"}}}, "CSV, oldest first, every match")
@query(AuditEventFilters)
async def export_audit_events(request: AppRequest, query: AuditEventFilters) -> None:
    """The matching events as CSV, streamed; `details` is a JSON object."""
    trail.check(query)
    response: HTTPResponse = await request.respond(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-events.csv"'},
    )
    await stream(response, trail.export_csv(query))


blueprints = [bp, events]
