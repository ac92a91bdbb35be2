"""The application's and each request's context, typed, so that mypy checks every `ctx` use.

`create_app` builds the `AppContext` once; Sanic makes a `RequestContext` for each request of an
`AppRequest`. Handlers and middleware take `request: AppRequest`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.sharedctypes import Synchronized
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sanic import Request, Sanic
from sanic.config import Config
from sanic.response import BaseHTTPResponse, HTTPResponse

if TYPE_CHECKING:
    from backend.api_keys.keys import KeyHasher
    from backend.audit.writer import AccessLogWriter
    from backend.auth.login_cache import LoginCache
    from backend.auth.passwords import PasswordHasher
    from backend.auth.service import Principal
    from backend.auth.throttle import ThrottlePolicy
    from backend.auth.tokens import TokenService
    from backend.config import Settings


@dataclass
class AppContext:
    settings: Settings
    tokens: TokenService
    hasher: PasswordHasher
    throttle: ThrottlePolicy
    key_hasher: KeyHasher
    logins: LoginCache  # this worker's (backend/auth/login_cache.py)
    access_log: AccessLogWriter | None = None  # set when the server starts, unless ACCESS_LOG_MODE=off
    watchdog_gave_up: Synchronized[int] | None = None  # the main process's flag (backend/watchdog.py)


@dataclass(frozen=True)
class LoginCheck:
    """The caller came from the worker's cache of logins as of `epoch` (backend/auth/login_cache.py):
    when the access log's insert reads another epoch, `again` checks the login afresh and answers
    the error that replaces the response, or None."""

    epoch: int
    again: Callable[[BaseHTTPResponse], Awaitable[HTTPResponse | None]]


class RequestContext(SimpleNamespace):  # Sanic wants a SimpleNamespace
    request_id: str
    caller: Principal | None  # set by require_roles and require_user
    event: dict[str, Any] | None  # what an admin action or a login did (backend/audit/events.py)
    audit: dict[str, str] | None  # an admin action's audit-trail columns (the same)
    started: float  # time.perf_counter() when the request arrived
    started_at: datetime | None
    login_check: LoginCheck | None  # set by require_roles for a caller from the cache of logins
    # Set by require_roles for a write let in from the cache: `body` awaits it once the body is valid.
    confirm_login: Callable[[], Awaitable[None]] | None

    def __init__(self) -> None:
        super().__init__(
            request_id="",
            caller=None,
            event=None,
            audit=None,
            started=0.0,
            started_at=None,
            login_check=None,
            confirm_login=None,
        )

    @property
    def principal(self) -> Principal:
        """The caller, in a handler behind a role check (which is every handler that asks)."""
        if self.caller is None:
            raise RuntimeError("no caller: the handler has no require_roles or require_user")
        return self.caller


App = Sanic[Config, AppContext]


class AppRequest(Request[App, RequestContext]):
    @staticmethod
    def make_context() -> RequestContext:
        return RequestContext()
