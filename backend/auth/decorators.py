"""`@require_roles(...)` and `@require_user`: placed right under the route decorator, on every handler
that needs a caller.

    @bp.get("/")
    @require_roles("admin")
    async def list_users(request: AppRequest) -> HTTPResponse: ...

The caller must hold every role named. The check costs one database round trip, which
loads the login, the user and their roles together; nothing is cached per process, so a
block or a role change made on one host is in force on the next request to any other.

A Bearer token starting `srt_` is an API key (backend/api_keys): checked the same way (one
round trip, the key with its owner and the owner's roles), it acts with its roles that the owner
still holds, and never on the `/api/v1/auth/...` self-service routes (403 `api_key_not_allowed`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from sanic import HTTPResponse

from backend import clock
from backend.api import Handler, Problem, carry_operation
from backend.api_keys import keys
from backend.api_keys import service as api_keys
from backend.app_types import AppRequest
from backend.auth import mfa, service
from backend.auth.service import Client, Principal
from backend.docs import media, operations
from backend.errors import PROBLEM_JSON, Forbidden, Unauthorized
from backend.proxy import client_ip, header_text


def bearer_token(request: AppRequest) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_of(request: AppRequest) -> Client:
    return Client(
        ip=client_ip(request, request.app.ctx.settings.trusted_proxies),
        user_agent=header_text(request, "user-agent"),
    )


def missing_roles(principal: Principal, required: frozenset[str]) -> frozenset[str]:
    return required - principal.roles


SELF_SERVICE = "/api/v1/auth/"  # a key's owner manages it, their password and logins with a login


def api_key_not_allowed() -> Forbidden:
    return Forbidden(
        "An API key cannot be used on /api/v1/auth routes: log in for that", code="api_key_not_allowed"
    )


async def key_principal(request: AppRequest, key: str) -> Principal:
    caller = await api_keys.authenticate_key(key=key, hasher=request.app.ctx.key_hasher, now=clock.utcnow())
    return Principal(
        user_id=caller.user_id,
        username=caller.username,
        roles=caller.roles,
        login_id=None,
        password_change_required=caller.password_change_required,
        api_key_id=caller.key_id,
        api_key_name=caller.key_name,
    )


async def resolve_principal(request: AppRequest) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Authentication required: send 'Authorization: Bearer <access token>'")
    if keys.is_api_key(token):
        principal = await key_principal(request, token)
        request.ctx.caller = principal  # the access log names the key, also on the 403 below
        if request.path.startswith(SELF_SERVICE):
            raise api_key_not_allowed()
        return principal
    principal = await service.authenticate(
        access_token=token, tokens=request.app.ctx.tokens, client=client_of(request), now=clock.utcnow()
    )
    request.ctx.caller = principal
    return principal


def require_roles(
    *roles: str, during_password_change: bool = False, during_mfa_enrollment: bool = False
) -> Callable[[Handler], Handler]:
    """Let the request through only for a live login whose user holds every role in `roles`.

    `during_password_change` admits a user who must change their password (after an admin
    reset); everyone else in that state gets 403 `password_change_required`. Then, in the same
    way, `during_mfa_enrollment` admits a user whose role requires two-factor login before they
    turn it on (MFA_REQUIRED_ROLES); elsewhere they get 403 `mfa_enrollment_required`.
    """
    required = frozenset(roles)

    def decorator(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: AppRequest, *args: Any, **kwargs: Any) -> HTTPResponse | None:
            principal = await resolve_principal(request)
            if principal.password_change_required and not during_password_change:
                raise Forbidden(
                    "You must change your password first (PUT /api/v1/auth/me/password)",
                    code="password_change_required",
                )
            required_mfa = request.app.ctx.settings.mfa_required_roles
            if required_mfa and not during_mfa_enrollment and not principal.password_change_required:
                await mfa.refuse_unenrolled(principal, required_mfa)
            if missing := missing_roles(principal, required):
                raise Forbidden(f"This requires the role(s): {', '.join(sorted(missing))}")
            return await handler(request, *args, **kwargs)

        carry_operation(handler, wrapper)
        operation = operations()[wrapper]
        operation.secured("bearer")
        operation.response(401, media(PROBLEM_JSON, Problem), "Missing, invalid, expired or revoked token")
        if required or not (during_password_change and during_mfa_enrollment):
            operation.response(403, media(PROBLEM_JSON, Problem), "Authenticated but not allowed")
        return wrapper

    return decorator


require_user = require_roles()
