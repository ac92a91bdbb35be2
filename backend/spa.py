"""The admin console: the built SPA served at `/`, with client-side routes falling back to index.html.

Files under `assets/` have content hashes in their names and are cached for a year; everything
else (index.html above all) is revalidated on every load, so a deploy is seen at once.
"""

from __future__ import annotations

from pathlib import Path

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import file
from sanic_ext.extensions.openapi import openapi

from backend.app_types import App
from backend.errors import NotFound

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
IMMUTABLE = "public, max-age=31536000, immutable"
RESERVED = {"api", "healthz", "readyz", "assets"}


def built_files(dist: Path) -> dict[str, Path]:
    """Every file of the build by its URL path, except index.html."""
    return {
        path.relative_to(dist).as_posix(): path
        for path in dist.rglob("*")
        if path.is_file() and path.name != "index.html"
    }


def register_spa(app: App, dist: Path) -> None:
    """Serve `dist` when it has been built (`npm run build` in frontend/)."""
    index = dist / "index.html"
    if not index.is_file():
        return
    files = built_files(dist)
    bp = Blueprint("spa")

    @bp.get("/")
    @bp.get("/<path:path>", name="client_route")
    @openapi.exclude()
    async def console(request: Request, path: str = "") -> HTTPResponse:
        if path in files:
            cache = IMMUTABLE if path.startswith("assets/") else "no-cache"
            return await file(files[path], headers={"cache-control": cache})
        if path.split("/", 1)[0] in RESERVED:
            raise NotFound("No such resource")
        return await file(
            index,
            headers={"cache-control": "no-cache", "content-security-policy": CONTENT_SECURITY_POLICY},
        )

    app.blueprint(bp)
