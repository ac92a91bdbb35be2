from __future__ import annotations

import json

import httpx
from sanic import Sanic

from backend.spa import CONTENT_SECURITY_POLICY
from tests.harness import ROOT

# Routes that are documentation or static files, not API operations; and /metrics, which a public
# document must not reveal (it answers only METRICS_ALLOW; docs/production.md, "Metrics").
UNDOCUMENTED = ("/api/v1/docs", "/api/v1/openapi.json", "/metrics")


def served_paths(app: Sanic) -> set[str]:
    paths = set()
    for route in app.router.routes:
        path = "/" + route.path.strip("/")
        for part in route.parts:
            if part.startswith("<"):
                name = part[1:-1].split(":")[0]
                path = path.replace(part, "{" + name + "}")
        if not path.startswith(UNDOCUMENTED) and route.name.split(".")[1] != "spa":
            paths.add(path)
    return paths


async def test_the_document_lists_every_route(app: Sanic, client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "sanic-rest-template"
    assert served_paths(app) == set(document["paths"])
    assert "/healthz" in document["paths"]


async def test_without_a_build_the_docs_page_says_how_to_build_it(client: httpx.AsyncClient) -> None:
    """The app of these tests has no frontend/dist: Swagger UI is built with the console (the page
    with a build: tests/test_spa.py). A 404, in plain HTML that needs nothing from elsewhere."""
    response = await client.get("/api/v1/docs")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "npm run build" in response.text
    assert 'href="/api/v1/openapi.json"' in response.text
    assert "://" not in response.text
    assert "<script" not in response.text
    assert "<style" not in response.text
    assert "<link" not in response.text


async def test_the_document_is_served_by_the_asgi_test_client_too(app: Sanic) -> None:
    # sanic-testing's ASGI client: the same app under the ASGI interface.
    _, response = await app.asgi_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/readyz" in response.json["paths"]


async def test_the_consoles_api_types_come_from_the_current_document(client: httpx.AsyncClient) -> None:
    # The console's TypeScript types are generated from frontend/openapi.json; when the API
    # changes, regenerate both so that the console's type check sees the change.
    served = (await client.get("/api/v1/openapi.json")).json()
    saved = json.loads((ROOT / "frontend" / "openapi.json").read_text())
    assert saved == served, (
        "frontend/openapi.json is stale: run `python -m backend openapi --output frontend/openapi.json`,"
        " then `npm run gen:api` in frontend/"
    )
