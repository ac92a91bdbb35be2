"""Login throttling, kept in the database so that it holds across workers and hosts.

Failures are counted per username (since its last success) and per client IP, within a
window. Past the limit, a lockout starts at the last failure and doubles with each further
failure, up to the window's length. While locked out even the right password gets 429.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.queryset import QuerySet

from backend.auth.models import LoginAttempt
from backend.config import Settings


@dataclass(frozen=True)
class ThrottlePolicy:
    window_seconds: int
    per_username: int
    per_ip: int
    backoff_seconds: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        return cls(
            window_seconds=settings.login_throttle_window_seconds,
            per_username=settings.login_failures_per_username,
            per_ip=settings.login_failures_per_ip,
            backoff_seconds=settings.login_backoff_seconds,
        )

    def lockout(self, failures: int, limit: int) -> timedelta:
        doublings = min(failures - limit, 20)
        return timedelta(seconds=min(self.backoff_seconds * 2**doublings, self.window_seconds))


async def record_attempt(*, username_key: str, ip: str, succeeded: bool) -> None:
    await LoginAttempt.create(username_key=username_key, ip=ip, succeeded=succeeded)


async def retry_after(*, username_key: str, ip: str, now: datetime, policy: ThrottlePolicy) -> int | None:
    """Seconds until this username and IP may try again, or None when they may try now."""
    window_start = now - timedelta(seconds=policy.window_seconds)
    last_success = (
        await LoginAttempt.filter(username_key=username_key, succeeded=True, created_at__gt=window_start)
        .order_by("-created_at")
        .first()
        .values_list("created_at", flat=True)
    )
    since = max(window_start, last_success) if isinstance(last_success, datetime) else window_start
    by_username = LoginAttempt.filter(username_key=username_key, succeeded=False, created_at__gt=since)
    by_ip = LoginAttempt.filter(ip=ip, succeeded=False, created_at__gt=window_start)
    waits = [
        await _wait(by_username, limit=policy.per_username, now=now, policy=policy),
        await _wait(by_ip, limit=policy.per_ip, now=now, policy=policy) if ip else None,
    ]
    longest = max((wait for wait in waits if wait is not None), default=None)
    return math.ceil(longest) if longest else None


async def _wait(
    failures: QuerySet[LoginAttempt], *, limit: int, now: datetime, policy: ThrottlePolicy
) -> float | None:
    recent = await failures.order_by("-created_at").limit(limit + 20).values_list("created_at", flat=True)
    if len(recent) < limit:
        return None
    last = recent[0]
    assert isinstance(last, datetime)
    locked_until = last + policy.lockout(len(recent), limit)
    remaining = (locked_until - now).total_seconds()
    return remaining if remaining > 0 else None
