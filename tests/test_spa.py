from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backend.app import create_app
from backend.config import Settings
from tests.harness import serve_in_process


@pytest.fixture
async def console(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>'
    )
    (dist / "assets" / "app-1a2b.js").write_text("console.log('app')")
    (dist / "color-scheme.js").write_text("// scheme")
    app = create_app(settings.model_copy(update={"frontend_dist": dist}), name=f"spa_{tmp_path.name}")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def test_the_console_is_served_at_the_root_with_a_strict_policy(console: httpx.AsyncClient) -> None:
    response = await console.get("/")
    assert response.status_code == 200
    assert "app-1a2b.js" in response.text
    assert response.headers["cache-control"] == "no-cache"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


async def test_client_routes_fall_back_to_the_console(console: httpx.AsyncClient) -> None:
    response = await console.get("/users/42/tokens")
    assert response.status_code == 200
    assert "app-1a2b.js" in response.text


async def test_hashed_assets_are_cached_for_good_and_other_files_revalidated(
    console: httpx.AsyncClient,
) -> None:
    asset = await console.get("/assets/app-1a2b.js")
    assert asset.status_code == 200
    assert "immutable" in asset.headers["cache-control"]
    script = await console.get("/color-scheme.js")
    assert script.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api", "/assets/missing.js", "/healthz/x"])
async def test_the_console_never_shadows_the_api_or_missing_assets(
    console: httpx.AsyncClient, path: str
) -> None:
    response = await console.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_files_outside_the_build_are_not_served(console: httpx.AsyncClient) -> None:
    response = await console.get("/..%2f..%2fetc/passwd")
    assert "root:" not in response.text


async def test_the_flask_template_routes_still_answer_beside_the_console(console: httpx.AsyncClient) -> None:
    """Their paths end in a slash, which the console's catch-all route matched first."""
    assert (await console.post("/api/auth/", json={})).json() == {"msg": "Bad username or password"}
    assert (await console.get("/api/auth/")).status_code == 401
    assert (await console.get("/api/patient/")).status_code == 401
    assert (await console.post("/api/patient/", json={})).status_code == 401
