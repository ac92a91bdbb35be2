"""`require_roles`: who gets through, and that every change to a login is in force on the next request."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sanic import Blueprint, HTTPResponse, Request, Sanic
from sanic.response import json

from backend import clock
from backend.auth.decorators import require_roles, require_user
from backend.auth.models import Token
from backend.clock import utcnow
from backend.users.models import Role, User
from tests.factories import make_user
from tests.harness import serve_in_process
from tests.helpers import bearer, login


def guarded_blueprint() -> Blueprint:
    bp = Blueprint("guarded", url_prefix="/api/v1/guarded")

    @bp.get("/any")
    @require_user
    async def anyone(request: Request) -> HTTPResponse:
        return json({"user": request.ctx.principal.username})

    @bp.get("/admin")
    @require_roles("admin")
    async def admins(request: Request) -> HTTPResponse:
        return json({"ok": True})

    @bp.get("/both")
    @require_roles("admin", "user")
    async def both(request: Request) -> HTTPResponse:
        return json({"ok": True})

    return bp


@pytest.fixture
async def api(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    app.blueprint(guarded_blueprint())
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def test_no_token_is_401_with_a_bearer_challenge(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/guarded/any")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("header", ["Basic YWxpY2U6cHc=", "Bearer", "Bearer  x", "bearer not-a-jwt"])
async def test_a_malformed_authorization_header_is_401(api: httpx.AsyncClient, header: str) -> None:
    assert (await api.get("/api/v1/guarded/any", headers={"Authorization": header})).status_code == 401


async def test_a_token_in_the_query_string_is_ignored(api: httpx.AsyncClient) -> None:
    await make_user("alice")
    token = (await login(api, "alice"))["access_token"]
    for name in ("access_token", "token", "jwt"):
        assert (await api.get(f"/api/v1/guarded/any?{name}={token}")).status_code == 401


async def test_roles_are_all_required(api: httpx.AsyncClient) -> None:
    await make_user("plain", roles=("user",))
    await make_user("boss", roles=("admin", "user"))
    plain = bearer((await login(api, "plain"))["access_token"])
    boss = bearer((await login(api, "boss"))["access_token"])
    assert (await api.get("/api/v1/guarded/any", headers=plain)).json() == {"user": "plain"}
    denied = await api.get("/api/v1/guarded/admin", headers=plain)
    assert denied.status_code == 403
    assert "admin" in denied.json()["detail"]
    assert (await api.get("/api/v1/guarded/admin", headers=boss)).status_code == 200
    assert (await api.get("/api/v1/guarded/both", headers=boss)).status_code == 200


async def test_a_role_change_takes_effect_on_the_next_request(api: httpx.AsyncClient) -> None:
    user = await make_user("alice", roles=("user",))
    headers = bearer((await login(api, "alice"))["access_token"])
    assert (await api.get("/api/v1/guarded/admin", headers=headers)).status_code == 403
    await user.roles.add(await Role.get(name="admin"))
    assert (await api.get("/api/v1/guarded/admin", headers=headers)).status_code == 200
    await user.roles.clear()
    assert (await api.get("/api/v1/guarded/admin", headers=headers)).status_code == 403


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"blocked": True}, "token_blocked"),
        ({"revoked_at": utcnow(), "revoked_reason": "admin"}, "token_revoked"),
        ({"expires_at": utcnow() - timedelta(seconds=1)}, "token_expired"),
    ],
)
async def test_a_dead_login_is_refused_on_the_next_request(
    api: httpx.AsyncClient, change: dict[str, object], code: str
) -> None:
    await make_user("alice")
    headers = bearer((await login(api, "alice"))["access_token"])
    assert (await api.get("/api/v1/guarded/any", headers=headers)).status_code == 200
    await Token.all().update(**change)
    refused = await api.get("/api/v1/guarded/any", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == code


async def test_unblocking_a_login_lets_it_back_in(api: httpx.AsyncClient) -> None:
    await make_user("alice")
    headers = bearer((await login(api, "alice"))["access_token"])
    await Token.all().update(blocked=True)
    assert (await api.get("/api/v1/guarded/any", headers=headers)).status_code == 401
    await Token.all().update(blocked=False)
    assert (await api.get("/api/v1/guarded/any", headers=headers)).status_code == 200


async def test_a_deactivated_or_deleted_user_is_refused(api: httpx.AsyncClient) -> None:
    alice, bob = await make_user("alice"), await make_user("bob")
    alice_headers = bearer((await login(api, "alice"))["access_token"])
    bob_headers = bearer((await login(api, "bob"))["access_token"])
    await User.filter(id=alice.id).update(is_active=False)
    await bob.delete()
    assert (await api.get("/api/v1/guarded/any", headers=alice_headers)).status_code == 401
    assert (await api.get("/api/v1/guarded/any", headers=bob_headers)).status_code == 401


async def test_an_expired_access_token_says_so(api: httpx.AsyncClient, app: Sanic) -> None:
    user = await make_user("alice")
    await login(api, "alice")
    login_id = (await Token.get(user_id=user.id)).id
    old = app.ctx.tokens.issue(
        user_id=user.id, login_id=login_id, kind="access", now=utcnow() - timedelta(hours=1)
    )
    response = await api.get("/api/v1/guarded/any", headers=bearer(old.token))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.json()["detail"] == "Token has expired"


async def test_a_refresh_token_is_not_an_access_token(api: httpx.AsyncClient) -> None:
    await make_user("alice")
    tokens = await login(api, "alice")
    assert (await api.get("/api/v1/guarded/any", headers=bearer(tokens["refresh_token"]))).status_code == 401


async def test_a_token_for_a_login_that_never_existed_is_401(api: httpx.AsyncClient, app: Sanic) -> None:
    user = await make_user("alice")
    forged = app.ctx.tokens.issue(user_id=user.id, login_id=uuid.uuid4(), kind="access", now=utcnow())
    assert (await api.get("/api/v1/guarded/any", headers=bearer(forged.token))).status_code == 401


async def test_last_used_is_recorded_at_most_once_a_minute(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user("alice")
    headers = bearer((await login(api, "alice"))["access_token"])
    first = (await Token.get()).last_used_at
    await api.get("/api/v1/guarded/any", headers={**headers, "User-Agent": "probe/1"})
    assert (await Token.get()).last_used_at == first
    later = utcnow() + timedelta(minutes=2)  # the worker's cache of logins keeps the time too
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    await api.get("/api/v1/guarded/any", headers={**headers, "User-Agent": "probe/2"})
    row = await Token.get()
    assert row.last_used_at == later
    assert row.user_agent == "probe/2"


async def test_a_pending_password_change_allows_only_the_account_routes(api: httpx.AsyncClient) -> None:
    await make_user("alice", password_change_required=True)
    tokens = await login(api, "alice")
    assert tokens["password_change_required"] is True
    headers = bearer(tokens["access_token"])
    assert (await api.get("/api/v1/auth/me", headers=headers)).status_code == 200
    blocked = await api.get("/api/v1/guarded/any", headers=headers)
    assert blocked.status_code == 403
    assert blocked.json()["code"] == "password_change_required"
    assert (await api.get("/api/v1/auth/me/tokens", headers=headers)).status_code == 403
