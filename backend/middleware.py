"""Request ids and the headers every response carries."""

from __future__ import annotations

from os import urandom

from sanic import Request
from sanic.http import Http
from sanic.response import BaseHTTPResponse

from backend import proxy
from backend.app_types import App
from backend.config import Settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

KEPT_HEADERS = frozenset(
    {*(name.lower() for name in SECURITY_HEADERS), "cache-control", "x-request-id", "vary"}
)


def protective_headers(response: BaseHTTPResponse) -> dict[str, str]:
    """The headers of `response` that a replacement response (an error decided after the
    handler, by a later middleware) must keep: security, caching, request id and CORS."""
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower() in KEPT_HEADERS or name.lower().startswith("access-control-")
    }


def register_middleware(app: App, settings: Settings) -> None:
    trusted = settings.trusted_proxies
    draining = False

    @app.before_server_stop
    async def start_draining(app: App) -> None:
        """From now on every response closes its connection, so busy keep-alive clients let go
        and the worker stops within the graceful timeout instead of serving them until it ends."""
        nonlocal draining
        draining = True

    async def assign_request_id(request: Request) -> None:
        # 32 random hex digits, like uuid4().hex without building a UUID (3.5 us -> 0.5 us a request).
        request.ctx.request_id = proxy.request_id(request, trusted, urandom(16).hex())

    async def add_headers(request: Request, response: BaseHTTPResponse) -> None:
        headers = response.headers
        request_id = getattr(request.ctx, "request_id", None)
        if request_id:
            headers["X-Request-ID"] = request_id
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        if request.path.startswith("/api/") and "cache-control" not in headers:
            headers["Cache-Control"] = "no-store"
        if draining and isinstance(request.stream, Http):
            request.stream.keep_alive = False

    app.register_middleware(assign_request_id, "request", priority=100)
    app.register_middleware(add_headers, "response", priority=100)
