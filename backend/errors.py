"""Errors and the one handler that turns every failure into `application/problem+json`.

    AppError                      status  code
    ├── MalformedRequest           400     malformed_request
    ├── Unauthorized               401     unauthorized        (+ WWW-Authenticate: Bearer)
    ├── Forbidden                  403     forbidden
    ├── NotFound                   404     not_found
    ├── Conflict                   409     conflict
    ├── UnsupportedMediaType       415     unsupported_media_type
    ├── ValidationFailed           422     validation_failed   (+ errors: [{loc, msg, type}])
    ├── Throttled                  429     throttled           (+ Retry-After)
    └── ServiceUnavailable         503     service_unavailable

Services raise these (`body` and `query` in backend/api.py answer theirs with `to_problem`
instead: the same response, without Sanic's exception path); Sanic's own errors (404, 405, 413,
431 for a URL and headers over REQUEST_MAX_HEADER_SIZE, ...) are mapped onto the same body, and
so is any other exception:

    IntegrityError (a constraint the request broke)       409     conflict
    the database out of reach (is_database_unavailable)   503     service_unavailable (+ Retry-After)
    the client gone before its answer (cancelled)         499     (no body: nobody reads it)
    anything else: a bug                                  500     internal_error

Out of reach means a connection failure and nothing else: refused, reset or lost, no pooled
connection within DB_TIMEOUT_SECONDS, PostgreSQL shutting down, starting up or out of
connection slots, SQLite still locked by another writer when its busy timeout runs out. A
missing table or column, bad SQL, a file not found, a timeout of the code's own are bugs: a
client's retry cannot fix them, and a 503 would hide them from whoever reads the logs.

A 4xx is the client's doing and is not logged (the access log has it), nor is an AppError
raised on purpose. The database out of reach is logged in one warning line with the request
id and no traceback; a bug in one error line with the request id and its traceback, once
(Sanic's own logging of it is switched off). No response body ever carries a traceback, SQL
or a file path.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from http import HTTPStatus
from typing import Any, ClassVar

import asyncpg
import orjson
from sanic import HTTPResponse, Request
from sanic.exceptions import PayloadTooLarge, SanicException
from sanic.handlers import ErrorHandler
from tortoise.exceptions import BaseORMException, IntegrityError

logger = logging.getLogger("backend.errors")

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    status: ClassVar[int] = 500
    code: str = "internal_error"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or type(self).code
        self.errors = errors
        self.headers = headers or {}


class MalformedRequest(AppError):
    status, code = 400, "malformed_request"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"

    def __init__(self, detail: str = "Authentication required", **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("WWW-Authenticate", "Bearer")


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class UnsupportedMediaType(AppError):
    status, code = 415, "unsupported_media_type"


class ValidationFailed(AppError):
    status, code = 422, "validation_failed"


class Throttled(AppError):
    status, code = 429, "throttled"

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers["Retry-After"] = str(max(1, retry_after))


class ServiceUnavailable(AppError):
    status, code = 503, "service_unavailable"


# Besides class 08 (connection exception): PostgreSQL refusing or dropping connections for a while.
UNAVAILABLE_SQLSTATES = frozenset(
    {
        "53300",  # too_many_connections
        "57P01",  # admin_shutdown
        "57P02",  # crash_shutdown
        "57P03",  # cannot_connect_now (starting up, shutting down, in recovery)
    }
)


def is_database_unavailable(exception: BaseException) -> bool:
    """Whether `exception` is the database out of reach for now (503, retry) rather than a bug (500)."""
    return _unavailability(exception) is not None


def _unavailability(exception: BaseException) -> BaseException | None:
    """The connection failure in `exception`, looking through Tortoise's wrappers to the driver's error.

    Other chains are not followed: an error raised while handling an outage is a bug of its own.
    """
    error: BaseException | None = exception
    while error is not None:
        if _is_connection_failure(error):
            return error
        if not isinstance(error, BaseORMException):
            return None
        error = error.__cause__ or error.__context__
    return None


def _is_connection_failure(error: BaseException) -> bool:
    if isinstance(error, ConnectionError):  # refused, reset, broken pipe; DBConnectionError (compat)
        return True
    if isinstance(error, asyncpg.PostgresError):
        sqlstate = error.sqlstate or ""
        return sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES
    if isinstance(error, asyncpg.InterfaceError):
        return str(error).endswith("connection is closed")  # lost earlier, then used (or rolled back)
    if isinstance(error, sqlite3.Error):  # still locked by another writer when the busy timeout ran out
        return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
    return False


# Sanic's own exceptions carry messages that are fine to show, except these.
_SANIC_CODES = {
    400: "malformed_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    417: "expectation_failed",
    503: "service_unavailable",
}


def problem(
    status: int,
    detail: str,
    *,
    code: str,
    request_id: str | None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HTTPResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id,
    }
    if errors is not None:
        body["errors"] = errors
    return HTTPResponse(orjson.dumps(body), status=status, headers=headers, content_type=PROBLEM_JSON)


def to_problem(request: Request[Any, Any] | None, exception: BaseException) -> HTTPResponse:
    request_id = _request_id(request)
    if isinstance(exception, AppError):
        return problem(
            exception.status,
            exception.detail,
            code=exception.code,
            request_id=request_id,
            errors=exception.errors,
            headers=exception.headers,
        )
    if _is_oversized_head(exception):
        return problem(
            431,
            "The request's URL and headers are too large",
            code="request_header_fields_too_large",
            request_id=request_id,
        )
    if isinstance(exception, SanicException):
        status = exception.status_code
        code = _SANIC_CODES.get(status)
        if code is None or status >= 500:
            return _internal_error(request_id)
        detail = _sanic_detail(status, exception)
        headers = {str(k): str(v) for k, v in (exception.headers or {}).items()}
        if status == 405 and request is not None and "Allow" not in headers:
            headers["Allow"] = _allowed_methods(request)
        return problem(status, detail, code=code, request_id=request_id, headers=headers)
    if isinstance(exception, IntegrityError):
        return problem(
            409, "The request conflicts with existing data", code="conflict", request_id=request_id
        )
    if (failure := _unavailability(exception)) is not None:
        logger.warning("request %s: database unavailable: %r", request_id, failure)
        return problem(
            503,
            "The database is unavailable; try again shortly",
            code="service_unavailable",
            request_id=request_id,
            headers={"Retry-After": "1"},
        )
    if isinstance(exception, asyncio.CancelledError):  # Sanic's RequestCancelled: the client hung up
        logger.info("request %s: cancelled, the client went away", request_id)
        return HTTPResponse(status=CLIENT_CLOSED_REQUEST)
    logger.error("request %s: unhandled %s", request_id, type(exception).__name__, exc_info=exception)
    return _internal_error(request_id)


# nginx's status for a client that went away before its answer: nobody receives the response, but
# the access log and the metrics count it, and as a 500 every hang-up looked like a server error.
CLIENT_CLOSED_REQUEST = 499


def _is_oversized_head(exception: BaseException) -> bool:
    """Sanic says 413 for a request line and headers over REQUEST_MAX_HEADER_SIZE: that is 431."""
    return isinstance(exception, PayloadTooLarge) and str(exception).startswith("Request header")


def _internal_error(request_id: str | None) -> HTTPResponse:
    return problem(500, "An unexpected error occurred", code="internal_error", request_id=request_id)


def _sanic_detail(status: int, exception: SanicException) -> str:
    if status == 404:
        return "No such resource"
    if status == 405:
        return "Method not allowed on this resource"
    if status == 413:
        return "Request body too large"
    if status == 400:
        return "Malformed request"
    return HTTPStatus(status).phrase


ROUTED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request[Any, Any]) -> str:
    """The methods the path answers. Sanic names them only for static paths; RFC 9110 wants them always."""
    allowed = []
    for method in ROUTED_METHODS:
        try:
            request.app.router.get(request.path, method, request.headers.get("host"))
        except SanicException:
            continue
        allowed.append(method)
    return ", ".join(allowed)


def _request_id(request: Request[Any, Any] | None) -> str | None:
    if request is None:
        return None
    return getattr(request.ctx, "request_id", None)


class ProblemErrorHandler(ErrorHandler):
    """Every exception, from a handler or from Sanic itself, becomes problem+json."""

    def default(self, request: Request, exception: Exception) -> HTTPResponse:
        return to_problem(request, exception)

    @staticmethod
    def log(request: Request, exception: Exception) -> None:
        """Logging happens in `to_problem`, once, without Sanic's pretty traceback."""
