"""The administration API: users, roles and logins, as an admin (and a non-admin) sees it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import httpx
import pytest

from backend.auth.models import Token
from backend.errors import Conflict
from backend.users import service
from backend.users.models import Role, User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import Caller, bearer, login

USERS = "/api/v1/users"
NEW_PASSWORD = "temporary passphrase 1"


async def test_a_plain_user_cannot_use_any_admin_route(client: httpx.AsyncClient) -> None:
    await make_user("plain")
    headers = bearer((await login(client, "plain"))["access_token"])
    token_id = (await Token.get()).id
    for method, path in [
        ("GET", USERS), ("POST", USERS), ("GET", f"{USERS}/1"), ("PATCH", f"{USERS}/1"),
        ("DELETE", f"{USERS}/1"),
        ("PUT", f"{USERS}/1/password"), ("GET", f"{USERS}/1/tokens"), ("DELETE", f"{USERS}/1/tokens"),
        ("PATCH", f"/api/v1/tokens/{token_id}"), ("GET", "/api/v1/roles"), ("POST", "/api/v1/roles"),
        ("PATCH", "/api/v1/roles/user"), ("DELETE", "/api/v1/roles/user"),
    ]:  # fmt: skip
        response = await client.request(method, path, headers=headers, json={})
        assert response.status_code == 403, (method, path, response.status_code)


async def test_create_then_read_a_user(client: httpx.AsyncClient, admin: Caller) -> None:
    response = await client.post(
        USERS, headers=admin.headers, json={"username": "Alice", "password": NEW_PASSWORD, "roles": ["user"]}
    )
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == f"/api/v1/users/{created['id']}"
    assert created["username"] == "Alice"
    assert created["roles"] == ["user"]
    assert created["is_active"] is True
    assert created["password_change_required"] is True
    assert created["mfa_enabled"] is False
    assert set(created) == {
        "id",
        "username",
        "roles",
        "is_active",
        "password_change_required",
        "mfa_enabled",
        "created_at",
        "last_login_at",
    }
    assert created["created_at"].endswith("Z")
    assert (await client.get(response.headers["location"], headers=admin.headers)).json() == created
    first_login = await login(client, "alice", NEW_PASSWORD)
    assert first_login["password_change_required"] is True


@pytest.mark.parametrize("username", ["ALICE", "alice", "Alice"])
async def test_usernames_are_unique_whatever_their_case(
    client: httpx.AsyncClient, admin: Caller, username: str
) -> None:
    await make_user("Alice")
    response = await client.post(
        USERS, headers=admin.headers, json={"username": username, "password": NEW_PASSWORD}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "ab", "password": NEW_PASSWORD}, "username"),
        ({"username": "a" * 65, "password": NEW_PASSWORD}, "username"),
        ({"username": "bad name", "password": NEW_PASSWORD}, "username"),
        ({"username": "<img src=x>", "password": NEW_PASSWORD}, "username"),
        ({"username": "carol", "password": "short"}, "password"),
        ({"username": "carol", "password": NEW_PASSWORD, "roles": ["wizard"]}, "roles"),
        ({"username": "carol", "password": NEW_PASSWORD, "is_superuser": True}, "is_superuser"),
        ({"username": "carol", "password": NEW_PASSWORD, "password_hash": "x"}, "password_hash"),
    ],
)
async def test_invalid_users_are_422_naming_the_field(
    client: httpx.AsyncClient, admin: Caller, payload: dict[str, object], field: str
) -> None:
    response = await client.post(USERS, headers=admin.headers, json=payload)
    assert response.status_code == 422
    assert field in {error["loc"][-1] for error in response.json()["errors"]}
    assert not await User.filter(username_key="carol").exists()


async def test_list_search_filter_sort_and_page(client: httpx.AsyncClient, admin: Caller) -> None:
    for name in ("anna", "bert", "Berta", "carl"):
        await make_user(name)
    await make_user("dora", is_active=False)
    page = (await client.get(f"{USERS}?q=BER&sort=-username", headers=admin.headers)).json()
    assert [u["username"] for u in page["items"]] == ["Berta", "bert"]
    assert page["total"] == 2
    inactive = (await client.get(f"{USERS}?is_active=false", headers=admin.headers)).json()
    assert [u["username"] for u in inactive["items"]] == ["dora"]
    admins = (await client.get(f"{USERS}?role=admin", headers=admin.headers)).json()
    assert [u["username"] for u in admins["items"]] == ["root"]
    paged = (await client.get(f"{USERS}?per_page=2&page=2&sort=username", headers=admin.headers)).json()
    assert [u["username"] for u in paged["items"]] == ["Berta", "carl"]
    assert (paged["total"], paged["page"], paged["per_page"]) == (6, 2, 2)
    beyond = (await client.get(f"{USERS}?page=99", headers=admin.headers)).json()
    assert beyond["items"] == []
    assert beyond["total"] == 6


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=101",
        "page=0",
        "page=1000001",
        "page=1.5",
        "sort=password_hash",
        "is_active=maybe",
    ],
)
async def test_list_parameters_are_validated(client: httpx.AsyncClient, admin: Caller, query: str) -> None:
    response = await client.get(f"{USERS}?{query}", headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][0] == "query"


async def test_unknown_query_parameters_filter_nothing(client: httpx.AsyncClient, admin: Caller) -> None:
    await make_user("anna")
    page = (await client.get(f"{USERS}?password_hash=x&username=nobody", headers=admin.headers)).json()
    assert page["total"] == 2


async def test_patch_changes_only_what_it_names(client: httpx.AsyncClient, admin: Caller) -> None:
    user = await make_user("anna", roles=("user",))
    response = await client.patch(
        f"{USERS}/{user.id}", headers=admin.headers, json={"roles": ["admin", "user"]}
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["admin", "user"]
    assert response.json()["username"] == "anna"
    renamed = await client.patch(f"{USERS}/{user.id}", headers=admin.headers, json={"username": "Anna.B"})
    assert renamed.json()["username"] == "Anna.B"
    assert (await login(client, "anna.b"))["access_token"]
    assert (
        await client.patch(f"{USERS}/{user.id}", headers=admin.headers, json={"password_hash": "x"})
    ).status_code == 422


async def test_renaming_onto_a_taken_username_is_409(client: httpx.AsyncClient, admin: Caller) -> None:
    await make_user("anna")
    bert = await make_user("bert")
    response = await client.patch(f"{USERS}/{bert.id}", headers=admin.headers, json={"username": "ANNA"})
    assert response.status_code == 409


async def test_deactivating_a_user_ends_their_logins(client: httpx.AsyncClient, admin: Caller) -> None:
    user = await make_user("anna")
    headers = bearer((await login(client, "anna"))["access_token"])
    response = await client.patch(f"{USERS}/{user.id}", headers=admin.headers, json={"is_active": False})
    assert response.json()["is_active"] is False
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    assert (await Token.get(user_id=user.id)).revoked_reason == "user_deactivated"
    assert (
        await client.post("/api/v1/auth/login", json={"username": "anna", "password": DEFAULT_PASSWORD})
    ).status_code == 401


async def test_nobody_deletes_or_deactivates_themselves(client: httpx.AsyncClient, admin: Caller) -> None:
    await make_user("other-admin", roles=("admin",))
    me = await User.get(username_key="root")
    for response in (
        await client.delete(f"{USERS}/{me.id}", headers=admin.headers),
        await client.patch(f"{USERS}/{me.id}", headers=admin.headers, json={"is_active": False}),
    ):
        assert response.status_code == 409
        assert "yourself" in response.json()["detail"]
    assert await User.filter(id=me.id, is_active=True).exists()


async def test_the_last_active_admin_cannot_drop_their_own_admin_role(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    root = await User.get(username_key="root")
    refused = await client.patch(f"{USERS}/{root.id}", headers=admin.headers, json={"roles": ["user"]})
    assert refused.status_code == 409
    assert refused.json()["code"] == "last_admin"
    await make_user("deputy", roles=("admin",))
    allowed = await client.patch(f"{USERS}/{root.id}", headers=admin.headers, json={"roles": ["user"]})
    assert allowed.status_code == 200
    assert (await client.get(USERS, headers=admin.headers)).status_code == 403


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    "change",
    [
        lambda user_id: service.delete_user(user_id=user_id, acting_user_id=0),
        lambda user_id: service.update_user(user_id=user_id, acting_user_id=0, is_active=False),
        lambda user_id: service.update_user(user_id=user_id, acting_user_id=0, roles=["user"]),
    ],
    ids=["delete", "deactivate", "demote"],
)
async def test_the_last_active_admin_is_protected_in_the_service(
    change: Callable[[int], Awaitable[object]],
) -> None:
    last = await make_user("last", roles=("admin",))
    await make_user("inactive-admin", roles=("admin",), is_active=False)
    with pytest.raises(Conflict, match="last active admin"):
        await change(last.id)
    assert await User.filter(id=last.id, is_active=True, roles__name="admin").exists()
    await make_user("second", roles=("admin",))
    await change(last.id)


async def test_two_admins_cannot_remove_each_other_at_once(client: httpx.AsyncClient) -> None:
    first = await make_user("first", roles=("admin",))
    second = await make_user("second", roles=("admin",))
    first_headers = bearer((await login(client, "first"))["access_token"])
    second_headers = bearer((await login(client, "second"))["access_token"])
    responses = await asyncio.gather(
        client.delete(f"{USERS}/{second.id}", headers=first_headers),
        client.delete(f"{USERS}/{first.id}", headers=second_headers),
    )
    assert sorted(r.status_code for r in responses) in ([204, 401], [204, 409])
    assert await User.filter(is_active=True, roles__name="admin").count() == 1


async def test_delete_removes_the_user_and_their_logins(client: httpx.AsyncClient, admin: Caller) -> None:
    user = await make_user("anna")
    await login(client, "anna")
    assert (await client.delete(f"{USERS}/{user.id}", headers=admin.headers)).status_code == 204
    assert not await User.exists(id=user.id)
    assert not await Token.exists(user_id=user.id)
    assert (await client.delete(f"{USERS}/{user.id}", headers=admin.headers)).status_code == 404
    assert (await client.get(f"{USERS}/{user.id}", headers=admin.headers)).status_code == 404


async def test_an_admin_password_reset_forces_a_change_and_ends_logins(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    user = await make_user("anna")
    old = bearer((await login(client, "anna"))["access_token"])
    reset = await client.put(
        f"{USERS}/{user.id}/password", headers=admin.headers, json={"password": NEW_PASSWORD}
    )
    assert reset.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=old)).status_code == 401
    fresh = await login(client, "anna", NEW_PASSWORD)
    assert fresh["password_change_required"] is True
    weak = await client.put(
        f"{USERS}/{user.id}/password", headers=admin.headers, json={"password": "password"}
    )
    assert weak.status_code == 422


async def test_an_admin_sees_blocks_and_revokes_a_users_logins(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    user = await make_user("anna")
    tokens = await login(client, "anna")
    headers = bearer(tokens["access_token"])
    listed = (await client.get(f"{USERS}/{user.id}/tokens", headers=admin.headers)).json()
    assert listed["total"] == 1
    token_id = listed["items"][0]["id"]
    blocked = await client.patch(f"/api/v1/tokens/{token_id}", headers=admin.headers, json={"blocked": True})
    assert blocked.status_code == 200
    assert blocked.json()["state"] == "blocked"
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    ).status_code == 401
    await client.patch(f"/api/v1/tokens/{token_id}", headers=admin.headers, json={"blocked": False})
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    assert (await client.delete(f"{USERS}/{user.id}/tokens", headers=admin.headers)).status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    assert (await Token.get(id=token_id)).revoked_reason == "admin"
    assert (
        await client.patch(
            "/api/v1/tokens/00000000-0000-0000-0000-000000000000",
            headers=admin.headers,
            json={"blocked": True},
        )
    ).status_code == 404


async def test_roles_list_create_edit_and_delete(client: httpx.AsyncClient, admin: Caller) -> None:
    listed = (await client.get("/api/v1/roles", headers=admin.headers)).json()
    assert {(r["name"], r["built_in"], r["user_count"]) for r in listed["items"]} == {
        ("admin", True, 1),
        ("user", True, 1),
    }
    created = await client.post(
        "/api/v1/roles", headers=admin.headers, json={"name": "nurse", "description": "Ward staff"}
    )
    assert created.status_code == 201
    assert created.headers["location"] == "/api/v1/roles/nurse"
    assert created.json() == {
        "name": "nurse",
        "description": "Ward staff",
        "user_count": 0,
        "built_in": False,
    }
    assert (
        await client.post("/api/v1/roles", headers=admin.headers, json={"name": "nurse"})
    ).status_code == 409
    assert (
        await client.post("/api/v1/roles", headers=admin.headers, json={"name": "Bad Name"})
    ).status_code == 422
    edited = await client.patch("/api/v1/roles/nurse", headers=admin.headers, json={"description": "Nurses"})
    assert edited.json()["description"] == "Nurses"
    await make_user("nina", roles=("nurse",))
    assert (await client.delete("/api/v1/roles/nurse", headers=admin.headers)).status_code == 204
    nina = (await client.get(f"{USERS}?q=nina", headers=admin.headers)).json()["items"][0]
    assert nina["roles"] == []
    for name in ("admin", "user"):
        refused = await client.delete(f"/api/v1/roles/{name}", headers=admin.headers)
        assert refused.status_code == 409
        assert refused.json()["code"] == "built_in_role"
    assert (await client.delete("/api/v1/roles/ghost", headers=admin.headers)).status_code == 404


async def test_a_role_named_beyond_ascii_is_reachable_at_its_percent_encoded_url(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    """The API creates ASCII names only (docs/api.md), but a role that the database holds under
    another name (made by hand, or by an older version) is within reach: the path is UTF-8."""
    for name in ("ärztin", "ä" * 64):
        await Role.create(name=name)
        path = f"/api/v1/roles/{quote(name, safe='')}"
        edited = await client.patch(path, headers=admin.headers, json={"description": "Ärztinnen"})
        assert edited.status_code == 200
        assert edited.json()["name"] == name
        assert edited.json()["description"] == "Ärztinnen"
        assert (await client.delete(path, headers=admin.headers)).status_code == 204
        assert not await Role.filter(name=name).exists()
