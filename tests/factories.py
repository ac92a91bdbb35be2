"""Small async factories: each test makes exactly the rows it needs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from backend.audit.models import AccessLog
from backend.auth.models import Token
from backend.auth.passwords import PasswordHasher
from backend.clock import utcnow
from backend.users import service as users
from backend.users.models import User

DEFAULT_PASSWORD = "correct horse battery staple"
FAST_HASHER = PasswordHasher(rounds=4)


async def make_user(
    username: str | None = None,
    *,
    roles: tuple[str, ...] = ("user",),
    password: str = DEFAULT_PASSWORD,
    is_active: bool = True,
    password_change_required: bool = False,
) -> User:
    return await users.create_user(
        username=username or f"user-{uuid.uuid4().hex[:8]}",
        password=password,
        roles=roles,
        hasher=FAST_HASHER,
        is_active=is_active,
        password_change_required=password_change_required,
    )


async def make_token(
    user: User,
    *,
    expires_at: datetime | None = None,
    revoked_at: datetime | None = None,
    blocked: bool = False,
) -> Token:
    return await Token.create(
        user=user,
        refresh_jti=uuid.uuid4().hex,
        expires_at=expires_at or utcnow() + timedelta(days=1),
        revoked_at=revoked_at,
        revoked_reason="logout" if revoked_at else None,
        blocked=blocked,
    )


async def make_access_log_rows(paths: list[str], *, status: int = 200) -> None:
    """One GET per path, a second apart over the last hour, the last the newest; request ids r0,
    r1, ... and durations 0, 1, ... ms in that order."""
    start = utcnow() - timedelta(hours=1)
    await AccessLog.bulk_create(
        [
            AccessLog(
                timestamp=start + timedelta(seconds=n),
                request_id=f"r{n}",
                method="GET",
                path=path,
                status=status,
                duration_ms=float(n),
            )
            for n, path in enumerate(paths)
        ]
    )
