"""Refresh rotation, reuse detection, logout, password changes and the caller's own logins."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from backend.auth.models import Token
from backend.clock import utcnow
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import bearer, login

REFRESH = "/api/v1/auth/refresh"
NEW_PASSWORD = "a brand new passphrase"


async def test_refresh_rotates_the_refresh_token(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    first = await login(client, "alice")
    response = await client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/v1/auth/me", headers=bearer(second["access_token"]))).status_code == 200
    again = await client.post(REFRESH, json={"refresh_token": second["refresh_token"]})
    assert again.status_code == 200
    assert await Token.all().count() == 1


async def test_a_refresh_token_as_bearer_works_too(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    tokens = await login(client, "alice")
    assert (await client.post(REFRESH, headers=bearer(tokens["refresh_token"]))).status_code == 200


async def test_an_access_token_cannot_refresh(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    tokens = await login(client, "alice")
    assert (await client.post(REFRESH, json={"refresh_token": tokens["access_token"]})).status_code == 401


async def test_replaying_an_old_refresh_token_revokes_the_whole_login(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    stolen = (await login(client, "alice"))["refresh_token"]
    legit = (await client.post(REFRESH, json={"refresh_token": stolen})).json()
    await Token.all().update(rotated_at=utcnow() - timedelta(minutes=1))  # past the grace period
    replay = await client.post(REFRESH, json={"refresh_token": stolen})
    assert replay.status_code == 401
    assert replay.json()["code"] == "refresh_token_reused"
    login_row = await Token.get()
    assert login_row.revoked_reason == "reuse"
    assert (await client.get("/api/v1/auth/me", headers=bearer(legit["access_token"]))).status_code == 401
    assert (await client.post(REFRESH, json={"refresh_token": legit["refresh_token"]})).status_code == 401


async def test_within_the_grace_period_a_just_rotated_token_loses_without_killing_the_login(
    client: httpx.AsyncClient,
) -> None:
    await make_user("alice")
    old = (await login(client, "alice"))["refresh_token"]
    new = (await client.post(REFRESH, json={"refresh_token": old})).json()
    late = await client.post(REFRESH, json={"refresh_token": old})
    assert late.status_code == 401
    assert late.json()["code"] == "refresh_token_rotated"
    assert (await client.post(REFRESH, json={"refresh_token": new["refresh_token"]})).status_code == 200


async def test_of_concurrent_refreshes_with_one_token_exactly_one_wins(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    token = (await login(client, "alice"))["refresh_token"]
    responses = await asyncio.gather(*(client.post(REFRESH, json={"refresh_token": token}) for _ in range(8)))
    assert sorted(r.status_code for r in responses) == [200] + [401] * 7
    winner = next(r.json() for r in responses if r.status_code == 200)
    assert (await client.get("/api/v1/auth/me", headers=bearer(winner["access_token"]))).status_code == 200


async def test_cookie_mode_refreshes_and_logs_out_through_the_cookie(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    response = await client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD, "use_cookie": True}
    )
    # The cookie is Secure, so a client only sends it back over HTTPS (or to localhost, for browsers):
    # send it by hand here as the browser would.
    cookie = response.headers["set-cookie"].split(";")[0]
    refreshed = await client.post(REFRESH, headers={"Cookie": cookie})
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] is None
    rotated = refreshed.headers["set-cookie"].split(";")[0]
    assert rotated != cookie
    logout = await client.post("/api/v1/auth/logout", headers={"Cookie": rotated})
    assert logout.status_code == 204
    assert "Max-Age=0" in logout.headers["set-cookie"] or "expires=" in logout.headers["set-cookie"].lower()
    assert (await Token.get()).revoked_reason == "logout"


@pytest.mark.parametrize("kind", ["access_token", "refresh_token"])
async def test_logout_with_either_token_ends_the_login(client: httpx.AsyncClient, kind: str) -> None:
    await make_user("alice")
    tokens = await login(client, "alice")
    assert (await client.post("/api/v1/auth/logout", headers=bearer(tokens[kind]))).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))).status_code == 401
    assert (await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})).status_code == 401


async def test_logout_without_a_token_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/v1/auth/logout")).status_code == 401


async def test_logout_all_ends_every_login(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    one, two = await login(client, "alice"), await login(client, "alice")
    assert (
        await client.post("/api/v1/auth/logout-all", headers=bearer(one["access_token"]))
    ).status_code == 204
    for tokens in (one, two):
        assert (
            await client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"]))
        ).status_code == 401


async def test_changing_the_password_ends_the_other_logins(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    this, other = await login(client, "alice"), await login(client, "alice")
    response = await client.put(
        "/api/v1/auth/me/password",
        headers=bearer(this["access_token"]),
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=bearer(this["access_token"]))).status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=bearer(other["access_token"]))).status_code == 401
    assert (await login(client, "alice", NEW_PASSWORD))["access_token"]


async def test_a_forced_change_clears_the_flag(client: httpx.AsyncClient) -> None:
    await make_user("alice", password_change_required=True)
    headers = bearer((await login(client, "alice"))["access_token"])
    body = {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    assert (await client.put("/api/v1/auth/me/password", headers=headers, json=body)).status_code == 204
    assert (await client.get("/api/v1/auth/me/tokens", headers=headers)).status_code == 200


async def test_a_wrong_current_password_is_422_and_counts_as_a_failure(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    headers = bearer((await login(client, "alice"))["access_token"])
    body = {"current_password": "not it at all", "new_password": NEW_PASSWORD}
    for _ in range(5):
        wrong = await client.put("/api/v1/auth/me/password", headers=headers, json=body)
        assert wrong.status_code == 422
        assert wrong.json()["code"] == "current_password_invalid"
    assert (await client.put("/api/v1/auth/me/password", headers=headers, json=body)).status_code == 429


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short", "at least 12 characters"),
        ("x" * 129, "at most 128 characters"),
        ("Qwerty123456", "too common"),
        ("alice-the-great", "must not be the username"),
    ],
)
async def test_the_password_policy_names_the_problem(
    client: httpx.AsyncClient, new_password: str, message: str
) -> None:
    await make_user("alice-the-great")
    headers = bearer((await login(client, "alice-the-great"))["access_token"])
    body = {"current_password": DEFAULT_PASSWORD, "new_password": new_password}
    response = await client.put("/api/v1/auth/me/password", headers=headers, json=body)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == ["body", "new_password"]


async def test_my_tokens_lists_my_logins_newest_first_and_marks_this_one(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    await make_user("bob")
    await login(client, "bob")
    older = await login(client, "alice")
    newer = await login(client, "alice")
    response = await client.get("/api/v1/auth/me/tokens", headers=bearer(older["access_token"]))
    page = response.json()
    assert page["total"] == 2
    assert page["page"] == 1
    assert [item["current"] for item in page["items"]] == [False, True]
    assert all(item["state"] == "active" for item in page["items"])
    await client.post("/api/v1/auth/logout", headers=bearer(newer["access_token"]))
    after = (await client.get("/api/v1/auth/me/tokens", headers=bearer(older["access_token"]))).json()
    assert after["items"][0]["state"] == "revoked"
    assert after["items"][0]["revoked_reason"] == "logout"


async def test_i_can_end_one_of_my_logins_but_not_someone_elses(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    await make_user("bob")
    mine, other = await login(client, "alice"), await login(client, "alice")
    bobs = await login(client, "bob")
    headers = bearer(mine["access_token"])
    items = (await client.get("/api/v1/auth/me/tokens", headers=headers)).json()["items"]
    other_id = next(item["id"] for item in items if not item["current"])
    assert (await client.delete(f"/api/v1/auth/me/tokens/{other_id}", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=bearer(other["access_token"]))).status_code == 401
    bob_items = (await client.get("/api/v1/auth/me/tokens", headers=bearer(bobs["access_token"]))).json()[
        "items"
    ]
    stolen = await client.delete(f"/api/v1/auth/me/tokens/{bob_items[0]['id']}", headers=headers)
    assert stolen.status_code == 404
    assert (await client.get("/api/v1/auth/me", headers=bearer(bobs["access_token"]))).status_code == 200


@pytest.mark.parametrize(
    "query", ["per_page=0", "per_page=101", "page=0", "page=1000001", "page=x", "sort=password"]
)
async def test_token_pages_are_bounded(client: httpx.AsyncClient, query: str) -> None:
    await make_user("alice")
    headers = bearer((await login(client, "alice"))["access_token"])
    response = await client.get(f"/api/v1/auth/me/tokens?{query}", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][0] == "query"
