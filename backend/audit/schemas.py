from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from backend.api import IsoText, QueryModel, ResponseModel
from backend.pagination import CappedPage, Page, PageParams

STATUS_FILTER = re.compile(r"^[1-5]([0-9]{2}|xx)$")


def _status(value: str) -> str:
    if not STATUS_FILTER.fullmatch(value.lower()):
        raise ValueError("a status (404) or a class (4xx)")
    return value.lower()


StatusFilter = Annotated[str, Field(pattern=r"^[1-5](?:[0-9]{2}|[xX]{2})$"), AfterValidator(_status)]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[
    datetime, IsoText, AfterValidator(_utc), Field(description="ISO 8601; UTC when no offset is given")
]


class AccessLogFilters(QueryModel):
    username: Annotated[str | None, Field(max_length=64)] = None
    user_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None
    method: Annotated[str | None, Field(max_length=16, pattern=r"^[A-Za-z]+$")] = None
    status: Annotated[StatusFilter | None, Field(description="404, or a class such as 4xx")] = None
    path: Annotated[str | None, Field(max_length=2048, description="path prefix")] = None
    ip: Annotated[str | None, Field(max_length=64)] = None
    since: UtcDatetime | None = None
    until: UtcDatetime | None = None


class AccessLogQuery(PageParams, AccessLogFilters):
    pass


class AccessLogRead(ResponseModel):
    id: int
    timestamp: datetime
    request_id: str
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    username: str | None
    user_id: int | None
    api_key_id: uuid.UUID | None = Field(description="the API key the request was made with, if any")
    api_key_name: str | None
    ip: str
    user_agent: str
    event: dict[str, Any] | None


class AccessLogPage(CappedPage[AccessLogRead]):
    pass


class StatsQuery(QueryModel):
    since: UtcDatetime | None = None
    until: UtcDatetime | None = None
    bucket: Literal["minute", "hour", "day"] = "hour"


class Bucket(ResponseModel):
    start: datetime
    counts: dict[str, int] = Field(description="requests by status class: 2xx, 3xx, 4xx, 5xx")


class Ranked(ResponseModel):
    name: str
    count: int


class Latency(ResponseModel):
    p50: float | None
    p90: float | None
    p99: float | None
    max: float | None


class Stats(ResponseModel):
    since: datetime
    until: datetime
    bucket: Literal["minute", "hour", "day"]
    total: int
    series: list[Bucket]
    top_users: list[Ranked]
    top_paths: list[Ranked]
    latency_ms: Latency


TargetType = Literal["user", "role", "lockout"]


class AuditEventFilters(QueryModel):
    action: Annotated[
        str | None, Field(max_length=64, pattern=r"^[a-z_]+\.[a-z_]+$", description="e.g. user.update")
    ] = None
    actor: Annotated[str | None, Field(max_length=64, description="the username of who acted")] = None
    target_type: TargetType | None = None
    target_id: Annotated[
        str | None, Field(max_length=64, description="with target_type: a user's id, a role's name...")
    ] = None
    since: UtcDatetime | None = None
    until: UtcDatetime | None = None


class AuditEventQuery(PageParams, AuditEventFilters):
    pass


class AuditEvent(ResponseModel):
    id: int = Field(description="the access-log row of the request that did it")
    timestamp: datetime
    actor: str | None = Field(description="the username of who acted, as it was then")
    actor_id: int | None
    action: str
    target_type: str
    target_id: str
    target_label: str = Field(description="the target's name when it was acted on")
    details: dict[str, Any] = Field(description="what the action changed or ended, by action")
    request_id: str


class AuditEventPage(Page[AuditEvent]):
    pass
