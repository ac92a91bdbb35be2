"""ASVS 5.0 chapter V14, data protection: no token travels in a URL, secrets in a query string never
reach the access log, and API responses are not cached."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import Caller


@pytest.mark.parametrize("name", ["access_token", "token", "jwt", "bearer", "Authorization"])
async def test_an_access_token_in_the_query_string_is_never_accepted(
    client: httpx.AsyncClient, user: Caller, name: str
) -> None:
    """ASVS 14.2.1: only the Authorization header carries an access token."""
    for path in ("/api/v1/auth/me", "/api/v1/patients", "/api/patient/"):
        response = await client.get(path, params={name: user.access_token})
        assert response.status_code == 401, (path, name)
    bearer = await client.get("/api/v1/auth/me", params={"Authorization": f"Bearer {user.access_token}"})
    assert bearer.status_code == 401


async def test_a_refresh_token_in_the_query_string_is_never_accepted(
    client: httpx.AsyncClient, user: Caller
) -> None:
    """ASVS 14.2.1: nor does a refresh token, on the refresh and logout routes, new or legacy."""
    params = {"refresh_token": user.refresh_token}
    assert (await client.post("/api/v1/auth/refresh", params=params)).status_code == 401
    assert (await client.post("/api/v1/auth/logout", params=params)).status_code == 401
    assert (await client.get("/api/auth/", params=params)).status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=user.headers)).status_code == 200  # not logged out


async def test_secrets_sent_in_a_query_string_are_redacted_in_the_access_log(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    """ASVS 14.2.1, 16.2.5: a client that wrongly puts a secret in a URL does not leak it into the log."""
    await client.get(
        "/api/v1/auth/me", params={"access_token": admin.access_token, "password": "hunter2", "x": "1"}
    )
    rows = (await client.get("/api/v1/access-log", headers=admin.headers)).json()["items"]
    logged = next(row for row in rows if "access_token" in row["query"])
    assert logged["query"] == "access_token=[redacted]&password=[redacted]&x=1"
    export = await client.get("/api/v1/access-log/export", headers=admin.headers)
    assert admin.access_token not in export.text
    assert "hunter2" not in export.text


async def test_api_responses_are_not_cached(client: httpx.AsyncClient, user: Caller) -> None:
    """ASVS 14.3.2: tokens, patient data and errors carry Cache-Control: no-store."""
    responses = [
        await client.post(
            "/api/v1/auth/login", json={"username": user.username, "password": "wrong password"}
        ),
        await client.get("/api/v1/patients", headers=user.headers),
        await client.get("/api/v1/auth/me", headers=user.headers),
        await client.get("/api/v1/nothing-here"),
    ]
    for response in responses:
        assert response.headers["cache-control"] == "no-store", response.request.url
