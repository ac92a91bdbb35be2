"""Two-factor login (backend.auth.mfa): the caller's own enrollment under `/api/v1/auth/me/mfa`, and
an admin's reset, `/api/v1/users/{id}/mfa`. The login's second step is `/auth/login/mfa` (routes.py)."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import Problem, body, json_response, no_content, returns
from backend.app_types import AppRequest
from backend.audit.events import record_event, user_target
from backend.auth import mfa
from backend.auth.decorators import client_of, require_roles
from backend.auth.mfa_schemas import CodeConfirm, MfaDisable, RecoveryCodes, TotpEnrollment
from backend.users import service as users_service

own = Blueprint("mfa", url_prefix="/auth/me/mfa")
admin = Blueprint("user_mfa", url_prefix="/users/<user_id:id>/mfa")


@own.post("/totp")
@require_roles(during_mfa_enrollment=True)
@openapi.tag("auth")
@returns(200, TotpEnrollment)
@returns(409, Problem, "Two-factor is already on (`mfa_already_enabled`)")
async def start_totp(request: AppRequest) -> HTTPResponse:
    """Start enrolling an authenticator app: a new secret, not in force until confirmed."""
    user = await users_service.get_user(request.ctx.principal.user_id)
    enrollment = await mfa.start_enrollment(user=user, secret_key=request.app.ctx.settings.secret_key)
    return json_response(
        TotpEnrollment(secret=enrollment.secret, otpauth_uri=enrollment.otpauth_uri, qr_svg=enrollment.qr_svg)
    )


@own.post("/totp/confirm")
@require_roles(during_mfa_enrollment=True)
@openapi.tag("auth")
@body(CodeConfirm)
@returns(200, RecoveryCodes)
@returns(409, Problem, "No enrollment started (`mfa_not_started`), or two-factor is already on")
@returns(422, Problem, "`mfa_code_invalid`")
@returns(429, Problem, "Too many failed attempts; see Retry-After")
async def confirm_totp(request: AppRequest, body: CodeConfirm) -> HTTPResponse:
    """Turn two-factor on with a code from the app; answers ten recovery codes, shown this once."""
    user = await users_service.get_user(request.ctx.principal.user_id)
    codes = await mfa.confirm_enrollment(
        user=user,
        code=body.code,
        client=client_of(request),
        policy=request.app.ctx.throttle,
        secret_key=request.app.ctx.settings.secret_key,
        now=clock.utcnow(),
    )
    record_event(request, "user.mfa_enable", user_target(user))
    return json_response(RecoveryCodes(recovery_codes=codes))


@own.delete("/", ignore_body=False)
@require_roles()
@openapi.tag("auth")
@body(MfaDisable)
@returns(204)
@returns(403, Problem, "A role of yours requires two-factor (`mfa_required_by_policy`)")
@returns(409, Problem, "Two-factor is not on (`mfa_not_enabled`)")
@returns(422, Problem, "`current_password_invalid` or `mfa_code_invalid`")
@returns(429, Problem, "Too many failed attempts; see Retry-After")
async def disable_mfa(request: AppRequest, body: MfaDisable) -> HTTPResponse:
    """Turn the caller's two-factor off, with their password and a code."""
    principal = request.ctx.principal
    user = await users_service.get_user(principal.user_id)
    settings = request.app.ctx.settings
    await mfa.disable(
        user=user,
        roles=principal.roles,
        password=body.password,
        code=body.code,
        client=client_of(request),
        hasher=request.app.ctx.hasher,
        policy=request.app.ctx.throttle,
        required_roles=settings.mfa_required_roles,
        secret_key=settings.secret_key,
        now=clock.utcnow(),
    )
    record_event(request, "user.mfa_disable", user_target(user))
    return no_content()


@admin.delete("/")
@require_roles("admin")
@openapi.tag("users")
@returns(204)
@returns(404, Problem)
async def reset_user_mfa(request: AppRequest, user_id: int) -> HTTPResponse:
    """Reset a user's two-factor (a lost phone): it is off, and every login of theirs ends."""
    user = await users_service.get_user(user_id)
    was_on, ended = await mfa.reset(user_id=user.id, now=clock.utcnow())
    record_event(request, "user.mfa_reset", user_target(user), was_enabled=was_on, logins_ended=ended)
    return no_content()


blueprints = [own, admin]
