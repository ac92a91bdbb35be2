"""A login attempt over HTTP: the login itself (backend.auth.service), and what the request's
access-log row says of it. Shared by `/api/v1/auth/login` and the Flask template's `/api/auth/`."""

from __future__ import annotations

import logging

from backend import clock, metrics
from backend.app_types import AppRequest
from backend.audit.events import record_note
from backend.auth import service
from backend.auth.decorators import client_of
from backend.auth.service import SecondFactorNeeded, Session
from backend.errors import Throttled, Unauthorized

logger = logging.getLogger("backend.auth")
# Failed logins for one username from this many addresses within the window are an alert.
GUESSED_FROM_ADDRESSES = 3


async def login_recorded(
    request: AppRequest, *, username: str, password: str
) -> Session | SecondFactorNeeded:
    """Log in, and note the attempt (who, and whether it succeeded) on the request's access-log row.

    A username that failed from several addresses within the throttling window is a security
    event: it is logged as a warning and its row says from how many."""
    attempt = {"username": username.casefold()[:64]}
    try:
        session = await service.login(
            username=username,
            password=password,
            client=client_of(request),
            hasher=request.app.ctx.hasher,
            tokens=request.app.ctx.tokens,
            policy=request.app.ctx.throttle,
            now=clock.utcnow(),
        )
    except service.BadCredentials as error:
        metrics.login("failed")
        if error.addresses_guessing >= GUESSED_FROM_ADDRESSES:
            logger.warning(
                "security: username %r failed to log in from %d addresses within the throttling window",
                attempt["username"],
                error.addresses_guessing,
            )
            record_note(request, "auth.login_guessing", **attempt, addresses=error.addresses_guessing)
        else:
            record_note(request, "auth.login", **attempt, succeeded=False)
        raise
    except (Unauthorized, Throttled) as error:
        metrics.login("throttled" if isinstance(error, Throttled) else "failed")
        record_note(request, "auth.login", **attempt, succeeded=False)
        raise
    metrics.login("succeeded")
    record_note(request, "auth.login", **attempt, succeeded=True)
    return session
