from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from backend.api import RequestModel, ResponseModel
from backend.api_keys.models import ApiKey
from backend.pagination import Page, PageParams

RoleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,63}$")]
KEY_SORT = {
    "created_at": "created_at",
    "expires_at": "expires_at",
    "last_used_at": "last_used_at",
    "name": "name",
}
LONGEST_EXPIRY_DAYS = 3650  # API_KEY_MAX_DAYS may not exceed it (backend/config.py)


class ApiKeyCreate(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=64, description="what the key is for")]
    roles: Annotated[
        list[RoleName], Field(min_length=1, max_length=50, description="a subset of the caller's roles")
    ]
    expires_in_days: Annotated[
        int, Field(ge=1, le=LONGEST_EXPIRY_DAYS, description="1 to API_KEY_MAX_DAYS (90 unless configured)")
    ]


class ApiKeyRead(ResponseModel):
    """A key as its owner and admins see it: never the key itself."""

    id: uuid.UUID
    name: str
    prefix: str = Field(description="the key's public start, to recognise it")
    roles: list[str] = Field(description="the roles it grants while its owner holds them")
    user_id: int
    username: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = Field(description="to the minute")


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="the key: shown here only, never again")


class ApiKeyPage(Page[ApiKeyRead]):
    pass


class ApiKeyQuery(PageParams):
    user_id: Annotated[int | None, Field(ge=1, le=2**31 - 1, description="the owner")] = None


def api_key_read(row: ApiKey) -> ApiKeyRead:
    """`row` with its user fetched (`select_related("user")`)."""
    return ApiKeyRead(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        roles=list(row.roles),
        user_id=row.user.id,
        username=row.user.username,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
    )
