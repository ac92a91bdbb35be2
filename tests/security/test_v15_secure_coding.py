"""ASVS 5.0 chapter V15, secure coding: no mass assignment (15.3.3), no type juggling (15.3.5), and
the regressions Schemathesis found, as focused tests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.helpers import Caller

EXTRA = {
    "roles": ["admin"],
    "is_active": True,
    "id": 999,
    "password_hash": "x",
    "user_id": 1,
    "built_in": True,
}


async def test_the_document_forbids_unknown_fields_in_every_body(client: httpx.AsyncClient) -> None:
    """ASVS 15.3.3: every request body schema in the OpenAPI document (so every route taking one, now
    and later) declares additionalProperties: false."""
    document = (await client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    bodies = [
        (method, path, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert len(bodies) >= 15
    for method, path, ref in bodies:
        schema = schemas[ref.rsplit("/", 1)[1]]
        assert schema.get("additionalProperties") is False, (method, path)


async def test_every_body_route_refuses_unknown_fields(client: httpx.AsyncClient, admin: Caller) -> None:
    """ASVS 15.3.3, 8.2.3: sent to every route that takes a body, fields it does not offer are 422."""
    document = (await client.get("/api/v1/openapi.json")).json()
    wrong = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "requestBody" not in operation:
                continue
            concrete = path.replace("{patient_id}", "1").replace("{appointment_id}", "1")
            concrete = concrete.replace("{measure_id}", "1").replace("{user_id}", str(admin.user_id))
            concrete = concrete.replace("{token_id}", "00000000-0000-0000-0000-000000000000").replace(
                "{name}", "user"
            )
            response = await client.request(
                method, concrete, json={"unexpected_field": 1}, headers=admin.headers
            )
            if response.status_code != 422:
                wrong.append((method, path, response.status_code))
    assert wrong == []


def own_login(body: dict[str, Any], user: Caller) -> dict[str, Any]:
    """A login body (one with a password) names the caller, who exists: only the extra field is wrong."""
    return {"username": user.username, **body} if "password" in body else body


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "PUT",
            "/api/v1/auth/me/password",
            {"current_password": DEFAULT_PASSWORD, "new_password": "a new passphrase"},
        ),
        ("POST", "/api/v1/auth/login", {"password": DEFAULT_PASSWORD}),
    ],
)
async def test_self_service_cannot_set_roles_or_flags(
    client: httpx.AsyncClient, user: Caller, method: str, path: str, body: dict[str, Any]
) -> None:
    """ASVS 15.3.3: a plain user slipping `roles`, `is_active` or `id` into a self-service body gets a
    422 and nothing changes: not the password, not the roles."""
    body = own_login(body, user)
    for field, value in EXTRA.items():
        response = await client.request(method, path, json=body | {field: value}, headers=user.headers)
        assert response.status_code == 422, field
        assert response.json()["errors"][0]["loc"] == ["body", field]
    me = (await client.get("/api/v1/auth/me", headers=user.headers)).json()
    assert me["roles"] == ["user"]
    relogin = await client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert relogin.status_code == 200


async def test_admin_bodies_cannot_set_server_owned_fields(client: httpx.AsyncClient, admin: Caller) -> None:
    """ASVS 15.3.3: ids, hashes, timestamps and `built_in` are the server's."""
    attempts = [
        ("POST", "/api/v1/users", {"username": "new-user", "password": "a long passphrase", "id": 5}),
        (
            "POST",
            "/api/v1/users",
            {"username": "new-user", "password": "a long passphrase", "password_hash": "x"},
        ),
        ("PATCH", f"/api/v1/users/{admin.user_id}", {"created_at": "2020-01-01T00:00:00Z"}),
        ("POST", "/api/v1/roles", {"name": "auditor", "built_in": True}),
        ("POST", "/api/v1/patients", {"name": "a", "surname": "b", "id": 77}),
        ("POST", "/api/patient/", {"name": "a", "surname": "b", "id": 77}),
    ]
    for method, path, body in attempts:
        response = await client.request(method, path, json=body, headers=admin.headers)
        assert response.status_code == 422, (method, path, body)
    assert (await client.get("/api/v1/patients", headers=admin.headers)).json()["total"] == 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        (
            "POST",
            "/api/v1/auth/login",
            {"password": DEFAULT_PASSWORD, "use_cookie": 1},
        ),
        ("POST", "/api/v1/patients", {"name": "a", "surname": "b", "birthday": 0}),
        ("POST", "/api/v1/patients", {"name": 1, "surname": "b"}),
        (
            "POST",
            "/api/v1/patients",
            {
                "name": "a",
                "surname": "b",
                "appointments": [
                    {
                        "date": "2024-01-01T00:00:00Z",
                        "measures": [
                            {
                                "category_id": "1",
                                "marker": "m",
                                "value": 1.0,
                                "timestamp": "2024-01-01T00:00:00Z",
                            }
                        ],
                    }
                ],
            },
        ),
        (
            "POST",
            "/api/v1/patients",
            {
                "name": "a",
                "surname": "b",
                "appointments": [
                    {
                        "date": "2024-01-01T00:00:00Z",
                        "measures": [
                            {
                                "category_id": 1,
                                "marker": "m",
                                "value": False,
                                "timestamp": "2024-01-01T00:00:00Z",
                            }
                        ],
                    }
                ],
            },
        ),
        ("POST", "/api/v1/patients", {"name": "a", "surname": "b", "appointments": [{"date": 1700000000}]}),
    ],
)
async def test_no_type_juggling_in_bodies(
    client: httpx.AsyncClient, user: Caller, method: str, path: str, body: dict[str, Any]
) -> None:
    """ASVS 15.3.5: bodies are strict: 1 is not true, false is not 0.0, "1" is not 1, a number is not a
    date (Schemathesis found `{"blocked": 0}` and `"value": false` accepted)."""
    response = await client.request(method, path, json=own_login(body, user), headers=user.headers)
    assert response.status_code == 422, response.text


async def test_a_json_integer_may_be_written_as_26_0(client: httpx.AsyncClient, admin: Caller) -> None:
    """The control for the test above: JSON Schema counts 1.0 as an integer, and so do we."""
    category = await client.post("/api/v1/categories", json={"name": "blood"}, headers=admin.headers)
    measure = {
        "category_id": float(category.json()["id"]),
        "marker": "m",
        "value": 1,
        "timestamp": "2024-01-01T00:00:00Z",
    }
    body = {
        "name": "a",
        "surname": "b",
        "appointments": [{"date": "2024-01-01T00:00:00Z", "measures": [measure]}],
    }
    assert (await client.post("/api/v1/patients", json=body, headers=admin.headers)).status_code == 201


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/patients/1", {"name": None}),
        ("/api/v1/patients/1", {"surname": None, "comments": None}),
        ("/api/v1/patients/1/appointments/1", {"notes": None}),
        ("/api/v1/patients/1/appointments/1", {"date": None}),
        ("/api/v1/patients/1/appointments/1/measures/1", {"value": None}),
    ],
)
async def test_null_for_a_required_column_is_422(
    client: httpx.AsyncClient, admin: Caller, path: str, body: dict[str, Any]
) -> None:
    """Schemathesis found `PATCH {"name": null}` a 500 (the column is NOT NULL); absent keeps the value."""
    category = (await client.post("/api/v1/categories", json={"name": "c"}, headers=admin.headers)).json()
    measure = {
        "category_id": category["id"],
        "marker": "m",
        "value": 1.0,
        "timestamp": "2024-01-01T00:00:00Z",
    }
    patient = {
        "name": "a",
        "surname": "b",
        "appointments": [{"date": "2024-01-01T00:00:00Z", "measures": [measure]}],
    }
    assert (await client.post("/api/v1/patients", json=patient, headers=admin.headers)).status_code == 201
    response = await client.patch(path, json=body, headers=admin.headers)
    assert response.status_code == 422
    assert (await client.patch(path, json={}, headers=admin.headers)).status_code == 200
    cleared = await client.patch("/api/v1/patients/1", json={"birthday": None}, headers=admin.headers)
    assert cleared.status_code == 200  # birthday is the one nullable column
    # The legacy PUT keeps a field sent as null, as the Flask template's did.
    legacy = await client.put("/api/patient/1", json={"name": None}, headers=admin.headers)
    assert (legacy.status_code, legacy.json()["name"]) == (200, "a")
