"""`/api/v1/auth`: log in, refresh, log out, and the caller's own account and logins."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import Problem, body, json_response, no_content, parse_body, query, returns
from backend.api_keys.keys import is_api_key
from backend.app_types import AppRequest
from backend.auth import attempts, lockouts, logins, service
from backend.auth.decorators import api_key_not_allowed, bearer_token, client_of, require_roles, require_user
from backend.auth.models import Token
from backend.auth.schemas import (
    TOKEN_SORT,
    LoginRequest,
    LogoutRequest,
    PasswordChange,
    RefreshRequest,
    TokenPage,
    TokenResponse,
)
from backend.auth.service import Session
from backend.docs import media
from backend.errors import NotFound, Unauthorized
from backend.pagination import PageParams
from backend.users import service as users_service
from backend.users.schemas import UserRead, user_read

bp = Blueprint("auth", url_prefix="/auth")
REFRESH_COOKIE = "refresh_token"
COOKIE_PATH = "/api/v1/auth"


def session_response(request: AppRequest, session: Session, *, use_cookie: bool) -> HTTPResponse:
    tokens = request.app.ctx.tokens
    response = json_response(
        TokenResponse(
            access_token=session.access.token,
            refresh_token=None if use_cookie else session.refresh.token,
            expires_in=tokens.ttl("access"),
            refresh_expires_in=tokens.ttl("refresh"),
            password_change_required=session.password_change_required,
        )
    )
    if use_cookie:
        response.add_cookie(
            REFRESH_COOKIE,
            session.refresh.token,
            path=COOKIE_PATH,
            max_age=tokens.ttl("refresh"),
            httponly=True,
            secure=request.app.ctx.settings.cookie_secure,
            samesite="Strict",
        )
    return response


def clear_cookie(response: HTTPResponse, request: AppRequest) -> HTTPResponse:
    if REFRESH_COOKIE in request.cookies:
        response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH)
    return response


def presented_refresh_token(request: AppRequest, sent: str | None) -> tuple[str | None, bool]:
    """The refresh token from the body, the Bearer header or the cookie; and whether it was the cookie.
    An API key is refused: it has no login to refresh or end."""
    if sent:
        if is_api_key(sent):
            raise api_key_not_allowed()
        return sent, False
    if token := bearer_token(request):
        if is_api_key(token):
            raise api_key_not_allowed()
        return token, False
    cookie = request.cookies.get(REFRESH_COOKIE)
    return (cookie, True) if cookie else (None, False)


def optional_body(request: AppRequest, model: type[RefreshRequest]) -> RefreshRequest:
    return parse_body(request, model) if request.body else model()


@bp.post("/login")
@openapi.tag("auth")
@body(LoginRequest)
@returns(200, TokenResponse)
@returns(401, Problem, "Invalid username or password (the same whether or not the user exists)")
@returns(429, Problem, "Too many failed attempts; see Retry-After")
async def login(request: AppRequest, body: LoginRequest) -> HTTPResponse:
    """Log in with a username and password."""
    session = await attempts.login_recorded(request, username=body.username, password=body.password)
    return session_response(request, session, use_cookie=body.use_cookie)


@bp.post("/refresh")
@openapi.tag("auth")
@openapi.body(media("application/json", RefreshRequest))
@returns(200, TokenResponse)
@returns(401, Problem)
async def refresh(request: AppRequest) -> HTTPResponse:
    """Trade a refresh token (body, Bearer or cookie) for a new access token and a new refresh token."""
    sent = optional_body(request, RefreshRequest)
    token, from_cookie = presented_refresh_token(request, sent.refresh_token)
    if token is None:
        raise Unauthorized("A refresh token is required")
    session = await service.refresh(
        refresh_token=token,
        tokens=request.app.ctx.tokens,
        client=client_of(request),
        now=clock.utcnow(),
        reuse_grace=timedelta(seconds=request.app.ctx.settings.refresh_reuse_grace_seconds),
    )
    return session_response(request, session, use_cookie=from_cookie)


@bp.post("/logout")
@openapi.tag("auth")
@openapi.body(media("application/json", LogoutRequest))
@returns(204)
@returns(401, Problem)
async def logout(request: AppRequest) -> HTTPResponse:
    """End the login that the token (Bearer access or refresh, body or cookie) belongs to."""
    sent = optional_body(request, LogoutRequest)
    token, _ = presented_refresh_token(request, sent.refresh_token)
    if token is None:
        raise Unauthorized("A token is required")
    claims = await service.login_of_token(token, tokens=request.app.ctx.tokens)
    await service.revoke_login(login_id=claims.login_id, user_id=claims.user_id, reason="logout")
    return clear_cookie(no_content(), request)


@bp.post("/logout-all")
@require_user
@openapi.tag("auth")
@returns(204)
async def logout_all(request: AppRequest) -> HTTPResponse:
    """End every login of the caller, this one included."""
    principal = request.ctx.principal
    await service.revoke_user_logins(user_id=principal.user_id, reason="logout")
    return clear_cookie(no_content(), request)


@bp.get("/me")
@require_roles(during_password_change=True)
@openapi.tag("auth")
@returns(200, UserRead)
async def me(request: AppRequest) -> HTTPResponse:
    """The caller's user."""
    user = await users_service.get_user(request.ctx.principal.user_id)
    return json_response(user_read(user, (await users_service.roles_by_user([user.id]))[user.id]))


@bp.put("/me/password")
@require_roles(during_password_change=True)
@openapi.tag("auth")
@body(PasswordChange)
@returns(204)
@returns(422, Problem, "Policy not met, or `code: current_password_invalid`")
async def change_password(request: AppRequest, body: PasswordChange) -> HTTPResponse:
    """Change the caller's password; their other logins end."""
    settings = request.app.ctx.settings
    await service.change_password(
        principal=request.ctx.principal,
        current_password=body.current_password,
        new_password=body.new_password,
        client=client_of(request),
        hasher=request.app.ctx.hasher,
        policy=request.app.ctx.throttle,
        min_length=settings.password_min_length,
        now=clock.utcnow(),
    )
    return no_content()


@bp.get("/me/tokens")
@require_user
@openapi.tag("auth")
@query(PageParams, sort=TOKEN_SORT)
@returns(200, TokenPage)
async def my_tokens(request: AppRequest, query: PageParams) -> HTTPResponse:
    """The caller's logins, newest first."""
    principal = request.ctx.principal
    return json_response(await logins.token_page(principal.user_id, query, current=principal.login_id))


@bp.delete("/me/tokens/<token_id:uuid>")
@require_user
@openapi.tag("auth")
@returns(204)
@returns(404, Problem)
async def revoke_my_token(request: AppRequest, token_id: uuid.UUID) -> HTTPResponse:
    """End one of the caller's own logins."""
    principal = request.ctx.principal
    if not await Token.exists(id=token_id, user_id=principal.user_id):
        raise NotFound("No such login")
    await service.revoke_login(login_id=token_id, user_id=principal.user_id, reason="logout")
    return no_content()


blueprints = [bp, lockouts.bp, *logins.blueprints]
