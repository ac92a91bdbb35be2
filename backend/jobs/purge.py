"""Clean-up jobs: plain async functions with a fixed `now`, idempotent, deleting in bounded batches.

Several hosts may run them at once: each batch deletes rows by id, and deleting a row
that another host deleted first is simply a no-op.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from backend.audit import partitions
from backend.audit.models import AccessLog, AccessLogRollup
from backend.auth.models import MfaTokenUse, Token
from backend.auth.throttle import delete_in_lock_order
from backend.config import Settings
from backend.patients.models import PatientIdempotencyKey

BATCH_SIZE = 1_000
# Between batches the write lock is free for a moment: long enough for the requests' own
# writes (the access log above all) to get in, so a purge of millions of rows does not stall them.
PAUSE_BETWEEN_BATCHES = 0.02
AnyModel = TypeVar("AnyModel", bound=Model)


@dataclass(frozen=True)
class PurgeReport:
    tokens: int
    login_throttles: int
    access_log: int
    idempotency_keys: int
    mfa_token_uses: int
    access_log_partitions: tuple[str, ...] = ()  # created (PostgreSQL)

    def rows(self) -> dict[str, int]:
        """Rows deleted, per table."""
        return {name: value for name, value in asdict(self).items() if isinstance(value, int)}

    def __str__(self) -> str:
        created = f", created {', '.join(self.access_log_partitions)}" if self.access_log_partitions else ""
        return (
            f"{self.tokens} token(s), {self.login_throttles} login throttling bucket(s), "
            f"{self.access_log} access-log row(s), {self.idempotency_keys} idempotency key(s), "
            f"{self.mfa_token_uses} used mfa_token(s){created}"
        )


async def batch_after_batch(
    delete_batch: Callable[[], Awaitable[tuple[int, int]]], *, batch_size: int
) -> int:
    """Run `delete_batch` (answering the rows it took and those it deleted) until it takes fewer
    than `batch_size`, pausing between batches: writers never wait long. The rows deleted."""
    deleted = 0
    while True:
        taken, batch = await delete_batch()
        deleted += batch
        if taken < batch_size:
            return deleted
        await asyncio.sleep(PAUSE_BETWEEN_BATCHES)


async def delete_in_batches(queryset: QuerySet[AnyModel], *, batch_size: int = BATCH_SIZE) -> int:
    """Delete what `queryset` selects, `batch_size` rows per statement."""

    async def delete_batch() -> tuple[int, int]:
        ids = list(await queryset.limit(batch_size).values_list("id", flat=True))
        # Within `queryset` again: on a partitioned table its time range picks the partitions.
        return len(ids), (await queryset.filter(id__in=ids).delete() if ids else 0)

    return await batch_after_batch(delete_batch, batch_size=batch_size)


async def purge_tokens(*, now: datetime, keep_revoked_days: int, batch_size: int = BATCH_SIZE) -> int:
    """Logins past their expiry, and logins revoked over `keep_revoked_days` ago (kept for admins to see)."""
    cutoff = now - timedelta(days=keep_revoked_days)
    stale = Token.filter(Q(expires_at__lt=now) | Q(revoked_at__lt=cutoff))
    return await delete_in_batches(stale, batch_size=batch_size)


async def purge_login_throttles(*, now: datetime, window_seconds: int, batch_size: int = BATCH_SIZE) -> int:
    """Throttling buckets untouched for a window and not locked: they would start afresh anyway.

    Taken in the order a login locks them, skipping those a login holds (the next run takes them):
    a plain DELETE took them in scan order, so it could deadlock with a login, and PostgreSQL then
    aborted one of the two, perhaps the login (a 500)."""
    is_stale = Q(
        Q(locked_until=None) | Q(locked_until__lt=now),
        last_attempt_at__lt=now - timedelta(seconds=window_seconds),
    )

    async def delete_batch() -> tuple[int, int]:
        deleted = await delete_in_lock_order(is_stale, limit=batch_size, skip_locked=True)
        return deleted, deleted

    return await batch_after_batch(delete_batch, batch_size=batch_size)


async def purge_access_log(*, now: datetime, retention_days: int, batch_size: int = BATCH_SIZE) -> int:
    """Rows older than `retention_days`; 0 keeps the log forever.

    On PostgreSQL the months wholly older go at once (their partitions are dropped); the rest of the
    boundary month's old rows (and old rows in the default partition) are deleted in batches, as
    on SQLite. The statistics' rollup forgets every bucket that begins before the cutoff."""
    if retention_days <= 0:
        return 0
    cutoff = now - timedelta(days=retention_days)
    dropped = await partitions.drop_partitions(before=cutoff)
    old = AccessLog.filter(timestamp__lt=cutoff)
    deleted = await delete_in_batches(old, batch_size=batch_size)
    for grain, dimension in ROLLUP_SERIES:  # each a range of the rollup's unique index
        stale = AccessLogRollup.filter(grain=grain, dimension=dimension, bucket__lt=cutoff)
        await delete_in_batches(stale, batch_size=batch_size)
    return dropped + deleted


ROLLUP_SERIES = tuple(
    (grain, dimension) for grain in ("m", "h", "d") for dimension in ("class", "latency", "user", "path")
)


async def ensure_access_log_partitions(*, now: datetime, ahead: int, retention_days: int) -> list[str]:
    """This month's partition and the `ahead` next ones (PostgreSQL); answers those created."""
    keep_after = now - timedelta(days=retention_days) if retention_days > 0 else None
    return await partitions.ensure_partitions(now=now, ahead=ahead, keep_after=keep_after)


async def purge_idempotency_keys(*, now: datetime, keep_hours: int, batch_size: int = BATCH_SIZE) -> int:
    """Keys older than `keep_hours`: a retry later than that creates a new patient."""
    old = PatientIdempotencyKey.filter(created_at__lt=now - timedelta(hours=keep_hours))
    return await delete_in_batches(old, batch_size=batch_size)


async def purge_mfa_token_uses(*, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Used mfa_tokens past their expiry: no one can present them again anyway."""
    return await delete_in_batches(MfaTokenUse.filter(expires_at__lt=now), batch_size=batch_size)


async def purge_all(settings: Settings, *, now: datetime) -> PurgeReport:
    created = await ensure_access_log_partitions(
        now=now,
        ahead=settings.access_log_partitions_ahead,
        retention_days=settings.access_log_retention_days,
    )
    report = PurgeReport(
        tokens=await purge_tokens(now=now, keep_revoked_days=settings.revoked_token_retention_days),
        login_throttles=await purge_login_throttles(
            now=now, window_seconds=settings.login_throttle_window_seconds
        ),
        access_log=await purge_access_log(now=now, retention_days=settings.access_log_retention_days),
        idempotency_keys=await purge_idempotency_keys(
            now=now, keep_hours=settings.idempotency_key_retention_hours
        ),
        mfa_token_uses=await purge_mfa_token_uses(now=now),
        access_log_partitions=tuple(created),
    )
    return report
