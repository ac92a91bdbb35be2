"""Reading the audit trail: the admin actions of the access log, as events (who did what to whom)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from tortoise.queryset import QuerySet

from backend.audit.models import AccessLog
from backend.audit.queries import batches, csv_header, csv_lines
from backend.audit.schemas import AuditEvent, AuditEventFilters, AuditEventQuery
from backend.errors import ValidationFailed
from backend.pagination import paginate

EVENT_SORT = {"timestamp": "timestamp"}
ROW_COLUMNS = (
    "timestamp", "username", "user_id", "action", "target_type", "target_id", "target_label", "event",
    "request_id",
)  # fmt: skip
EXPORT_COLUMNS = tuple(AuditEvent.model_fields)


def check(filters: AuditEventFilters) -> None:
    """Filters that cannot select anything sensible are refused rather than answered empty
    (before a response starts: the export streams)."""
    if filters.target_id is not None and filters.target_type is None:
        raise ValidationFailed(
            "`target_id` needs `target_type`",
            errors=[{"loc": ["query", "target_type"], "msg": "Required with target_id", "type": "missing"}],
        )
    if filters.since and filters.until and filters.since >= filters.until:
        raise ValidationFailed(
            "`since` must be before `until`",
            errors=[{"loc": ["query", "since"], "msg": "Must be before until", "type": "range"}],
        )


def filtered(filters: AuditEventFilters) -> QuerySet[AccessLog]:
    rows = AccessLog.filter(action__not_isnull=True)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.actor:
        rows = rows.filter(username=filters.actor.casefold())
    if filters.target_type:
        rows = rows.filter(target_type=filters.target_type)
    if filters.target_id is not None:
        rows = rows.filter(target_id=filters.target_id)
    if filters.since:
        rows = rows.filter(timestamp__gte=filters.since)
    if filters.until:
        rows = rows.filter(timestamp__lt=filters.until)
    return rows


def audit_event(row: dict[str, Any]) -> AuditEvent:
    """An access-log row's admin action. Its details are the event's keys but the action and the
    keys naming the target (`target_user_id`, ...), which the target's own fields say."""
    event = {key: value for key, value in (row["event"] or {}).items() if key != "action"}
    return AuditEvent(
        id=row["id"],
        timestamp=row["timestamp"],
        actor=row["username"],
        actor_id=row["user_id"],
        action=row["action"],
        target_type=row["target_type"],
        target_id=row["target_id"],
        target_label=row["target_label"] or "",
        details={key: value for key, value in event.items() if not key.startswith("target_")},
        request_id=row["request_id"],
    )


async def page(query: AuditEventQuery) -> tuple[list[AuditEvent], int]:
    """A page of events, newest first, and their total."""
    rows, total = await paginate(
        filtered(query), query, allowed_sort=EVENT_SORT, default_sort=["-timestamp", "-id"]
    )
    columns = ("id", *ROW_COLUMNS)
    return [audit_event({column: getattr(row, column) for column in columns}) for row in rows], total


async def export_csv(filters: AuditEventFilters) -> AsyncIterator[str]:
    """The header, then the matching events oldest first, like the access log's export."""
    yield csv_header(EXPORT_COLUMNS)
    async for batch in batches(filtered(filters), ROW_COLUMNS):
        yield csv_lines([audit_event(row).model_dump() for row in batch], EXPORT_COLUMNS)
