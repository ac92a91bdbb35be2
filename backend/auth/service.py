"""Logins: starting, rotating and ending them."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.auth.models import Token


def utcnow() -> datetime:
    return datetime.now(UTC)


async def revoke_user_logins(*, user_id: int, reason: str, now: datetime | None = None) -> int:
    """End every live login of a user; answer how many were ended."""
    return await Token.filter(user_id=user_id, revoked_at=None).update(
        revoked_at=now or utcnow(), revoked_reason=reason
    )
