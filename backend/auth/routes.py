"""`/api/v1/auth`: log in, refresh, log out, and the caller's own account and logins."""

from __future__ import annotations

import uuid
from datetime import timedelta

from pydantic import Field
from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import Problem, body, json_response, no_content, parse_body, query, returns
from backend.api_keys.keys import is_api_key
from backend.app_types import AppRequest
from backend.auth import attempts, lockouts, logins, mfa, mfa_routes, service
from backend.auth.decorators import api_key_not_allowed, bearer_token, client_of, require_roles, require_user
from backend.auth.mfa_schemas import LoginResponse, MfaChallengeResponse, MfaLoginRequest
from backend.auth.mfa_tokens import MfaTokens
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
from backend.auth.service import SecondFactorNeeded, Session
from backend.docs import media
from backend.errors import NotFound, Unauthorized
from backend.pagination import PageParams
from backend.users import service as users_service
from backend.users.schemas import UserRead, user_read

bp = Blueprint("auth", url_prefix="/auth")
REFRESH_COOKIE = "refresh_token"
COOKIE_PATH = "/api/v1/auth"


class MeRead(UserRead):
    """The caller's user, and whether they must enroll in two-factor login before anything else."""

    mfa_enrollment_required: bool = Field(
        description="a role of yours requires two-factor login and it is not on: only enrollment is open"
    )


async def session_response(request: AppRequest, session: Session, *, use_cookie: bool) -> HTTPResponse:
    tokens = request.app.ctx.tokens
    required_roles = request.app.ctx.settings.mfa_required_roles
    roles = (await users_service.roles_by_user([session.user_id]))[session.user_id] if required_roles else []
    response = json_response(
        TokenResponse(
            access_token=session.access.token,
            refresh_token=None if use_cookie else session.refresh.token,
            expires_in=tokens.ttl("access"),
            refresh_expires_in=tokens.ttl("refresh"),
            password_change_required=session.password_change_required,
            mfa_enrollment_required=await mfa.enrollment_required(
                user_id=session.user_id, roles=roles, required_roles=required_roles
            ),
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
@returns(200, LoginResponse, "Tokens; or, for a user with two-factor on, an mfa_token for /auth/login/mfa")
@returns(401, Problem, "Invalid username or password (the same whether or not the user exists)")
@returns(429, Problem, "Too many failed attempts; see Retry-After")
async def login(request: AppRequest, body: LoginRequest) -> HTTPResponse:
    """Log in with a username and password."""
    outcome = await attempts.login_recorded(request, username=body.username, password=body.password)
    if isinstance(outcome, SecondFactorNeeded):
        challenge = MfaTokens(request.app.ctx.settings.secret_key).issue(
            user_id=outcome.user_id, now=clock.utcnow()
        )
        return json_response(MfaChallengeResponse(mfa_token=challenge.token, expires_in=challenge.expires_in))
    return await session_response(request, outcome, use_cookie=body.use_cookie)


@bp.post("/login/mfa")
@openapi.tag("auth")
@body(MfaLoginRequest)
@returns(200, TokenResponse)
@returns(401, Problem, "`mfa_token_invalid`, `mfa_token_expired`, `mfa_token_used` or `mfa_code_invalid`")
@returns(429, Problem, "Too many failed attempts; see Retry-After")
async def login_mfa(request: AppRequest, body: MfaLoginRequest) -> HTTPResponse:
    """The second step of a two-factor login: the mfa_token and a TOTP code or a recovery code."""
    settings = request.app.ctx.settings
    session = await mfa.complete_login(
        mfa_token=body.mfa_token,
        code=body.code,
        client=client_of(request),
        policy=request.app.ctx.throttle,
        tokens=request.app.ctx.tokens,
        challenges=MfaTokens(settings.secret_key),
        secret_key=settings.secret_key,
        now=clock.utcnow(),
    )
    return await session_response(request, session, use_cookie=body.use_cookie)


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
    return await session_response(request, session, use_cookie=from_cookie)


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
@require_roles(during_password_change=True, during_mfa_enrollment=True)
@openapi.tag("auth")
@returns(200, MeRead)
async def me(request: AppRequest) -> HTTPResponse:
    """The caller's user."""
    user = await users_service.get_user(request.ctx.principal.user_id)
    roles = (await users_service.roles_by_user([user.id]))[user.id]
    enabled = await mfa.is_enabled(user.id)
    required = mfa.requires_mfa(roles, request.app.ctx.settings.mfa_required_roles) and not enabled
    read = user_read(user, roles, mfa_enabled=enabled)
    return json_response(MeRead(**read.model_dump(), mfa_enrollment_required=required))


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


blueprints = [bp, lockouts.bp, *logins.blueprints, *mfa_routes.blueprints]
