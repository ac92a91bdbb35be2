from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from backend.app import create_app
from backend.config import Settings
from backend.spa import CONTENT_SECURITY_POLICY
from tests.harness import ROOT, serve_in_process
from tests.helpers import raw_http, raw_status

PROBLEM = "application/problem+json"
REAL_DIST = ROOT / "frontend" / "dist"


def build(dist: Path, *, docs: bool = True) -> Path:
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>'
    )
    (dist / "assets" / "app-1a2b.js").write_text("console.log('app')")
    (dist / "color-scheme.js").write_text("// scheme")
    if docs:  # what `vite build --mode docs` adds
        (dist / "docs.html").write_text(
            '<!doctype html><title>API</title><script type="module" crossorigin src="/assets/docs-3c4d.js">'
            '</script><link rel="stylesheet" crossorigin href="/assets/docs-5e6f.css"><main id="swagger-ui">'
        )
        (dist / "assets" / "docs-3c4d.js").write_text("SwaggerUIBundle()")
        (dist / "assets" / "docs-5e6f.css").write_text("body{}")
    return dist


@asynccontextmanager
async def serving(settings: Settings, dist: Path, name: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"frontend_dist": dist}), name=name)
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


@pytest.fixture
async def console(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(settings, build(tmp_path / "dist"), f"spa_{tmp_path.name}") as http:
        yield http


@pytest.fixture(params=["with-console", "without-console"])
async def either(
    request: pytest.FixtureRequest, settings: Settings, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with the console built, and without: the API must answer the same in both."""
    dist = build(tmp_path / "dist") if request.param == "with-console" else tmp_path / "no-dist"
    async with serving(settings, dist, f"spa_{tmp_path.name}") as http:
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
    """Their paths end in a slash: Sanic finds the route without it only when no other route matches,
    and the console's route for its pages once did."""
    assert (await console.post("/api/auth/", json={})).json() == {"msg": "Bad username or password"}
    assert (await console.get("/api/auth/")).status_code == 401
    assert (await console.get("/api/patient/")).status_code == 401
    assert (await console.post("/api/patient/", json={})).status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/nope"),
        ("PATCH", "/api/v1/tokens/not-an-id"),
        ("DELETE", "/api/patient/null,null"),
        ("PUT", "/api"),
        ("POST", "/api/v1/patients/abc"),
        ("OPTIONS", "/api/v1/nope"),
        ("DELETE", "/healthz/x"),
        ("POST", "/assets/missing.js"),
    ],
)
async def test_a_path_that_names_nothing_is_404_whatever_the_method(
    console: httpx.AsyncClient, method: str, path: str
) -> None:
    """Not 405 `Allow: GET`, which the console's route for its own pages used to answer."""
    response = await console.request(method, path)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert "allow" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/%61pi/v1/nothing",
        "/api%2Fv1/nothing",
        "//api/v1/nothing",
        "/users/../api/v1/nothing",
        "/users/%2E%2E/api/v1/nothing",
        "/users/./42",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_the_console_is_not_served_for_api_paths_however_they_are_spelled(
    console: httpx.AsyncClient, method: str, path: str
) -> None:
    """Escaped letters, empty and dot segments (sent as written: httpx would resolve or re-read them):
    a proxy or browser reads these as /api/... or resolves them before asking, so the console's page
    is never the answer."""
    request = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    answer = await raw_http(str(console.base_url), request.encode())
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert raw_status(answer) == 404, answer[:300]
    assert b"content-type: application/problem+json" in head


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/patients/", 401),
        ("GET", "/api/v1/users/1/", 401),
        ("PATCH", "/api/v1/roles/user/", 401),
        ("GET", "/healthz/", 200),
        ("GET", "/api/v1/auth/me/", 401),
    ],
)
async def test_the_console_changes_no_answer_of_the_api(
    either: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    """With and without the console, a trailing slash is the same path (Sanic's default)."""
    assert (await either.request(method, path)).status_code == status


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/api/v1/roles/user/", {"PATCH", "DELETE"}), ("/api/v1/patients/1/", {"GET", "PATCH", "DELETE"})],
)
async def test_a_405_beside_the_console_names_only_the_methods_of_the_api_route(
    console: httpx.AsyncClient, path: str, allowed: set[str]
) -> None:
    response = await console.request("PUT", path)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == allowed


async def test_console_pages_answer_get_only_and_the_same_path_under_api_is_nothing(
    console: httpx.AsyncClient,
) -> None:
    """A page of the console exists for GET, so other methods are 405 `Allow: GET`; under /api the
    same name is no resource at all."""
    for path in ("/users", "/access-log", "/users/42/tokens"):
        assert (await console.get(path)).status_code == 200
        refused = await console.post(path)
        assert refused.status_code == 405
        assert refused.headers["allow"] == "GET"
        assert refused.headers["content-type"] == PROBLEM
        assert (await console.post(f"/api{path}")).status_code == 404


async def test_built_files_answer_get_only_and_missing_ones_are_404(console: httpx.AsyncClient) -> None:
    for path in ("/assets/app-1a2b.js", "/color-scheme.js"):
        refused = await console.post(path)
        assert refused.status_code == 405
        assert refused.headers["allow"] == "GET"
    assert (await console.post("/assets/app-1a2b.css")).status_code == 404


def references(page: str) -> list[str]:
    """Every URL that an HTML page's elements name (src, href)."""
    return re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page)


async def assert_docs_page_served_alone(http: httpx.AsyncClient) -> str:
    """/api/v1/docs is the built docs page under the console's policy; every script and style it
    names is a file of this server, served; its text."""
    response = await http.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["cache-control"] == "no-cache"
    assert 'id="swagger-ui"' in response.text
    urls = references(response.text)
    assert any(url.endswith(".js") for url in urls), urls
    assert any(url.endswith(".css") for url in urls), urls
    for url in urls:
        assert re.match(r"/[^/]", url), f"{url}: not a path of this server"
        served = await http.get(url)
        assert served.status_code == 200, url
    return response.text


async def test_the_api_docs_page_of_the_build_is_served_with_the_strict_policy(
    console: httpx.AsyncClient,
) -> None:
    await assert_docs_page_served_alone(console)


@pytest.mark.skipif(not (REAL_DIST / "docs.html").is_file(), reason="frontend/dist has no docs page")
async def test_the_built_swagger_ui_needs_no_other_origin(settings: Settings) -> None:
    """The real build (`npm run build` in frontend/): Swagger UI is ours, no CDN, no inline script."""
    async with serving(settings, REAL_DIST, "spa_real_docs") as http:
        page = await assert_docs_page_served_alone(http)
    assert "://" not in page.replace("http://www.w3.org/", "")
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None, "an inline script"
    assert "<style" not in page
    assert "style=" not in page


async def test_the_docs_page_is_not_a_file_of_the_console(console: httpx.AsyncClient) -> None:
    """Only /api/v1/docs serves it: at /docs.html the console answers, as for any path it routes."""
    response = await console.get("/docs.html")
    assert response.status_code == 200
    assert "app-1a2b.js" in response.text
    assert "swagger-ui" not in response.text


async def test_without_its_page_in_the_build_the_docs_say_how_to_build_them(
    settings: Settings, tmp_path: Path
) -> None:
    """A build of the console alone (`vite build`, not `npm run build`): the API docs are 404."""
    async with serving(settings, build(tmp_path / "dist", docs=False), f"spa_{tmp_path.name}") as http:
        response = await http.get("/api/v1/docs")
        assert response.status_code == 404
        assert "npm run build" in response.text
        assert (await http.get("/")).status_code == 200
