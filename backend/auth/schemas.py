from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from backend.api import RequestModel, ResponseModel
from backend.auth.models import Token
from backend.pagination import Page, PageParams

TokenState = Literal["active", "blocked", "revoked", "expired"]

# Login accepts any string up to these lengths, so that no 422 tells a valid username from another.
AnyUsername = Annotated[str, Field(min_length=1, max_length=256)]
# Kept exactly as typed, spaces included (ASVS 6.2.8): request models strip every other string.
AnyPassword = Annotated[str, StringConstraints(strip_whitespace=False), Field(min_length=1, max_length=1024)]


class LoginRequest(RequestModel):
    username: AnyUsername
    password: AnyPassword
    use_cookie: bool = Field(
        default=False, description="Put the refresh token in an HttpOnly cookie instead of the body (the SPA)"
    )


class RefreshRequest(RequestModel):
    refresh_token: str | None = Field(default=None, max_length=4096)


class LogoutRequest(RefreshRequest):
    pass


class TokenResponse(ResponseModel):
    access_token: str
    refresh_token: str | None = Field(description="null when the refresh token was set as a cookie")
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105
    expires_in: int
    refresh_expires_in: int
    password_change_required: bool
    mfa_enrollment_required: bool = Field(
        default=False, description="a role requires two-factor login and it is not on: enroll first"
    )


class PasswordChange(RequestModel):
    current_password: AnyPassword
    new_password: AnyPassword


class TokenRead(ResponseModel):
    """One login, as its owner and admins see it."""

    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    ip: str
    user_agent: str
    blocked: bool
    revoked_at: datetime | None
    revoked_reason: str | None
    state: TokenState
    current: bool = Field(default=False, description="the login this request was made with")


class TokenPage(Page[TokenRead]):
    pass


class TokenUpdate(RequestModel):
    blocked: bool


class LockoutQuery(PageParams):
    username: Annotated[str | None, Field(max_length=256, description="exact, case-insensitive")] = None
    ip: Annotated[str | None, Field(max_length=64)] = None


class LockoutRead(ResponseModel):
    """A throttling bucket that refuses logins until `locked_until`."""

    id: int
    username: str | None = Field(description="null: the address is locked for every username")
    ip: str | None = Field(description="null: the username is locked at every address")
    failures: int = Field(description="failed checks counted in the current window")
    locked_until: datetime


class LockoutPage(Page[LockoutRead]):
    pass


TOKEN_SORT = {"created_at": "created_at", "last_used_at": "last_used_at", "expires_at": "expires_at"}


def token_state(token: Token, now: datetime) -> TokenState:
    if token.revoked_at is not None:
        return "revoked"
    if token.blocked:
        return "blocked"
    return "expired" if token.expires_at <= now else "active"


def token_read(token: Token, *, now: datetime, current: uuid.UUID | None = None) -> TokenRead:
    return TokenRead(
        id=token.id,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        ip=token.ip,
        user_agent=token.user_agent,
        blocked=token.blocked,
        revoked_at=token.revoked_at,
        revoked_reason=token.revoked_reason,
        state=token_state(token, now),
        current=token.id == current,
    )
