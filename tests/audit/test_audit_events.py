"""The audit trail: admin actions read back as events (who did what to whom, when), filtered,
paged and exported; for admins only. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from backend.clock import utcnow
from tests.factories import make_user
from tests.helpers import Caller, bearer, login

EVENTS = "/api/v1/audit-events"
PASSWORD = "a long enough passphrase"


async def events(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(EVENTS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def create_user(client: httpx.AsyncClient, headers: dict[str, str], username: str) -> int:
    created = await client.post(
        "/api/v1/users", headers=headers, json={"username": username, "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    user_id: int = created.json()["id"]
    return user_id


async def test_admin_actions_read_as_who_did_what_to_whom_newest_first(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    bob = await create_user(client, admin.headers, "bob")
    changed = await client.patch(
        f"/api/v1/users/{bob}", headers=admin.headers, json={"roles": ["admin", "user"]}
    )
    await client.post(
        "/api/v1/roles", headers=admin.headers, json={"name": "auditor", "description": "reads"}
    )
    await client.delete("/api/v1/roles/auditor", headers=admin.headers)
    await login(client, "bob", PASSWORD)  # a login is no admin action: not in the trail

    page = await events(client, admin.headers)
    assert [(e["action"], e["target_type"], e["target_label"]) for e in page["items"]] == [
        ("role.delete", "role", "auditor"),
        ("role.create", "role", "auditor"),
        ("user.update", "user", "bob"),
        ("user.create", "user", "bob"),
    ]
    assert page["total"] == 4
    update = page["items"][2]
    assert set(update) == {
        "id", "timestamp", "actor", "actor_id", "action", "target_type", "target_id", "target_label",
        "details", "request_id",
    }  # fmt: skip
    assert (update["actor"], update["target_id"]) == ("root", str(bob))
    assert update["actor_id"] is not None
    assert update["details"] == {"changes": {"roles": {"from": ["user"], "to": ["admin", "user"]}}}
    assert update["request_id"] == changed.headers["x-request-id"]
    assert page["items"][3]["details"] == {"roles": ["user"]}


async def test_a_users_history_follows_them_through_a_rename_and_leaves_others_out(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    bob = await create_user(client, admin.headers, "bob")
    carol = await create_user(client, admin.headers, "carol")
    await client.patch(f"/api/v1/users/{bob}", headers=admin.headers, json={"username": "robert"})
    await client.put(
        f"/api/v1/users/{bob}/password", headers=admin.headers, json={"password": PASSWORD + "!"}
    )
    await client.patch(f"/api/v1/users/{carol}", headers=admin.headers, json={"is_active": False})

    history = await events(client, admin.headers, target_type="user", target_id=str(bob))
    assert [(e["action"], e["target_label"]) for e in history["items"]] == [
        ("user.password_reset", "robert"),
        ("user.update", "robert"),
        ("user.create", "bob"),
    ]
    assert history["items"][1]["details"]["changes"] == {"username": {"from": "bob", "to": "robert"}}


async def test_a_blocked_login_is_in_its_owners_history(client: httpx.AsyncClient, admin: Caller) -> None:
    bob = await make_user("bob")
    await login(client, "bob")
    tokens = (await client.get(f"/api/v1/users/{bob.id}/tokens", headers=admin.headers)).json()["items"]
    await client.patch(f"/api/v1/tokens/{tokens[0]['id']}", headers=admin.headers, json={"blocked": True})
    await client.delete(f"/api/v1/users/{bob.id}/tokens", headers=admin.headers)
    history = await events(client, admin.headers, target_type="user", target_id=str(bob.id))
    assert [e["action"] for e in history["items"]] == ["user.tokens_revoke", "token.block"]
    assert history["items"][1]["details"] == {"token_id": tokens[0]["id"]}


async def test_filters_by_action_actor_and_time_and_pages(client: httpx.AsyncClient, admin: Caller) -> None:
    await make_user("second", roles=("admin",))
    second = bearer((await login(client, "second"))["access_token"])
    for name in ("user1", "user2", "user3"):
        await create_user(client, admin.headers, name)
    await create_user(client, second, "user4")
    await client.delete(f"/api/v1/users/{(await make_user('user5')).id}", headers=second)

    by_second = await events(client, admin.headers, actor="SECOND")
    assert [(e["action"], e["target_label"]) for e in by_second["items"]] == [
        ("user.delete", "user5"),
        ("user.create", "user4"),
    ]
    creates = await events(client, admin.headers, action="user.create", per_page=2, page=2)
    assert creates["total"] == 4
    assert [e["target_label"] for e in creates["items"]] == ["user2", "user1"]
    oldest_first = await events(client, admin.headers, action="user.create", sort="timestamp", per_page=1)
    assert oldest_first["items"][0]["target_label"] == "user1"
    later = (utcnow() + timedelta(minutes=5)).isoformat()
    earlier = (utcnow() - timedelta(minutes=5)).isoformat()
    assert (await events(client, admin.headers, since=later))["total"] == 0
    assert (await events(client, admin.headers, until=earlier))["total"] == 0
    assert (await events(client, admin.headers, since=earlier, until=later))["total"] == 5


async def test_the_export_is_the_filtered_events_as_csv_oldest_first(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    bob = await create_user(client, admin.headers, "-bob")  # a formula-looking name is defused
    await client.patch(f"/api/v1/users/{bob}", headers=admin.headers, json={"is_active": False})
    await create_user(client, admin.headers, "carol")
    response = await client.get(
        f"{EVENTS}/export", params={"target_type": "user", "target_id": str(bob)}, headers=admin.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "audit-events.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == [
        "id", "timestamp", "actor", "actor_id", "action", "target_type", "target_id", "target_label",
        "details", "request_id",
    ]  # fmt: skip
    assert [(row["action"], row["target_label"], row["actor"]) for row in rows] == [
        ("user.create", "'-bob", "root"),
        ("user.update", "'-bob", "root"),
    ]
    assert json.loads(rows[1]["details"]) == {"changes": {"is_active": {"from": True, "to": False}}}


async def test_only_admins_read_the_trail(client: httpx.AsyncClient, admin: Caller) -> None:
    await make_user("plain")
    plain = bearer((await login(client, "plain"))["access_token"])
    for path in (EVENTS, f"{EVENTS}/export"):
        refused = await client.get(path, headers=plain)
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert (await client.get(path)).status_code == 401
    assert (await client.delete(EVENTS, headers=admin.headers)).status_code == 405


BAD_FILTERS = [
    ({"target_type": "widget"}, "target_type"),
    ({"target_id": "3"}, "target_type"),
    ({"action": "not an action"}, "action"),
    ({"since": "yesterday"}, "since"),
    ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "since"),
]
BAD_PAGES = [({"sort": "actor"}, "sort"), ({"per_page": "1000"}, "per_page")]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [(EVENTS, *case) for case in BAD_FILTERS + BAD_PAGES]
    + [(f"{EVENTS}/export", *case) for case in BAD_FILTERS],
)
async def test_a_bad_filter_is_a_422_problem_naming_it(
    client: httpx.AsyncClient, admin: Caller, path: str, params: dict[str, str], field: str
) -> None:
    response = await client.get(path, params=params, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert ["query", field] in [error["loc"] for error in response.json()["errors"]]
