"""`/api/v1/lockouts`: the logins that throttling refuses now, for role `admin`, who can lift them."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend import clock
from backend.api import Problem, json_response, no_content, query, returns
from backend.app_types import AppRequest
from backend.audit.events import Target, record_event
from backend.auth import throttle
from backend.auth.decorators import require_roles
from backend.auth.models import LoginThrottle
from backend.auth.schemas import LockoutPage, LockoutQuery, LockoutRead
from backend.errors import NotFound
from backend.pagination import page_of, paginate

bp = Blueprint("lockouts", url_prefix="/lockouts")
LOCKOUT_SORT = {
    "locked_until": "locked_until",
    "failures": "failures",
    "username": "username_key",
    "id": "id",
}


def lockout_read(bucket: LoginThrottle) -> LockoutRead:
    assert bucket.locked_until is not None
    return LockoutRead(
        id=bucket.id,
        username=bucket.username_key if bucket.scope != throttle.Scope.address else None,
        ip=bucket.ip if bucket.scope != throttle.Scope.user else None,
        failures=bucket.failures,
        locked_until=bucket.locked_until,
    )


@bp.get("/")
@require_roles("admin")
@openapi.tag("lockouts")
@query(LockoutQuery, sort=LOCKOUT_SORT)
@returns(200, LockoutPage)
async def list_lockouts(request: AppRequest, query: LockoutQuery) -> HTTPResponse:
    """Usernames and addresses that may not log in now, the longest lockout first."""
    locked = throttle.lockouts(now=clock.utcnow(), username=query.username, ip=query.ip)
    items, total = await paginate(
        locked, query, allowed_sort=LOCKOUT_SORT, default_sort=["-locked_until", "id"]
    )
    return json_response(page_of(LockoutPage, [lockout_read(bucket) for bucket in items], total, query))


@bp.delete("/<lockout_id:bigid>")
@require_roles("admin")
@openapi.tag("lockouts")
@returns(204)
@returns(404, Problem)
async def lift_lockout(request: AppRequest, lockout_id: int) -> HTTPResponse:
    """Lift a lockout: the username or address may try again at once, with a fresh count."""
    bucket = await throttle.lift(lockout_id)
    if bucket is None:
        raise NotFound("No such lockout")
    label = " from ".join(part for part in (bucket.username_key, bucket.ip) if part)
    target = Target("lockout", str(lockout_id), label, {"lockout_id": lockout_id})
    record_event(request, "lockout.lift", target, username=bucket.username_key, ip=bucket.ip)
    return no_content()
