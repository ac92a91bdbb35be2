"""The headers that protect responses: on the API, its errors, the probes and the console."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backend.app import create_app
from backend.config import Settings
from tests.factories import make_user
from tests.harness import serve_in_process
from tests.helpers import bearer, login


@pytest.fixture
async def console(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<!doctype html><script type="module" src="/assets/app.js"></script>')
    (dist / "assets" / "app.js").write_text("console.log('app')")
    app = create_app(settings.model_copy(update={"frontend_dist": dist}), name=f"headers_{uuid.uuid4().hex}")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


def assert_baseline(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert "server" not in headers
    assert "x-powered-by" not in headers


async def test_auth_and_admin_data_are_never_stored_by_a_cache(console: httpx.AsyncClient) -> None:
    await make_user("boss", roles=("admin", "user"))
    tokens = await login(console, "boss")
    headers = bearer(tokens["access_token"])
    responses = [
        await console.post("/api/v1/auth/login", json={"username": "boss", "password": "wrong password!"}),
        await console.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        await console.get("/api/v1/auth/me", headers=headers),
        await console.get("/api/v1/auth/me/tokens", headers=headers),
        await console.get("/api/v1/users", headers=headers),
        await console.get("/api/v1/access-log", headers=headers),
        await console.get("/api/v1/access-log/export", headers=headers),
        await console.get("/api/v1/access-log/stats", headers=headers),
        await console.get("/api/v1/users"),
    ]
    for response in responses:
        assert response.status_code in (200, 401), (response.request.url, response.status_code)
        assert response.headers["cache-control"] == "no-store", response.request.url
        assert_baseline(response)


async def test_the_console_page_has_a_strict_policy_and_cannot_be_framed(console: httpx.AsyncClient) -> None:
    for path in ("/", "/users/42"):
        page = await console.get(path)
        assert page.status_code == 200
        policy = {
            directive.split()[0]: directive.split()[1:]
            for directive in page.headers["content-security-policy"].split(";")
        }
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert "'unsafe-inline'" not in page.headers["content-security-policy"]
        assert "'unsafe-eval'" not in page.headers["content-security-policy"]
        assert_baseline(page)


@pytest.mark.parametrize(
    "path", ["/assets/app.js", "/healthz", "/readyz", "/nowhere", "/api/v1/nothing", "/api/v1/openapi.json"]
)
async def test_every_other_response_has_the_baseline_headers(console: httpx.AsyncClient, path: str) -> None:
    assert_baseline(await console.get(path))


async def test_errors_name_no_library_and_api_errors_are_not_cached(client: httpx.AsyncClient) -> None:
    for response in (
        await client.delete("/healthz"),
        await client.post("/api/v1/auth/login", content=b"{", headers={"content-type": "application/json"}),
        await client.get("/api/v1/users"),
        await client.post("/api/auth/", json={"username": "nobody", "password": "wrong password!"}),
    ):
        assert response.status_code in (400, 401, 405)
        assert_baseline(response)
        assert "sanic" not in response.text.lower()
        if response.request.url.path.startswith("/api/"):
            assert response.headers["cache-control"] == "no-store"
