"""The admin console: the built SPA served at `/`, with client-side routes falling back to index.html.

Files under `assets/` have content hashes in their names and are cached for a year; everything
else (index.html above all) is revalidated on every load, so a deploy is seen at once.

The build has two HTML pages, both served with the strict CONTENT_SECURITY_POLICY and never as
files: index.html, the console's, and docs.html, the API's docs (Swagger UI), which
backend.docs serves at /api/v1/docs. /docs.html is a console path like any other (its "Page not
found").

The console's pages are one route, GET only, for every path except those under a first segment
that the server routes itself (`api`, `healthz`, `readyz`, `metrics`) or that holds built files (`assets`),
those with `.` or `..` segments, which a browser resolves before asking, and those starting with an
empty segment. The router, not the handler, leaves those out: a path there that names nothing is
the router's 404 whatever the method, and a 405 lists the methods of the route that matched, never
the console's GET. Built files are routes of their own, so a missing one is 404 too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sanic import Blueprint, HTTPResponse
from sanic.models.handler_types import RouteHandler
from sanic.response import file
from sanic_ext.extensions.openapi import openapi

from backend.app_types import App, AppRequest

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
IMMUTABLE = "public, max-age=31536000, immutable"
DOCS_PAGE = "docs.html"


def page_headers() -> dict[str, str]:
    """The headers of the build's HTML pages: revalidated on every load, under the strict policy.
    A new dict each time: sanic's `file` adds to the one it is given."""
    return {"cache-control": "no-cache", "content-security-policy": CONTENT_SECURITY_POLICY}


def is_built(dist: Path) -> bool:
    """Whether `dist` holds a build (`npm run build` in frontend/): its files are then served."""
    return (dist / "index.html").is_file()


def built_files(dist: Path) -> dict[str, Path]:
    """Every file of the build by its URL path, except its pages (index.html, docs.html)."""
    return {
        url_path: path
        for path in dist.rglob("*")
        if path.is_file()
        and path.name != "index.html"
        and (url_path := path.relative_to(dist).as_posix()) != DOCS_PAGE
    }


def reserved_segments(app: App, files: Iterable[str]) -> set[str]:
    """The first path segments that are not the console's: those of every route registered so far
    (the console registers last), and the build's directories."""
    routed = {route.parts[0] for route in app.router.routes if route.parts and route.parts[0][:1] != "<"}
    return routed | {name.split("/", 1)[0] for name in files if "/" in name}


def escapable(text: str) -> str:
    """A regular expression for `text` as a client may send it, any character percent-encoded."""
    return "".join(f"(?:{re.escape(char)}|%(?i:{ord(char):02x}))" for char in text)


def page_pattern(reserved: Iterable[str]) -> str:
    """The paths (after the leading slash) that are pages of the console; see the module's doc."""
    slash = escapable("/")
    end = f"(?:{slash}|$)"
    first = "|".join(escapable(name) for name in reserved)
    dots = escapable(".") + "{1,2}"
    return f"(?!(?:{first}){end})(?!(?:.*{slash})?{dots}{end})[^/].*"


def register_spa(app: App, dist: Path) -> None:
    """Serve `dist` when it has been built (`npm run build` in frontend/)."""
    if not is_built(dist):
        return
    index = dist / "index.html"
    files = built_files(dist)
    bp = Blueprint("spa")

    @openapi.exclude()
    async def page(request: AppRequest, path: str = "") -> HTTPResponse:
        return await file(index, headers=page_headers())

    bp.add_route(page, "/", methods=["GET"], name="console")
    pattern = page_pattern(sorted(reserved_segments(app, files)))
    bp.add_route(page, f"/<path:{pattern}>", methods=["GET"], name="client_route")
    for number, (url_path, built) in enumerate(sorted(files.items())):
        bp.add_route(built_file(built, url_path), f"/{url_path}", methods=["GET"], name=f"file_{number}")
    app.blueprint(bp)


def built_file(path: Path, url_path: str) -> RouteHandler:
    cache = IMMUTABLE if url_path.startswith("assets/") else "no-cache"

    async def serve(request: AppRequest) -> HTTPResponse:
        return await file(path, headers={"cache-control": cache})

    openapi.exclude()(serve)
    return serve
