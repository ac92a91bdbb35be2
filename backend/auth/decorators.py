"""`@require_roles(...)` and `@require_user`: placed right under the route decorator, on every handler
that needs a caller.

    @bp.get("/")
    @require_roles("admin")
    async def list_users(request: AppRequest) -> HTTPResponse: ...

The caller must hold every role named. The check costs one database round trip, which
loads the login, the user and their roles together. A GET or HEAD by a login this worker
checked lately skips it (backend/auth/login_cache.py): the durable access log's insert then
tells whether any login changed since, and if one did, the login is checked again before the
response goes. So a block or a role change made on one host is in force on the next request
to any other. A write whose body `body` validates is let in the same way until its body is
found valid; then the login is checked (`confirm_login`) before the handler writes anything.

A Bearer token starting `srt_` is an API key (backend/api_keys): checked the same way (one
round trip, the key with its owner and the owner's roles), it acts with its roles that the owner
still holds, and never on the `/api/v1/auth/...` self-service routes (403 `api_key_not_allowed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps
from typing import Any

from sanic import HTTPResponse
from sanic.response import BaseHTTPResponse

from backend import clock
from backend.api import VALIDATES_BODY_FIRST, Handler, Problem, carry_operation
from backend.api_keys import keys
from backend.api_keys import service as api_keys
from backend.app_types import AppRequest, LoginCheck
from backend.auth import mfa, service
from backend.auth.login_cache import SAFE_METHODS
from backend.auth.service import Client, Principal
from backend.docs import media, operations
from backend.errors import PROBLEM_JSON, AppError, Forbidden, Unauthorized, to_problem
from backend.middleware import protective_headers
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


async def resolve_principal(request: AppRequest, *, cached: bool = False) -> tuple[Principal, int | None]:
    """The caller, and the auth_epoch its login was read at when it came from this worker's cache
    of logins (allowed when `cached`), else None."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("Authentication required: send 'Authorization: Bearer <access token>'")
    if keys.is_api_key(token):
        principal = await key_principal(request, token)
        request.ctx.caller = principal  # the access log names the key, also on the 403 below
        if request.path.startswith(SELF_SERVICE):
            raise api_key_not_allowed()
        return principal, None
    claims = service.decode(token, kind="access", tokens=request.app.ctx.tokens)
    client, now, logins = client_of(request), clock.utcnow(), request.app.ctx.logins
    writer = request.app.ctx.access_log
    login = logins.get(claims, client=client, now=now, epoch=writer.epoch) if cached and writer else None
    epoch = login.epoch if login is not None else None
    if login is None:
        login = await service.check_login(claims, client=client, now=now)
        logins.keep(login)
    request.ctx.caller = login.principal
    return login.principal, epoch


def may_use_cached_login(request: AppRequest, *, validates_body_first: bool = False) -> bool:
    """A request whose access-log row is committed before the response, which tells whether a
    cached login is still as it was (backend/auth/login_cache.py), and that writes nothing with
    it: a safe one, or a write whose body `body` validates first (it asks for the login afresh
    once the body is valid; a refused body costs no login query, like a read)."""
    writer = request.app.ctx.access_log
    durable = writer is not None and writer.mode == "durable"
    return durable and (request.method in SAFE_METHODS or validates_body_first)


@dataclass(frozen=True)
class Gate:
    """What a handler's `require_roles` asks of the caller."""

    required: frozenset[str]
    during_password_change: bool
    during_mfa_enrollment: bool


async def admit(request: AppRequest, gate: Gate, *, cached: bool) -> int | None:
    """Let the caller through `gate` or raise 401/403; answer the auth_epoch of the login when it
    came from this worker's cache. A cached caller refused is checked again from the database."""
    principal, epoch = await resolve_principal(request, cached=cached)
    try:
        if principal.password_change_required and not gate.during_password_change:
            raise Forbidden(
                "You must change your password first (PUT /api/v1/auth/me/password)",
                code="password_change_required",
            )
        required_mfa = request.app.ctx.settings.mfa_required_roles
        if required_mfa and not gate.during_mfa_enrollment and not principal.password_change_required:
            await mfa.refuse_unenrolled(principal, required_mfa)
        if missing := missing_roles(principal, gate.required):
            raise Forbidden(f"This requires the role(s): {', '.join(sorted(missing))}")
    except AppError:
        if epoch is None:
            raise
        return await admit(request, gate, cached=False)
    return epoch


async def admit_again(request: AppRequest, gate: Gate, response: BaseHTTPResponse) -> HTTPResponse | None:
    """The login of a cached caller checked from the database, after a login changed somewhere:
    the error that replaces `response` (401, 403, or 503 with the database out of reach), or None."""
    request.ctx.login_check = None
    try:
        await admit(request, gate, cached=False)
    except Exception as error:  # every failure answers in place of the data
        replacement = to_problem(request, error)
        for name, value in protective_headers(response).items():
            replacement.headers.setdefault(name, value)
        return replacement
    return None


async def confirm_login(request: AppRequest, gate: Gate) -> None:
    """A write let in from the cache, its body valid: its login checked from the database before
    the handler writes anything (401 or 403 if it changed)."""
    request.ctx.login_check = None
    await admit(request, gate, cached=False)


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
    gate = Gate(required, during_password_change, during_mfa_enrollment)

    def decorator(handler: Handler) -> Handler:
        validates_body_first = getattr(handler, VALIDATES_BODY_FIRST, False)

        @wraps(handler)
        async def wrapper(request: AppRequest, *args: Any, **kwargs: Any) -> HTTPResponse | None:
            cached = may_use_cached_login(request, validates_body_first=validates_body_first)
            epoch = await admit(request, gate, cached=cached)
            if epoch is not None:
                request.ctx.login_check = LoginCheck(epoch, partial(admit_again, request, gate))
                if request.method not in SAFE_METHODS:
                    request.ctx.confirm_login = partial(confirm_login, request, gate)
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
