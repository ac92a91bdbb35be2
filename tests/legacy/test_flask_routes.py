"""A client written for the Flask template, talking to this server unchanged (see the seed README)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sanic import Sanic

from backend.audit.models import AccessLog
from backend.auth.models import Token
from backend.clock import utcnow
from backend.patients.models import Patient
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import bearer

JSON = {"Content-Type": "application/json"}


def flask_client(token: str) -> dict[str, str]:
    """The headers the Flask template's clients send: the token, and JSON on every request."""
    return bearer(token) | JSON


@pytest.fixture
async def tokens(client: httpx.AsyncClient) -> dict[str, str]:
    await make_user("client", roles=("user",))
    response = await client.post(
        "/api/auth/", headers=JSON, json={"username": "client", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    body: dict[str, str] = response.json()
    assert set(body) == {"access_token", "refresh_token"}
    return body


async def test_bad_credentials_answer_the_flask_message(client: httpx.AsyncClient) -> None:
    await make_user("client")
    for username in ("client", "nobody"):
        response = await client.post("/api/auth/", json={"username": username, "password": "wrong"})
        assert response.status_code == 401
        assert response.json() == {"msg": "Bad username or password"}


async def test_refresh_gives_a_new_access_token_without_rotation(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    first = await client.get("/api/auth/", headers=flask_client(tokens["refresh_token"]))
    second = await client.get("/api/auth/", headers=flask_client(tokens["refresh_token"]))
    assert first.status_code == second.status_code == 200
    assert set(first.json()) == {"access_token"}
    assert (
        await client.get("/api/patient/", headers=flask_client(second.json()["access_token"]))
    ).status_code == 200


async def test_an_access_token_cannot_refresh(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await client.get("/api/auth/", headers=flask_client(tokens["access_token"]))
    assert response.status_code == 401
    assert set(response.json()) == {"msg"}


async def test_logout_revokes_the_login(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await client.delete("/api/auth/", headers=flask_client(tokens["refresh_token"]))
    assert response.json() == {"msg": "Access token revoked"}
    refused = await client.get("/api/patient/", headers=flask_client(tokens["access_token"]))
    assert refused.status_code == 401
    assert refused.json() == {"msg": "Token has been revoked"}
    assert (await client.get("/api/auth/", headers=flask_client(tokens["refresh_token"]))).json() == {
        "msg": "Token has been revoked"
    }


async def test_an_expired_token_answers_token_has_expired(client: httpx.AsyncClient, app: Sanic) -> None:
    user = await make_user("client")
    await client.post("/api/auth/", json={"username": "client", "password": DEFAULT_PASSWORD})
    login = await Token.get(user_id=user.id)
    old = app.ctx.tokens.issue(
        user_id=user.id, login_id=login.id, kind="access", now=utcnow() - timedelta(hours=2)
    )
    response = await client.get("/api/patient/1", headers=flask_client(old.token))
    assert response.status_code == 401
    assert response.json() == {"msg": "Token has expired"}
    old_refresh = app.ctx.tokens.issue(
        user_id=user.id, login_id=login.id, kind="refresh", now=utcnow() - timedelta(days=60)
    )
    assert (await client.get("/api/auth/", headers=flask_client(old_refresh.token))).json() == {
        "msg": "Token has expired"
    }


async def test_missing_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/patient/")
    assert response.status_code == 401
    assert response.json() == {"msg": "Missing Authorization Header"}


async def test_the_patient_routes_keep_the_flask_shapes(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    headers = flask_client(tokens["access_token"])
    created = await client.post(
        "/api/patient/",
        headers=headers,
        json={"name": "Harald", "surname": "Meier", "birthday": "1961-04-02", "comments": "new"},
    )
    assert created.status_code == 200
    patient = created.json()
    assert patient["name"] == "Harald"
    assert patient["birthday"] == "1961-04-02"
    assert patient["appointments"] == []
    listed = (await client.get("/api/patient/", headers=headers)).json()
    assert listed == {"patients": [patient]}
    assert (await client.get(f"/api/patient/{patient['id']}", headers=headers)).json() == patient
    updated = await client.put(f"/api/patient/{patient['id']}", headers=headers, json={"surname": "Maier"})
    assert (updated.json()["surname"], updated.json()["name"], updated.json()["comments"]) == (
        "Maier",
        "Harald",
        "new",
    )
    deleted = await client.delete(f"/api/patient/{patient['id']}", headers=headers)
    assert deleted.json() == {"message": "Patient deleted"}
    assert not await Patient.exists(id=patient["id"])
    missing = await client.get(f"/api/patient/{patient['id']}", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


async def test_legacy_routes_check_roles_and_are_logged(client: httpx.AsyncClient) -> None:
    await make_user("clerk", roles=())
    tokens = (
        await client.post("/api/auth/", json={"username": "clerk", "password": DEFAULT_PASSWORD})
    ).json()
    response = await client.get("/api/patient/", headers=flask_client(tokens["access_token"]))
    assert response.status_code == 403
    assert await AccessLog.filter(path="/api/patient/", status=403, username="clerk").exists()
    assert await AccessLog.filter(path="/api/auth/", status=200).exists()


async def test_invalid_patient_data_is_a_problem(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    response = await client.post(
        "/api/patient/", headers=flask_client(tokens["access_token"]), json={"name": ""}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("1971-07-30", "1971-07-30"),
        ("1971-07-30T00:00:00", "1971-07-30"),  # the template's client: datetime(1971, 7, 30).isoformat()
        ("1971-07-30 15:45:10.123456", "1971-07-30"),
        ("1971-07-30T00:00:00.000Z", "1971-07-30"),  # JavaScript's toISOString()
        ("1971-07-30T23:30:00-05:00", "1971-07-30"),  # the 31st in UTC: the date as written counts
        ("1971-07-30T00:30:00+0200", "1971-07-30"),  # the 29th in UTC
        ("19710730", "1971-07-30"),
        (" 1971-07-30 ", "1971-07-30"),
        ("30.07.1971", "1971-07-30"),  # the template's own form, day first
        ("01.02.1971 00:00:00.000000", "1971-02-01"),
    ],
)
async def test_a_birthday_is_taken_in_every_form_the_template_took(
    client: httpx.AsyncClient, tokens: dict[str, str], sent: str, stored: str
) -> None:
    headers = flask_client(tokens["access_token"])
    created = await client.post(
        "/api/patient/", headers=headers, json={"name": "Hans", "surname": "Meier", "birthday": sent}
    )
    assert created.status_code == 200, created.text
    assert created.json()["birthday"] == stored
    patient_id = created.json()["id"]
    await client.put(f"/api/patient/{patient_id}", headers=headers, json={"birthday": "2000-01-01"})
    updated = await client.put(f"/api/patient/{patient_id}", headers=headers, json={"birthday": sent})
    assert updated.json()["birthday"] == stored
    assert str((await Patient.get(id=patient_id)).birthday) == stored


@pytest.mark.parametrize(
    "sent",
    [
        "1971-02-30",
        "30/07/1971",
        "July 30, 1971",
        "1971",
        "",
        "2999-01-01T00:00:00Z",  # in the future
        "9999-12-31T23:59:59-01:00",  # in year 10000 once in UTC: refused, not an overflow
        "1800-01-01",
        True,
        ["1971-07-30"],
        {"date": "1971-07-30"},
    ],
)
async def test_a_birthday_that_is_no_date_is_a_problem(
    client: httpx.AsyncClient, tokens: dict[str, str], sent: object
) -> None:
    response = await client.post(
        "/api/patient/",
        headers=flask_client(tokens["access_token"]),
        json={"name": "Hans", "surname": "Meier", "birthday": sent},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "birthday"]]
    assert not await Patient.exists()


async def test_the_canonical_api_still_takes_only_a_date(client: httpx.AsyncClient) -> None:
    await make_user("nurse", roles=("user",))
    login = await client.post("/api/v1/auth/login", json={"username": "nurse", "password": DEFAULT_PASSWORD})
    response = await client.post(
        "/api/v1/patients",
        headers=flask_client(login.json()["access_token"]),
        json={"name": "Hans", "surname": "Meier", "birthday": "1971-07-30T00:00:00"},
    )
    assert response.status_code == 422


async def test_a_number_in_a_text_field_is_taken_as_its_text(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    """The template's reqparse read these fields with `type=str`."""
    headers = flask_client(tokens["access_token"])
    created = await client.post(
        "/api/patient/",
        headers=headers,
        json={"name": 7, "surname": 1.5, "birthday": 19710730, "comments": 42},
    )
    assert created.status_code == 200, created.text
    patient = created.json()
    assert (patient["name"], patient["surname"], patient["birthday"], patient["comments"]) == (
        "7",
        "1.5",
        "1971-07-30",
        "42",
    )
    updated = await client.put(
        f"/api/patient/{patient['id']}", headers=headers, json={"surname": 12, "comments": 0}
    )
    assert (updated.json()["surname"], updated.json()["comments"]) == ("12", "0")


async def test_null_comments_are_none(client: httpx.AsyncClient, tokens: dict[str, str]) -> None:
    created = await client.post(
        "/api/patient/",
        headers=flask_client(tokens["access_token"]),
        json={"name": "Hans", "surname": "Meier", "birthday": None, "comments": None},
    )
    assert created.status_code == 200, created.text
    assert (created.json()["birthday"], created.json()["comments"]) == (None, "")


@pytest.mark.parametrize("sent", [True, ["Hans"], {"first": "Hans"}, None])
async def test_a_name_that_is_no_text_nor_number_is_a_problem(
    client: httpx.AsyncClient, tokens: dict[str, str], sent: object
) -> None:
    response = await client.post(
        "/api/patient/", headers=flask_client(tokens["access_token"]), json={"name": sent, "surname": "Meier"}
    )
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "name"]]


async def test_a_numeric_password_or_username_logs_in(client: httpx.AsyncClient) -> None:
    """The template's login took `str(...)` of both fields: its README's password is 123456."""
    await make_user("client", password="123456")
    await make_user("4711", password="0815")
    by_number = await client.post("/api/auth/", json={"username": "client", "password": 123456})
    assert by_number.status_code == 200
    assert set(by_number.json()) == {"access_token", "refresh_token"}
    assert (await client.post("/api/auth/", json={"username": 4711, "password": "0815"})).status_code == 200


@pytest.mark.parametrize(
    "sent",
    [
        {},
        {"username": "client"},
        {"password": "123456"},
        {"username": None, "password": None},
        {"username": ""},
    ],
)
async def test_a_login_without_credentials_answers_the_flask_message(
    client: httpx.AsyncClient, sent: dict[str, object]
) -> None:
    await make_user("client", password="123456")
    response = await client.post("/api/auth/", json=sent)
    assert response.status_code == 401
    assert response.json() == {"msg": "Bad username or password"}


@pytest.mark.parametrize(
    "sent",
    [
        {"name": None, "surname": None, "birthday": None, "comments": None},
        {"name": "", "surname": "", "birthday": "", "comments": ""},
    ],
)
async def test_put_keeps_what_comes_null_or_empty(
    client: httpx.AsyncClient, tokens: dict[str, str], sent: dict[str, object]
) -> None:
    """The template's PUT: `patient.name = args['name'] or patient.name`, and so on."""
    headers = flask_client(tokens["access_token"])
    patient = {"name": "Hans", "surname": "Meier", "birthday": "1971-07-30", "comments": "new"}
    created = (await client.post("/api/patient/", headers=headers, json=patient)).json()
    updated = await client.put(f"/api/patient/{created['id']}", headers=headers, json=sent)
    assert updated.status_code == 200, updated.text
    assert updated.json() == created
    changed = await client.put(
        f"/api/patient/{created['id']}", headers=headers, json=sent | {"comments": "seen"}
    )
    assert changed.json() == created | {"comments": "seen"}
