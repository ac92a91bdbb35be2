"""API keys: made once, shown once, used as Bearer tokens with their own roles only, refused on the
auth self-service routes, and every change (revocation, expiry, the owner's deactivation or a role
taken away) in force on the next request. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from backend import clock
from backend.api_keys.models import ApiKey
from backend.audit.models import AccessLog
from backend.users.models import Role, User
from tests.helpers import Caller, assert_problem, bearer, caller
from tests.security.test_v8_authorization import call, routes_with

MINE = "/api/v1/auth/me/api-keys"
EVERY = "/api/v1/api-keys"
PATIENTS = "/api/v1/patients"  # role user
USERS = "/api/v1/users"  # role admin
READ_FIELDS = {
    "id",
    "name",
    "prefix",
    "roles",
    "user_id",
    "username",
    "created_at",
    "expires_at",
    "last_used_at",
}


async def create_key(
    client: httpx.AsyncClient, owner: Caller, roles: list[str], *, name: str = "ci", days: int = 30
) -> dict[str, Any]:
    response = await client.post(
        MINE, headers=owner.headers, json={"name": name, "roles": roles, "expires_in_days": days}
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_key_is_shown_once_and_acts_with_its_roles_only(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    response = await client.post(
        MINE, headers=admin.headers, json={"name": "nightly export", "roles": ["user"], "expires_in_days": 30}
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert set(made) == READ_FIELDS | {"key"}
    assert response.headers["location"] == f"{MINE}/{made['id']}"
    assert made["key"].startswith(made["prefix"] + "_")
    assert made["prefix"].startswith("srt_")
    assert (made["name"], made["roles"], made["username"], made["last_used_at"]) == (
        "nightly export", ["user"], "root", None,
    )  # fmt: skip

    assert (await client.get(PATIENTS, headers=bearer(made["key"]))).status_code == 200
    # The owner is an admin; the key is not.
    assert_problem(await client.get(USERS, headers=bearer(made["key"])), 403, "forbidden")


async def test_the_key_is_never_listed_nor_stored_in_clear(client: httpx.AsyncClient, admin: Caller) -> None:
    made = await create_key(client, admin, ["user"])
    mine = (await client.get(MINE, headers=admin.headers)).json()
    every = (await client.get(EVERY, headers=admin.headers)).json()
    one = (await client.get(f"{MINE}/{made['id']}", headers=admin.headers)).json()
    for listed in (mine["items"][0], every["items"][0], one):
        assert set(listed) == READ_FIELDS
        assert listed["prefix"] == made["prefix"]
    assert (mine["total"], mine["page"], mine["per_page"]) == (1, 1, 20)
    row = await ApiKey.get(id=made["id"])
    stored = " ".join(str(value) for value in (await ApiKey.filter(id=made["id"]).values()).pop().values())
    assert made["key"] not in stored
    assert made["key"].split("_", 2)[2] not in stored
    assert len(row.key_hash) == 64


@pytest.mark.parametrize(
    "token",
    [
        "srt_",
        "srt_x",
        "srt_" + "a" * 4000,
        "srt_0123456789abcdef_" + "A" * 43,  # the right shape, no such key
        "srt_0123456789abcdef_" + "A" * 42 + "=",
    ],
)
async def test_a_garbled_or_unknown_key_is_401(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get(PATIENTS, headers=bearer(token))
    assert_problem(response, 401, "api_key_invalid")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_non_ascii_key_is_401(client: httpx.AsyncClient) -> None:
    header = "Bearer srt_0123456789abcdef_ééé".encode()
    assert_problem(await client.get(PATIENTS, headers={"Authorization": header}), 401, "api_key_invalid")


async def test_a_key_with_a_wrong_secret_is_401(client: httpx.AsyncClient, user: Caller) -> None:
    made = await create_key(client, user, ["user"])
    secret = made["key"].removeprefix(made["prefix"] + "_")
    forged = f"{made['prefix']}_{'B' if secret[0] != 'B' else 'C'}{secret[1:]}"
    assert_problem(await client.get(PATIENTS, headers=bearer(forged)), 401, "api_key_invalid")


async def test_the_prefix_tells_keys_from_jwts(client: httpx.AsyncClient, user: Caller) -> None:
    """A token starting `srt_` is checked as a key only; anything else as a JWT, as before."""
    assert_problem(await client.get(PATIENTS, headers=bearer("srt_x")), 401, "api_key_invalid")
    assert_problem(await client.get(PATIENTS, headers=bearer("eyJx")), 401, "token_invalid")
    assert (await client.get(PATIENTS, headers=user.headers)).status_code == 200


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"name": "k", "roles": ["admin"], "expires_in_days": 30}, "roles"),  # not the caller's
        ({"name": "k", "roles": ["auditor"], "expires_in_days": 30}, "roles"),  # no such role
        ({"name": "k", "roles": [], "expires_in_days": 30}, "roles"),
        ({"name": "k", "roles": ["user"], "expires_in_days": 0}, "expires_in_days"),
        ({"name": "k", "roles": ["user"], "expires_in_days": 91}, "expires_in_days"),  # API_KEY_MAX_DAYS
        ({"name": "k", "roles": ["user"]}, "expires_in_days"),
        ({"name": "", "roles": ["user"], "expires_in_days": 30}, "name"),
        ({"name": "k", "roles": ["user"], "expires_in_days": 30, "key": "srt_mine"}, "key"),
    ],
)
async def test_a_key_holds_only_the_callers_roles_for_a_bounded_time(
    client: httpx.AsyncClient, user: Caller, sent: dict[str, Any], field: str
) -> None:
    problem = assert_problem(
        await client.post(MINE, headers=user.headers, json=sent), 422, "validation_failed"
    )
    assert [error["loc"][-1] for error in problem["errors"]] == [field]
    assert await ApiKey.all().count() == 0


async def test_the_longest_expiry_is_api_key_max_days(client: httpx.AsyncClient, user: Caller) -> None:
    made = await create_key(client, user, ["user"], days=90)
    assert made["expires_at"] > (clock.utcnow() + timedelta(days=89)).isoformat()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/auth/me", None),
        ("POST", MINE, {"name": "k", "roles": ["user"], "expires_in_days": 1}),
        ("GET", MINE, None),
        ("PUT", "/api/v1/auth/me/password", {"current_password": "x", "new_password": "y"}),
        ("GET", "/api/v1/auth/me/tokens", None),
        ("POST", "/api/v1/auth/logout-all", None),
        ("POST", "/api/v1/auth/logout", None),
        ("POST", "/api/v1/auth/refresh", None),
    ],
)
async def test_a_key_cannot_reach_the_auth_self_service_routes(
    client: httpx.AsyncClient, admin: Caller, method: str, path: str, body: object
) -> None:
    key = (await create_key(client, admin, ["admin", "user"]))["key"]
    response = await client.request(method, path, json=body, headers=bearer(key))
    assert_problem(response, 403, "api_key_not_allowed")
    assert await ApiKey.all().count() == 1


async def test_a_key_in_a_refresh_or_logout_body_is_refused(client: httpx.AsyncClient, user: Caller) -> None:
    key = (await create_key(client, user, ["user"]))["key"]
    for path in ("/api/v1/auth/refresh", "/api/v1/auth/logout"):
        assert_problem(await client.post(path, json={"refresh_token": key}), 403, "api_key_not_allowed")


async def test_a_revoked_key_is_refused_on_the_next_request(client: httpx.AsyncClient, user: Caller) -> None:
    made = await create_key(client, user, ["user"])
    assert (await client.get(PATIENTS, headers=bearer(made["key"]))).status_code == 200
    assert (await client.delete(f"{MINE}/{made['id']}", headers=user.headers)).status_code == 204
    assert_problem(await client.get(PATIENTS, headers=bearer(made["key"])), 401, "api_key_invalid")
    assert_problem(await client.delete(f"{MINE}/{made['id']}", headers=user.headers), 404, "not_found")


async def test_someone_elses_key_is_not_found(client: httpx.AsyncClient, user: Caller, admin: Caller) -> None:
    theirs = await create_key(client, admin, ["user"])
    assert_problem(await client.delete(f"{MINE}/{theirs['id']}", headers=user.headers), 404, "not_found")
    assert_problem(await client.get(f"{MINE}/{theirs['id']}", headers=user.headers), 404, "not_found")
    assert (await client.get(MINE, headers=user.headers)).json()["total"] == 0
    assert (await client.get(PATIENTS, headers=bearer(theirs["key"]))).status_code == 200


async def test_an_expired_key_is_refused(
    client: httpx.AsyncClient, user: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = await create_key(client, user, ["user"], days=1)
    now = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(hours=23))
    assert (await client.get(PATIENTS, headers=bearer(made["key"]))).status_code == 200
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(days=1, seconds=1))
    assert_problem(await client.get(PATIENTS, headers=bearer(made["key"])), 401, "api_key_expired")


async def test_a_deactivated_owners_keys_stop_at_once(client: httpx.AsyncClient, user: Caller) -> None:
    key = (await create_key(client, user, ["user"]))["key"]
    await User.filter(id=user.user_id).update(is_active=False)
    assert_problem(await client.get(PATIENTS, headers=bearer(key)), 401, "api_key_invalid")


async def test_a_key_loses_a_role_its_owner_loses(client: httpx.AsyncClient, admin: Caller) -> None:
    key = (await create_key(client, admin, ["admin", "user"]))["key"]
    assert (await client.get(USERS, headers=bearer(key))).status_code == 200
    owner = await User.get(id=admin.user_id)
    await owner.roles.remove(await Role.get(name="admin"))
    assert_problem(await client.get(USERS, headers=bearer(key)), 403, "forbidden")
    assert (await client.get(PATIENTS, headers=bearer(key))).status_code == 200


async def test_a_key_of_an_owner_who_must_change_their_password_is_refused(
    client: httpx.AsyncClient, user: Caller
) -> None:
    key = (await create_key(client, user, ["user"]))["key"]
    await User.filter(id=user.user_id).update(password_change_required=True)
    assert_problem(await client.get(PATIENTS, headers=bearer(key)), 403, "password_change_required")


async def test_last_used_is_recorded_at_most_once_a_minute(client: httpx.AsyncClient, user: Caller) -> None:
    made = await create_key(client, user, ["user"])
    await client.get(PATIENTS, headers=bearer(made["key"]))
    first = (await ApiKey.get(id=made["id"])).last_used_at
    assert first is not None
    await client.get(PATIENTS, headers=bearer(made["key"]))
    assert (await ApiKey.get(id=made["id"])).last_used_at == first
    await ApiKey.all().update(last_used_at=clock.utcnow() - timedelta(minutes=2))
    await client.get(PATIENTS, headers=bearer(made["key"]))
    again = (await ApiKey.get(id=made["id"])).last_used_at
    assert again is not None
    assert again > clock.utcnow() - timedelta(minutes=1)
    listed = (await client.get(MINE, headers=user.headers)).json()["items"][0]
    assert listed["last_used_at"] is not None


async def test_the_access_log_names_the_key(client: httpx.AsyncClient, admin: Caller) -> None:
    made = await create_key(client, admin, ["user"], name="nightly export")
    used = await client.get(PATIENTS, headers=bearer(made["key"]))
    await client.get(PATIENTS, headers=admin.headers)
    rows = (await client.get("/api/v1/access-log", params={"path": PATIENTS}, headers=admin.headers)).json()
    by_request = {row["request_id"]: row for row in rows["items"]}
    row = by_request[used.headers["x-request-id"]]
    assert (row["username"], row["api_key_id"], row["api_key_name"]) == ("root", made["id"], "nightly export")
    assert [(r["api_key_id"], r["api_key_name"]) for r in rows["items"]].count((None, None)) == 1
    refused = await client.get(USERS, headers=bearer(made["key"]))
    stored = await AccessLog.get(request_id=refused.headers["x-request-id"])
    assert (stored.status, str(stored.api_key_id), stored.api_key_name) == (403, made["id"], "nightly export")


async def test_creating_and_revoking_keys_are_audit_events(client: httpx.AsyncClient, admin: Caller) -> None:
    nurse = await caller(client, "nurse", ("user",))
    mine = await create_key(client, admin, ["user"], name="mine")
    theirs = await create_key(client, nurse, ["user"], name="theirs")
    await client.delete(f"{MINE}/{mine['id']}", headers=admin.headers)
    await client.delete(f"{EVERY}/{theirs['id']}", headers=admin.headers)
    events = (await client.get("/api/v1/audit-events", headers=admin.headers)).json()["items"]
    assert [
        (e["actor"], e["action"], e["target_label"], e["details"].get("api_key_name")) for e in events
    ] == [
        ("root", "api_key.revoke", "nurse", "theirs"),
        ("root", "api_key.revoke", "root", "mine"),
        ("nurse", "api_key.create", "nurse", "theirs"),
        ("root", "api_key.create", "root", "mine"),
    ]
    assert events[3]["details"]["roles"] == ["user"]
    assert events[3]["details"]["api_key_id"] == mine["id"]
    history = await client.get(
        "/api/v1/audit-events",
        params={"target_type": "user", "target_id": str(nurse.user_id)},
        headers=admin.headers,
    )
    assert [e["action"] for e in history.json()["items"]] == ["api_key.revoke", "api_key.create"]


async def test_admins_list_filter_and_revoke_every_key(
    client: httpx.AsyncClient, admin: Caller, user: Caller
) -> None:
    await create_key(client, admin, ["user"], name="admin's")
    theirs = await create_key(client, user, ["user"], name="nurse's")
    every = (await client.get(EVERY, headers=admin.headers)).json()
    assert [(k["name"], k["username"]) for k in every["items"]] == [("nurse's", "nurse"), ("admin's", "root")]
    only = (await client.get(EVERY, params={"user_id": user.user_id}, headers=admin.headers)).json()
    assert [k["id"] for k in only["items"]] == [theirs["id"]]
    assert only["total"] == 1
    by_name = (await client.get(EVERY, params={"sort": "name"}, headers=admin.headers)).json()
    assert [k["name"] for k in by_name["items"]] == ["admin's", "nurse's"]
    assert_problem(
        await client.get(EVERY, params={"sort": "key_hash"}, headers=admin.headers), 422, "validation_failed"
    )

    assert_problem(await client.get(EVERY, headers=user.headers), 403, "forbidden")
    assert_problem(await client.delete(f"{EVERY}/{theirs['id']}", headers=user.headers), 403, "forbidden")
    assert (await client.delete(f"{EVERY}/{theirs['id']}", headers=admin.headers)).status_code == 204
    assert_problem(await client.get(PATIENTS, headers=bearer(theirs["key"])), 401, "api_key_invalid")
    assert_problem(await client.delete(f"{EVERY}/{theirs['id']}", headers=admin.headers), 404, "not_found")


async def test_an_admin_key_cannot_reach_the_admin_key_routes_without_the_role(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    """Outside /auth a key acts like its owner would with the key's roles: with `admin`, it may list keys."""
    user_only = (await create_key(client, admin, ["user"]))["key"]
    with_admin = (await create_key(client, admin, ["admin"]))["key"]
    assert_problem(await client.get(EVERY, headers=bearer(user_only)), 403, "forbidden")
    assert (await client.get(EVERY, headers=bearer(with_admin))).json()["total"] == 2


async def test_deleting_the_owner_deletes_their_keys(client: httpx.AsyncClient, admin: Caller) -> None:
    bob = await caller(client, "bob", ("user",))
    key = (await create_key(client, bob, ["user"]))["key"]
    assert (await client.delete(f"{USERS}/{bob.user_id}", headers=admin.headers)).status_code == 204
    assert await ApiKey.all().count() == 0
    assert_problem(await client.get(PATIENTS, headers=bearer(key)), 401, "api_key_invalid")


async def test_every_auth_route_refuses_a_key(client: httpx.AsyncClient, admin: Caller) -> None:
    """ASVS 8.2.1: the policy table's every /api/v1/auth route that takes a token, routes added later
    included, is 403 `api_key_not_allowed` for a key holding every role of an admin."""
    key = bearer((await create_key(client, admin, ["admin", "user"]))["key"])
    routes = [
        route for route in routes_with("refresh", "authenticated") if route[1].startswith("api/v1/auth/")
    ]
    assert len(routes) >= 10
    wrong = []
    for method, path in routes:
        response = await call(client, method, path, key)
        if response.status_code != 403 or response.json()["code"] != "api_key_not_allowed":
            wrong.append((method, path, response.status_code))
    assert wrong == []
