"""Cross-origin calls to the API: off unless `CORS_ORIGINS` lists origins, and then only from those.

The admin console is served from the API's own origin and needs none of this. When origins are
configured, requests under /api/ from one of them get `Access-Control-Allow-Origin` naming that
origin (never `*`) and never `Access-Control-Allow-Credentials`: API clients authenticate with
an `Authorization` header, which needs no credentials mode, and the console's refresh cookie stays
same-site. A preflight is answered 204 only when its origin, method and headers are all allowed;
otherwise it is a 403 problem without any CORS header. A non-preflight request from another
origin is served as usual, without CORS headers, so the browser keeps the response from the page.
"""

from __future__ import annotations

from sanic import HTTPResponse
from sanic.response import BaseHTTPResponse

from backend.app_types import App, AppRequest
from backend.config import Settings
from backend.errors import problem
from backend.middleware import Middleware

SCOPE = "/api/"
ALLOW_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ALLOW_HEADERS = ("Authorization", "Content-Type", "Accept", "Accept-Language", "Content-Language")
EXPOSE_HEADERS = ("X-Request-ID", "Location", "Retry-After", "Content-Disposition", "WWW-Authenticate")
MAX_AGE_SECONDS = 600
PREFLIGHT_VARY = ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")

_METHODS = frozenset(ALLOW_METHODS)
_HEADERS = frozenset(name.lower() for name in ALLOW_HEADERS)


def is_preflight(request: AppRequest) -> bool:
    return (
        request.method == "OPTIONS"
        and "origin" in request.headers
        and "access-control-request-method" in request.headers
    )


def requested_headers(request: AppRequest) -> set[str]:
    listed = ",".join(request.headers.getall("access-control-request-headers", []))
    return {name.strip().lower() for name in listed.split(",") if name.strip()}


def preflight_refusal(request: AppRequest, origins: frozenset[str]) -> str | None:
    """Why this preflight is refused, or None when it is allowed."""
    if request.headers["origin"] not in origins:
        return "This origin may not call the API from a browser"
    if request.headers["access-control-request-method"] not in _METHODS:
        return "This method is not allowed from another origin"
    if not requested_headers(request) <= _HEADERS:
        return "A requested header is not allowed from another origin"
    return None


def add_vary(response: BaseHTTPResponse, names: tuple[str, ...]) -> None:
    present = [part.strip() for part in response.headers.get("vary", "").split(",") if part.strip()]
    known = {part.lower() for part in present}
    merged = present + [name for name in names if name.lower() not in known]
    response.headers["Vary"] = ", ".join(merged)


def register_cors(app: App, settings: Settings) -> Middleware:
    """Answer preflights and mark responses for the listed origins; with none, preflights are refused."""
    origins = frozenset(settings.cors_origins)

    async def answer_preflight(request: AppRequest) -> HTTPResponse | None:
        if not (request.path.startswith(SCOPE) and is_preflight(request)):
            return None
        if reason := preflight_refusal(request, origins):
            return problem(403, reason, code="cors_not_allowed", request_id=request.ctx.request_id or None)
        return HTTPResponse(
            status=204,
            headers={
                "Access-Control-Allow-Origin": request.headers["origin"],
                "Access-Control-Allow-Methods": ", ".join(ALLOW_METHODS),
                "Access-Control-Allow-Headers": ", ".join(ALLOW_HEADERS),
                "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
            },
        )

    async def mark_response(request: AppRequest, response: BaseHTTPResponse) -> None:
        if not request.path.startswith(SCOPE):
            return
        if is_preflight(request):
            add_vary(response, PREFLIGHT_VARY)
            return
        add_vary(response, ("Origin",))
        origin = request.headers.get("origin")
        if origin in origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSE_HEADERS)

    # Without CORS, responses do not depend on the Origin header.
    return Middleware(on_request=answer_preflight, on_response=mark_response if origins else None)
