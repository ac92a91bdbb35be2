"""The access log's middleware: a row for every request, whatever its outcome.

The row is built when the response is ready (so it knows the status and the caller) and
handed to the writer; in the default durable mode the response waits for the commit, and
a log that cannot be written turns the response into a 503. A response replaced after its row
went in (a cached login that changed meanwhile) has its row corrected to the status sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from sanic import HTTPResponse
from sanic.response import BaseHTTPResponse

from backend.app_types import App, AppRequest
from backend.audit.events import audit_columns, event_of
from backend.audit.models import AccessLog
from backend.audit.writer import AccessLogUnavailable, AccessLogWriter
from backend.compat.sanic_listeners import run_once
from backend.config import Settings
from backend.errors import problem
from backend.middleware import Middleware, protective_headers
from backend.proxy import MAX_IP_LENGTH, MAX_USER_AGENT_LENGTH, Network, client_ip, header_text

logger = logging.getLogger("backend.audit")

MAX_PATH = 2048
MAX_QUERY = 2048
SECRET_PARAMETERS = frozenset({"access_token", "refresh_token", "token", "password"})
REDACTED = "[redacted]"
PROBES = frozenset({"/healthz", "/readyz"})


def redact_query(query: str) -> str:
    """The query string as sent, but with the values of secret-looking parameters replaced."""
    if not query:
        return ""
    parts = []
    for part in query.split("&"):
        name, sep, _ = part.partition("=")
        secret = sep and unquote_plus(name).lower() in SECRET_PARAMETERS  # as the server reads the name
        parts.append(f"{name}={REDACTED}" if secret else part)
    return "&".join(parts)


def access_row(
    request: AppRequest, status: int, *, trusted: Sequence[Network], started: float, now: datetime
) -> dict[str, Any]:
    principal = request.ctx.caller
    return {
        "timestamp": now,
        "request_id": request.ctx.request_id[:128],
        "method": request.method[:16],
        "path": request.path[:MAX_PATH],
        "query": redact_query(request.query_string)[:MAX_QUERY],
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        "user_id": principal.user_id if principal else None,
        "username": principal.username.casefold() if principal else None,
        "api_key_id": principal.api_key_id if principal else None,
        "api_key_name": principal.api_key_name if principal else None,
        "ip": client_ip(request, trusted)[:MAX_IP_LENGTH],
        "user_agent": header_text(request, "user-agent")[:MAX_USER_AGENT_LENGTH],
        "event": event_of(request),
        **audit_columns(request),
    }


async def confirm_caller(
    request: AppRequest, response: BaseHTTPResponse, *, epoch: int | None
) -> HTTPResponse | None:
    """A caller from the worker's cache of logins, read at another auth_epoch than the one this
    request's row was inserted at (or with no row), is checked afresh before the response goes:
    the error that replaces it, or None (backend/auth/login_cache.py)."""
    check = request.ctx.login_check
    if check is None or (epoch is not None and check.epoch == epoch):
        return None
    return await check.again(response)


async def correct_status(row: dict[str, Any], status: int) -> None:
    """The row of a response replaced after its insert (a login changed meanwhile: rare) says what
    was sent. Best effort: the replacement goes out whatever happens here."""
    try:
        await AccessLog.filter(timestamp=row["timestamp"], request_id=row["request_id"]).update(status=status)
    except Exception as error:  # the database out of reach: the replacement is a 503 already
        logger.warning("request %s: access-log status not corrected: %r", row["request_id"], error)


def register_access_log(app: App, settings: Settings) -> Middleware:
    writer = AccessLogWriter(mode=settings.access_log_mode)
    app.ctx.access_log = writer
    trusted = settings.trusted_proxies
    excluded = tuple(settings.access_log_exclude)

    @app.before_server_start
    async def start_writer(app: App) -> None:
        await writer.start()

    @app.after_server_stop
    @run_once
    async def flush_writer(app: App) -> None:
        await writer.close()

    def start_clock(request: AppRequest) -> None:
        request.ctx.started = time.perf_counter()
        request.ctx.started_at = datetime.now(UTC)

    async def log_request(request: AppRequest, response: BaseHTTPResponse) -> HTTPResponse | None:
        if excluded and request.path.startswith(excluded):
            return await confirm_caller(request, response, epoch=None)
        if request.ctx.started_at is None:  # failed before the request middleware ran (no route)
            start_clock(request)
        assert request.ctx.started_at is not None
        row = access_row(
            request, response.status, trusted=trusted, started=request.ctx.started, now=request.ctx.started_at
        )
        try:
            epoch = await writer.write(row)
        except AccessLogUnavailable:
            if request.path in PROBES:  # a probe answers about the process, not about the log
                return None
            return problem(
                503,
                "The request could not be recorded in the access log; try again shortly",
                code="access_log_unavailable",
                request_id=request.ctx.request_id,
                headers={**protective_headers(response), "Retry-After": "1"},
            )
        replacement = await confirm_caller(request, response, epoch=epoch)
        if replacement is not None:
            await correct_status(row, replacement.status)
        return replacement

    return Middleware(on_request=start_clock, on_response=log_request)
