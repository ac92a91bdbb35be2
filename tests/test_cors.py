from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from backend.app import create_app
from backend.config import Settings, exact_origin
from tests.factories import make_user
from tests.harness import serve_in_process
from tests.helpers import assert_problem, bearer, login

ALLOWED = "https://app.example"
OTHER = "https://evil.example"


def preflight(
    origin: str, method: str = "PATCH", headers: str = "authorization, content-type"
) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {name: value for name, value in response.headers.items() if name.startswith("access-control-")}


def vary(response: httpx.Response) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("vary", "").split(",") if part.strip()}


@pytest.fixture
async def cors_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    configured = settings.model_copy(update={"cors_origins": [ALLOWED, "http://localhost:5173"]})
    app = create_app(configured, name=f"cors_{uuid.uuid4().hex}")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def test_cors_is_off_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me", headers={"Origin": ALLOWED})
    assert response.status_code == 401
    assert cors_headers(response) == {}
    refused = await client.options("/api/v1/users/", headers=preflight(ALLOWED))
    assert_problem(refused, 403, "cors_not_allowed")
    assert cors_headers(refused) == {}


async def test_a_listed_origin_may_read_responses_but_never_with_credentials(
    cors_client: httpx.AsyncClient,
) -> None:
    await make_user("nurse")
    token = (await login(cors_client, "nurse"))["access_token"]
    response = await cors_client.get("/api/v1/auth/me", headers={"Origin": ALLOWED, **bearer(token)})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "X-Request-ID" in response.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in response.headers
    assert "origin" in vary(response)


async def test_errors_carry_cors_headers_so_the_client_can_read_them(cors_client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/auth/me", "/api/v1/nothing-here"):
        response = await cors_client.get(path, headers={"Origin": ALLOWED})
        assert response.status_code in (401, 404)
        assert response.headers["access-control-allow-origin"] == ALLOWED


async def test_other_origins_get_no_cors_headers_but_vary_on_origin(cors_client: httpx.AsyncClient) -> None:
    for origin in (OTHER, "null", "https://app.example.evil.example", "http://app.example"):
        response = await cors_client.get("/api/v1/auth/me", headers={"Origin": origin})
        assert response.status_code == 401
        assert cors_headers(response) == {}
        assert "origin" in vary(response)
    assert "origin" in vary(await cors_client.get("/api/v1/auth/me"))


async def test_a_preflight_from_a_listed_origin_is_answered(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.options("/api/v1/users/42", headers=preflight(ALLOWED))
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "PATCH" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers
    assert int(response.headers["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in response.headers
    assert {"origin", "access-control-request-method", "access-control-request-headers"} <= vary(response)
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    "headers",
    [
        preflight(OTHER),
        preflight("null"),
        preflight(ALLOWED, method="PROPFIND"),
        preflight(ALLOWED, headers="authorization, x-forwarded-for"),
    ],
    ids=["other-origin", "null-origin", "method", "header"],
)
async def test_a_preflight_asking_for_anything_unlisted_is_refused(
    cors_client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await cors_client.options("/api/v1/users/", headers=headers)
    assert_problem(response, 403, "cors_not_allowed")
    assert cors_headers(response) == {}


async def test_cors_covers_the_api_only(cors_client: httpx.AsyncClient) -> None:
    response = await cors_client.get("/healthz", headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert (await cors_client.options("/healthz", headers=preflight(ALLOWED))).status_code == 405


@pytest.mark.parametrize(
    ("configured", "origin"),
    [
        ("https://app.example", "https://app.example"),
        ("HTTPS://App.Example:443/", "https://app.example"),
        ("http://localhost:5173", "http://localhost:5173"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_configured_origins_are_normalised_like_browsers_send_them(configured: str, origin: str) -> None:
    assert exact_origin(configured) == origin


@pytest.mark.parametrize(
    "configured",
    ["*", "null", "https://*.example", "app.example", "https://app.example/api", "ftp://app.example",
     "https://user@app.example", "https://app.example?x=1", "https://app.example:port"],
)  # fmt: skip
def test_anything_but_an_exact_origin_is_refused(configured: str) -> None:
    with pytest.raises(ValueError, match="CORS_ORIGINS"):
        Settings(cors_origins=configured)
