"""`@require_roles(...)` and `@require_user`: placed right under the route decorator, on every handler
that needs a caller.

    @bp.get("/")
    @require_roles("admin")
    async def list_users(request: AppRequest) -> HTTPResponse: ...

The caller must hold every role named. The check costs one database round trip, which
loads the login, the user and their roles together; nothing is cached per process, so a
block or a role change made on one host is in force on the next request to any other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from sanic import HTTPResponse

from backend import clock
from backend.api import Handler, Problem, carry_operation
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


async def resolve_principal(request: AppRequest) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Authentication required: send 'Authorization: Bearer <access token>'")
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
