"""Logins as admins and their owners see them: `/api/v1/users/{id}/tokens`, `/api/v1/tokens/{id}`
(role `admin`), and the page of logins that `/api/v1/auth/me/tokens` shows too."""

from __future__ import annotations

import uuid

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import Problem, body, json_response, no_content, query, returns
from backend.app_types import AppRequest
from backend.audit.events import record_event, user_target
from backend.auth import service
from backend.auth.decorators import require_roles
from backend.auth.models import Token
from backend.auth.schemas import TOKEN_SORT, TokenPage, TokenRead, TokenUpdate, token_read
from backend.errors import NotFound
from backend.pagination import PageParams, page_of, paginate
from backend.users import service as users_service

user_logins = Blueprint("user_logins", url_prefix="/users/<user_id:id>/tokens")
logins = Blueprint("logins", url_prefix="/tokens")


async def token_page(user_id: int, params: PageParams, *, current: uuid.UUID | None = None) -> TokenPage:
    now = clock.utcnow()
    items, total = await paginate(
        service.logins_of(user_id), params, allowed_sort=TOKEN_SORT, default_sort=["-created_at"]
    )
    return page_of(TokenPage, [token_read(t, now=now, current=current) for t in items], total, params)


@user_logins.get("/")
@require_roles("admin")
@openapi.tag("users")
@query(PageParams, sort=TOKEN_SORT)
@returns(200, TokenPage)
@returns(404, Problem)
async def list_user_tokens(request: AppRequest, user_id: int, query: PageParams) -> HTTPResponse:
    """The user's logins, newest first."""
    user = await users_service.get_user(user_id)
    return json_response(await token_page(user.id, query))


@user_logins.delete("/")
@require_roles("admin")
@openapi.tag("users")
@returns(204)
@returns(404, Problem)
async def revoke_user_tokens(request: AppRequest, user_id: int) -> HTTPResponse:
    """End every login of the user."""
    user = await users_service.get_user(user_id)
    ended = await service.revoke_user_logins(user_id=user.id, reason="admin")
    record_event(request, "user.tokens_revoke", user_target(user), logins_ended=ended)
    return no_content()


@logins.patch("/<token_id:uuid>")
@require_roles("admin")
@openapi.tag("users")
@body(TokenUpdate)
@returns(200, TokenRead)
@returns(404, Problem)
async def update_token(request: AppRequest, token_id: uuid.UUID, body: TokenUpdate) -> HTTPResponse:
    """Block or unblock one login: a blocked login is refused until it is unblocked."""
    token: Token | None = await service.set_login_blocked(login_id=token_id, blocked=body.blocked)
    if token is None:
        raise NotFound("No such login")
    action = "token.block" if body.blocked else "token.unblock"
    record_event(request, action, user_target(token.user), token_id=str(token.id))
    return json_response(token_read(token, now=clock.utcnow()))


blueprints = [user_logins, logins]
