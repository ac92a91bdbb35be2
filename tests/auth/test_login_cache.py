"""The worker's cache of logins (backend/auth/login_cache.py): a GET by a login checked lately skips
the login query, and every change that ends or narrows a login is still in force on the very next
request, whether it came through the API or around it (raw SQL: the worker hears of it only from
the access log's insert)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sanic import Blueprint, HTTPResponse, Sanic
from sanic.response import json
from tortoise import connections

from backend import clock
from backend.app import create_app
from backend.app_types import AppRequest
from backend.audit.models import AccessLog
from backend.auth import service
from backend.auth.decorators import require_roles
from backend.auth.login_cache import LoginCache
from backend.auth.service import Client, LiveLogin, Principal
from backend.auth.tokens import Claims
from backend.config import Settings
from tests.harness import serve_in_process
from tests.helpers import Caller, assert_problem, bearer, caller

LoginQueries = list[uuid.UUID]


@pytest.fixture
def login_queries(monkeypatch: pytest.MonkeyPatch) -> LoginQueries:
    """The logins whose row the login check read, one entry a query."""
    read: LoginQueries = []
    real = service._live_login_row

    async def counting(login_id: uuid.UUID) -> list[dict[str, Any]]:
        read.append(login_id)
        return await real(login_id)

    monkeypatch.setattr(service, "_live_login_row", counting)
    return read


async def sql(statement: str) -> None:
    """A change made around the API (an operator's SQL): no request of this worker sees it."""
    await connections.get("default").execute_script(statement)


def mid_request_blueprint() -> Blueprint:
    """A read whose login is revoked by someone else while its handler runs."""
    bp = Blueprint("mid_request", url_prefix="/api/v1/mid-request")

    @bp.get("/")
    @require_roles("user")
    async def revoked_meanwhile(request: AppRequest) -> HTTPResponse:
        await sql("UPDATE token SET revoked_at = CURRENT_TIMESTAMP, revoked_reason = 'admin'")
        return json({"secret": "computed for a login that ended"})

    return bp


@pytest.fixture
def app(settings: Settings) -> Sanic:
    app = create_app(settings, name=f"test_{uuid.uuid4().hex}")
    app.blueprint(mid_request_blueprint())
    return app


async def read(client: httpx.AsyncClient, caller: Caller, path: str = "/api/v1/patients/") -> httpx.Response:
    return await client.get(path, headers=bearer(caller.access_token))


async def test_a_repeated_read_skips_the_login_query_and_a_write_does_not(
    client: httpx.AsyncClient, user: Caller, login_queries: LoginQueries
) -> None:
    assert (await read(client, user)).status_code == 200
    assert (await read(client, user)).status_code == 200
    assert (await read(client, user)).status_code == 200
    assert len(login_queries) == 1
    created = await client.post(
        "/api/v1/patients/", json={"name": "Ada", "surname": "Lovelace"}, headers=bearer(user.access_token)
    )
    assert created.status_code == 201, created.text
    assert len(login_queries) == 2


Change = Callable[[httpx.AsyncClient, Caller, Caller], Awaitable[Any]]


async def block_login(client: httpx.AsyncClient, admin: Caller, user: Caller) -> None:
    page = (
        await client.get(f"/api/v1/users/{user.user_id}/tokens/", headers=bearer(admin.access_token))
    ).json()
    (login,) = page["items"]
    response = await client.patch(
        f"/api/v1/tokens/{login['id']}", json={"blocked": True}, headers=bearer(admin.access_token)
    )
    assert response.status_code == 200, response.text


async def revoke_logins(client: httpx.AsyncClient, admin: Caller, user: Caller) -> None:
    response = await client.delete(
        f"/api/v1/users/{user.user_id}/tokens/", headers=bearer(admin.access_token)
    )
    assert response.status_code == 204, response.text


async def reset_password(client: httpx.AsyncClient, admin: Caller, user: Caller) -> None:
    response = await client.put(
        f"/api/v1/users/{user.user_id}/password",
        json={"password": "a new long passphrase 42"},
        headers=bearer(admin.access_token),
    )
    assert response.status_code == 204, response.text


async def deactivate(client: httpx.AsyncClient, admin: Caller, user: Caller) -> None:
    response = await client.patch(
        f"/api/v1/users/{user.user_id}", json={"is_active": False}, headers=bearer(admin.access_token)
    )
    assert response.status_code == 200, response.text


async def delete_user(client: httpx.AsyncClient, admin: Caller, user: Caller) -> None:
    response = await client.delete(f"/api/v1/users/{user.user_id}", headers=bearer(admin.access_token))
    assert response.status_code == 204, response.text


async def take_role(client: httpx.AsyncClient, admin: Caller, user: Caller) -> None:
    response = await client.patch(
        f"/api/v1/users/{user.user_id}", json={"roles": []}, headers=bearer(admin.access_token)
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (block_login, 401, "token_blocked"),
        (revoke_logins, 401, "token_revoked"),
        (reset_password, 401, "token_revoked"),
        (deactivate, 401, "token_invalid"),
        (delete_user, 401, "token_revoked"),
        (take_role, 403, "forbidden"),
    ],
)
async def test_a_change_through_the_api_is_in_force_on_the_next_read(
    client: httpx.AsyncClient, admin: Caller, user: Caller, change: Change, status: int, code: str
) -> None:
    assert (await read(client, user)).status_code == 200  # the login is in the cache now
    await change(client, admin, user)
    assert_problem(await read(client, user), status, code)


@pytest.mark.parametrize(
    ("statement", "status", "code"),
    [
        ("UPDATE token SET revoked_at = CURRENT_TIMESTAMP, revoked_reason = 'admin'", 401, "token_revoked"),
        ("UPDATE token SET blocked = TRUE", 401, "token_blocked"),
        ('UPDATE "user" SET is_active = FALSE', 401, "token_invalid"),
        ("DELETE FROM token", 401, "token_revoked"),
        ("DELETE FROM user_role", 403, "forbidden"),
        ('UPDATE "user" SET password_change_required = TRUE', 403, "password_change_required"),
        ("UPDATE role SET name = 'renamed' WHERE name = 'user'", 403, "forbidden"),
    ],
)
async def test_a_change_around_the_api_replaces_the_read_that_used_the_cache(
    client: httpx.AsyncClient,
    user: Caller,
    login_queries: LoginQueries,
    statement: str,
    status: int,
    code: str,
) -> None:
    assert (await read(client, user)).status_code == 200
    await sql(statement)
    response = await read(client, user)
    assert_problem(response, status, code)
    assert "items" not in response.json()
    # The read was let in from the cache, then checked again once its log row saw the new epoch.
    assert len(login_queries) == 2
    logged = await AccessLog.get(request_id=response.headers["x-request-id"])
    assert logged.status == status  # what was sent, not what the handler had answered


async def test_a_login_ended_while_the_handler_runs_gets_the_error_not_the_data(
    client: httpx.AsyncClient, user: Caller
) -> None:
    assert (await read(client, user)).status_code == 200
    response = await read(client, user, "/api/v1/mid-request/")
    assert_problem(response, 401, "token_revoked")
    assert "secret" not in response.text
    assert response.headers["x-request-id"]
    assert response.headers["cache-control"] == "no-store"


async def test_a_write_checks_the_login_whatever_the_cache_holds(
    client: httpx.AsyncClient, user: Caller, login_queries: LoginQueries
) -> None:
    assert (await read(client, user)).status_code == 200
    await sql("UPDATE token SET revoked_at = CURRENT_TIMESTAMP, revoked_reason = 'admin'")
    response = await client.post(
        "/api/v1/patients/", json={"name": "Ada", "surname": "Lovelace"}, headers=bearer(user.access_token)
    )
    assert_problem(response, 401, "token_revoked")
    assert len(login_queries) == 2


async def test_a_refused_body_skips_the_login_query_like_a_read(
    client: httpx.AsyncClient, user: Caller, login_queries: LoginQueries
) -> None:
    """An error path at least as cheap as a read (issue 15): nothing is written with the login."""
    assert (await read(client, user)).status_code == 200
    response = await client.post("/api/v1/patients/", json={"name": 5}, headers=bearer(user.access_token))
    assert_problem(response, 422, "validation_failed")
    assert len(login_queries) == 1


async def test_a_refused_body_after_a_change_around_the_api_gets_the_login_error(
    client: httpx.AsyncClient, user: Caller, login_queries: LoginQueries
) -> None:
    assert (await read(client, user)).status_code == 200
    await sql("UPDATE token SET revoked_at = CURRENT_TIMESTAMP, revoked_reason = 'admin'")
    response = await client.post("/api/v1/patients/", json={"name": 5}, headers=bearer(user.access_token))
    assert_problem(response, 401, "token_revoked")
    assert len(login_queries) == 2


async def test_a_role_granted_around_the_api_is_not_refused_from_the_cache(
    client: httpx.AsyncClient, user: Caller
) -> None:
    assert (await read(client, user)).status_code == 200
    assert (await client.get("/api/v1/users/", headers=bearer(user.access_token))).status_code == 403
    await sql(
        f"INSERT INTO user_role (user_id, role_id) SELECT {user.user_id}, id FROM role WHERE name = 'admin'"  # noqa: S608
    )
    assert (await client.get("/api/v1/users/", headers=bearer(user.access_token))).status_code == 200


async def test_the_buffered_access_log_leaves_no_cache(
    settings: Settings, login_queries: LoginQueries
) -> None:
    app = create_app(
        settings.model_copy(update={"access_log_mode": "buffered"}), name=f"t_{uuid.uuid4().hex}"
    )
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as client:
        nurse = await caller(client, "nurse", ("user",))
        for _ in range(3):
            assert (await read(client, nurse)).status_code == 200
    assert len(login_queries) == 3


def live(
    epoch: int | None = 7,
    *,
    last_used_ago: timedelta = timedelta(0),
    ip: str = "10.0.0.1",
    now: datetime | None = None,
) -> LiveLogin:
    now = now or clock.utcnow()
    principal = Principal(
        user_id=1,
        username="nurse",
        roles=frozenset({"user"}),
        login_id=uuid.uuid4(),
        password_change_required=False,
    )
    return LiveLogin(principal, epoch, now + timedelta(days=1), now - last_used_ago, ip)


def claims_of(login: LiveLogin) -> Claims:
    assert login.principal.login_id is not None
    now = clock.utcnow()
    return Claims(user_id=1, login_id=login.principal.login_id, jti="j", type="access", expires_at=now)


CLIENT = Client(ip="10.0.0.1", user_agent="test")


def test_an_entry_stands_in_only_at_its_epoch_from_its_address_within_the_minute() -> None:
    cache = LoginCache()
    now = clock.utcnow()
    fresh = live()
    cache.keep(fresh)
    assert cache.get(claims_of(fresh), client=CLIENT, now=now, epoch=7) is fresh
    assert cache.get(claims_of(fresh), client=Client(ip="10.0.0.2", user_agent=""), now=now, epoch=7) is None
    cache.keep(fresh)
    assert cache.get(claims_of(fresh), client=CLIENT, now=now, epoch=8) is None  # and it is gone
    assert cache.get(claims_of(fresh), client=CLIENT, now=now, epoch=7) is None
    old = live(last_used_ago=timedelta(seconds=60), now=now)  # its last_used_at is to be written again
    cache.keep(old)
    assert cache.get(claims_of(old), client=CLIENT, now=now, epoch=7) is None
    unknown = live(epoch=None)
    cache.keep(unknown)
    assert cache.get(claims_of(unknown), client=CLIENT, now=now, epoch=None) is None


def test_the_cache_keeps_the_logins_used_last() -> None:
    cache = LoginCache(max_logins=2)
    first, second, third = live(), live(), live()
    cache.keep(first)
    cache.keep(second)
    assert cache.get(claims_of(first), client=CLIENT, now=clock.utcnow(), epoch=7) is first
    cache.keep(third)
    assert len(cache) == 2
    assert cache.get(claims_of(second), client=CLIENT, now=clock.utcnow(), epoch=7) is None
    assert cache.get(claims_of(first), client=CLIENT, now=clock.utcnow(), epoch=7) is first


async def test_a_read_the_access_log_leaves_out_is_checked_after_its_handler(settings: Settings) -> None:
    excluding = settings.model_copy(update={"access_log_exclude": ["/api/v1/patients"]})
    app = create_app(excluding, name=f"t_{uuid.uuid4().hex}")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as client:
        nurse = await caller(client, "nurse", ("user",))
        assert (await read(client, nurse)).status_code == 200
        await sql("UPDATE token SET blocked = TRUE")
        assert_problem(await read(client, nurse), 401, "token_blocked")
