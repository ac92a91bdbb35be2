"""ASVS 5.0 chapter V1, encoding and sanitization: filters and sorting reach the database as parameters,
never as SQL (1.2.4), and LIKE wildcards in a search are literal characters."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import Caller

NAMES = [
    "O'Brien",
    'Say "hi"',
    "100%",
    "a_b",
    "back\\slash",
    "semi;colon--",
    "Robert'); DROP TABLE patient;--",
]
HOSTILE = [
    "' OR '1'='1",
    "' OR 1=1--",
    '" OR ""="',
    "%' --",
    '\') UNION SELECT username, password_hash FROM "user"--',
]


@pytest.fixture
async def patients(client: httpx.AsyncClient, user: Caller) -> None:
    for name in [*NAMES, "plain"]:
        response = await client.post(
            "/api/v1/patients", json={"name": name, "surname": "x"}, headers=user.headers
        )
        assert response.status_code == 201


async def search(client: httpx.AsyncClient, user: Caller, q: str) -> list[str]:
    response = await client.get("/api/v1/patients", params={"q": q, "per_page": 100}, headers=user.headers)
    assert response.status_code == 200, response.text
    return sorted(item["name"] for item in response.json()["items"])


@pytest.mark.usefixtures("patients")
async def test_sql_metacharacters_in_a_search_match_literally(
    client: httpx.AsyncClient, user: Caller
) -> None:
    """ASVS 1.2.4: quotes, comments and semicolons find exactly the names that contain them."""
    for name in NAMES:
        assert await search(client, user, name) == [name]
    for hostile in HOSTILE:
        assert await search(client, user, hostile) == []
    assert len(await search(client, user, "")) == len(NAMES) + 1  # the table is still there


@pytest.mark.usefixtures("patients")
async def test_like_wildcards_are_literal(client: httpx.AsyncClient, user: Caller) -> None:
    """ASVS 1.2.4: `%` and `_` in a search are characters, not patterns: `%` is not "everything"."""
    assert await search(client, user, "%") == ["100%"]
    assert await search(client, user, "_") == ["a_b"]
    assert await search(client, user, "\\") == ["back\\slash"]


async def test_hostile_filters_on_users_and_the_access_log(client: httpx.AsyncClient, admin: Caller) -> None:
    """ASVS 1.2.4: the same on the admin filters, whose values reach the database too."""
    for hostile in HOSTILE:
        users = await client.get(
            "/api/v1/users", params={"q": hostile, "role": hostile}, headers=admin.headers
        )
        assert users.status_code == 200
        assert users.json()["total"] == 0
        for name in ("username", "path", "ip"):
            rows = await client.get("/api/v1/access-log", params={name: hostile}, headers=admin.headers)
            assert rows.status_code == 200, (name, rows.text)
            assert rows.json()["total"] == 0
    everyone = await client.get("/api/v1/users", params={"q": "%"}, headers=admin.headers)
    assert everyone.json()["total"] == 0


@pytest.mark.parametrize(
    "sort",
    [
        "name; DROP TABLE patient",
        "(SELECT 1)",
        "name DESC",
        "name,(CASE WHEN 1=1 THEN name END)",
        "--name",
        "id`",
    ],
)
async def test_sort_only_takes_names_from_the_allowlist(
    client: httpx.AsyncClient, user: Caller, sort: str
) -> None:
    """ASVS 1.2.4: `sort` is mapped through an allowlist to columns; anything else is 422, never SQL."""
    response = await client.get("/api/v1/patients", params={"sort": sort}, headers=user.headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["query", "sort"], "msg": "Unknown sort field", "type": "sort_field"}
    ]
