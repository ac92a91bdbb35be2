"""`/api/v1/auth/me/api-keys` (the caller's own keys, with a login: never with a key) and
`/api/v1/api-keys` (every key, role `admin`)."""

from __future__ import annotations

import uuid

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import Problem, body, created, json_response, no_content, query, returns
from backend.api_keys import service
from backend.api_keys.models import ApiKey
from backend.api_keys.schemas import (
    KEY_SORT,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPage,
    ApiKeyQuery,
    ApiKeyRead,
    api_key_read,
)
from backend.app_types import AppRequest
from backend.audit.events import Target, record_event
from backend.auth.decorators import require_roles, require_user
from backend.errors import NotFound
from backend.pagination import PageParams, page_of, paginate

mine = Blueprint("my_api_keys", url_prefix="/auth/me/api-keys")
every = Blueprint("api_keys", url_prefix="/api-keys")


def owner_target(user_id: int, username: str) -> Target:
    """Key events are on their owner's history (the audit trail's user target)."""
    return Target("user", str(user_id), username, {"target_user_id": user_id, "target_username": username})


def key_details(row: ApiKey) -> dict[str, object]:
    return {"api_key_id": str(row.id), "api_key_name": row.name, "prefix": row.prefix}


async def key_page(query: PageParams, *, user_id: int | None) -> ApiKeyPage:
    items, total = await paginate(
        service.keys_of(user_id), query, allowed_sort=KEY_SORT, default_sort=["-created_at", "id"]
    )
    return page_of(ApiKeyPage, [api_key_read(row) for row in items], total, query)


@mine.post("/")
@require_user
@openapi.tag("auth")
@body(ApiKeyCreate)
@returns(201, ApiKeyCreated)
@returns(422, Problem, "A role the caller does not hold, or an expiry beyond API_KEY_MAX_DAYS")
async def create_my_api_key(request: AppRequest, body: ApiKeyCreate) -> HTTPResponse:
    """Create an API key acting for the caller with some of their roles. The key is in this response
    only: it is stored hashed and cannot be shown again."""
    principal = request.ctx.principal
    made = await service.create_key(
        user_id=principal.user_id,
        name=body.name,
        roles=body.roles,
        expires_in_days=body.expires_in_days,
        max_days=request.app.ctx.settings.api_key_max_days,
        hasher=request.app.ctx.key_hasher,
        now=clock.utcnow(),
    )
    row = made.row
    record_event(
        request,
        "api_key.create",
        owner_target(principal.user_id, principal.username),
        **key_details(row),
        roles=list(row.roles),
        expires_at=row.expires_at.isoformat(),
    )
    shown = ApiKeyCreated(**api_key_read(row).model_dump(), key=made.key)
    return created(shown, location=f"/api/v1/auth/me/api-keys/{row.id}")


@mine.get("/")
@require_user
@openapi.tag("auth")
@query(PageParams, sort=KEY_SORT)
@returns(200, ApiKeyPage)
async def list_my_api_keys(request: AppRequest, query: PageParams) -> HTTPResponse:
    """The caller's keys, newest first (never the keys themselves)."""
    return json_response(await key_page(query, user_id=request.ctx.principal.user_id))


@mine.get("/<key_id:uuid>")
@require_user
@openapi.tag("auth")
@returns(200, ApiKeyRead)
@returns(404, Problem)
async def get_my_api_key(request: AppRequest, key_id: uuid.UUID) -> HTTPResponse:
    """One of the caller's keys."""
    row = await service.keys_of(request.ctx.principal.user_id).get_or_none(id=key_id)
    if row is None:
        raise NotFound("No such API key")
    return json_response(api_key_read(row))


@mine.delete("/<key_id:uuid>")
@require_user
@openapi.tag("auth")
@returns(204)
@returns(404, Problem, "No such key of the caller's")
async def revoke_my_api_key(request: AppRequest, key_id: uuid.UUID) -> HTTPResponse:
    """Revoke one of the caller's keys: it is refused from the next request on."""
    row = await service.revoke_key(key_id=key_id, user_id=request.ctx.principal.user_id)
    record_event(request, "api_key.revoke", owner_target(row.user.id, row.user.username), **key_details(row))
    return no_content()


@every.get("/")
@require_roles("admin")
@openapi.tag("api-keys")
@query(ApiKeyQuery, sort=KEY_SORT)
@returns(200, ApiKeyPage)
async def list_api_keys(request: AppRequest, query: ApiKeyQuery) -> HTTPResponse:
    """Every user's keys, newest first; `user_id` gives one user's."""
    return json_response(await key_page(query, user_id=query.user_id))


@every.delete("/<key_id:uuid>")
@require_roles("admin")
@openapi.tag("api-keys")
@returns(204)
@returns(404, Problem)
async def revoke_api_key(request: AppRequest, key_id: uuid.UUID) -> HTTPResponse:
    """Revoke anyone's key: it is refused from the next request on."""
    row = await service.revoke_key(key_id=key_id)
    record_event(request, "api_key.revoke", owner_target(row.user.id, row.user.username), **key_details(row))
    return no_content()


blueprints = [mine, every]
