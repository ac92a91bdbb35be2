"""Login throttling, counted in the database so that it holds across workers and hosts.

Each password check is counted in three buckets:

    scope          counts failures of                  limit (setting)
    user_address   one username from one address       LOGIN_FAILURES_PER_USERNAME
    user           one username from every address     LOGIN_FAILURES_PER_USERNAME_TOTAL
    address        one address for every username      LOGIN_FAILURES_PER_IP

A check takes its place in every bucket, under a row lock, before the hash is computed: a bucket
that is full (its places taken by failures or by checks still running) or locked refuses, so no
number of concurrent guesses checks more than the limit. A failure keeps its place; the one that
fills a bucket locks it for LOGIN_BACKOFF_SECONDS, doubled with each lockout in a row, at most the
window; then one more check may go, and its failure locks the bucket again. A success empties its
(username, address) bucket and gives its place back in the other two. A bucket untouched for a
window starts afresh.

A guesser at one address thus locks out that address, not the user elsewhere; guesses spread over
many addresses meet the higher per-username ceiling (SECURITY.md, "Login throttling").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from backend.auth.models import LoginThrottle
from backend.config import Settings
from backend.transactions import atomic

MAX_KEY_LENGTH = 64


class Scope(StrEnum):
    user_address = "user_address"
    user = "user"
    address = "address"


@dataclass(frozen=True)
class ThrottlePolicy:
    window_seconds: int
    per_username: int
    per_username_total: int
    per_ip: int
    backoff_seconds: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ThrottlePolicy:
        return cls(
            window_seconds=settings.login_throttle_window_seconds,
            per_username=settings.login_failures_per_username,
            per_username_total=settings.login_failures_per_username_total,
            per_ip=settings.login_failures_per_ip,
            backoff_seconds=settings.login_backoff_seconds,
        )

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)

    def limit(self, scope: Scope) -> int:
        return {
            Scope.user_address: self.per_username,
            Scope.user: self.per_username_total,
            Scope.address: self.per_ip,
        }[scope]

    def lockout(self, served: int) -> timedelta:
        """The length of a bucket's next lockout, after `served` in a row."""
        return timedelta(seconds=min(self.backoff_seconds * 2 ** min(served, 20), self.window_seconds))


@dataclass(frozen=True)
class Attempt:
    """Who is trying to log in, and from where."""

    username_key: str
    ip: str

    def buckets(self) -> list[tuple[Scope, str, str]]:
        username, ip = self.username_key[:MAX_KEY_LENGTH], self.ip[:MAX_KEY_LENGTH]
        buckets = [(Scope.user, username, "")]
        if ip:  # an unknown address (a Unix socket) counts against the username alone
            buckets += [(Scope.user_address, username, ip), (Scope.address, "", ip)]
        return buckets

    def matching(self) -> Q:
        return Q(
            *(Q(scope=scope, username_key=username, ip=ip) for scope, username, ip in self.buckets()),
            join_type=Q.OR,
        )


def _is_stale(bucket: LoginThrottle, *, now: datetime, policy: ThrottlePolicy) -> bool:
    locked = bucket.locked_until is not None and bucket.locked_until > now
    return not locked and bucket.last_attempt_at <= now - policy.window


def _wait(bucket: LoginThrottle, *, now: datetime, policy: ThrottlePolicy) -> float | None:
    """Seconds until the bucket has a place again, or None when it has one now."""
    if _is_stale(bucket, now=now, policy=policy):
        return None
    if bucket.locked_until is not None:  # locked, or a lockout just ended: one more check may go
        return (bucket.locked_until - now).total_seconds() if bucket.locked_until > now else None
    if bucket.failures >= policy.limit(Scope(bucket.scope)):
        return policy.backoff_seconds  # every place is held by a check still running
    return None


async def reserve(attempt: Attempt, *, now: datetime, policy: ThrottlePolicy) -> int | None:
    """Take a place for one check in each of the attempt's buckets; or, when any of them has none,
    take nothing and answer the seconds to wait."""
    async with atomic() as connection:
        await LoginThrottle.bulk_create(
            [
                LoginThrottle(scope=scope, username_key=username, ip=ip, last_attempt_at=now)
                for scope, username, ip in attempt.buckets()
            ],
            ignore_conflicts=True,
            using_db=connection,
        )
        buckets = await _locked_for_update(attempt, connection)
        waits = [wait for bucket in buckets if (wait := _wait(bucket, now=now, policy=policy)) is not None]
        if waits:
            return math.ceil(max(waits))
        for bucket in buckets:
            if _is_stale(bucket, now=now, policy=policy):
                bucket.failures, bucket.lockouts = 0, 0
            bucket.failures += 1
            bucket.locked_until = None
            bucket.last_attempt_at = now
            await bucket.save(using_db=connection)
    return None


async def record_failure(attempt: Attempt, *, now: datetime, policy: ThrottlePolicy) -> None:
    """The check failed: its places stay taken, and a bucket they fill is locked."""
    async with atomic() as connection:
        for bucket in await _locked_for_update(attempt, connection):
            if bucket.failures < policy.limit(Scope(bucket.scope)) or bucket.locked_until is not None:
                continue
            bucket.locked_until = now + policy.lockout(bucket.lockouts)
            bucket.lockouts += 1
            await bucket.save(using_db=connection)


async def _locked_for_update(attempt: Attempt, connection: BaseDBAsyncClient) -> list[LoginThrottle]:
    """The attempt's buckets, locked until the transaction ends (SQLite's transactions lock it all)."""
    buckets = LoginThrottle.filter(attempt.matching()).order_by("id")  # one lock order for all
    return await buckets.select_for_update().using_db(connection).all()


async def record_success(attempt: Attempt, *, final: bool = True) -> None:
    """The check passed: the (username, address) bucket starts afresh, the others get the place back.

    `final=False` (a password that a second factor must follow) only gives every place back: the
    failures counted so far stay, until the login is complete. The buckets are locked as `reserve`
    locks them, all at once in id order: one statement each in the buckets' own order deadlocked
    with concurrent logins on PostgreSQL once a new (username, address) bucket had the highest id."""
    async with atomic() as connection:
        for bucket in await _locked_for_update(attempt, connection):
            if bucket.scope == Scope.user_address and final:
                await bucket.delete(using_db=connection)
            elif bucket.failures > 0:
                bucket.failures -= 1
                await bucket.save(using_db=connection, update_fields=["failures"])


async def addresses_guessing(username_key: str, *, now: datetime, policy: ThrottlePolicy) -> int:
    """How many addresses failed to log in as this username within the window."""
    return await LoginThrottle.filter(
        scope=Scope.user_address,
        username_key=username_key[:MAX_KEY_LENGTH],
        last_attempt_at__gt=now - policy.window,
    ).count()


def lockouts(*, now: datetime, username: str | None = None, ip: str | None = None) -> QuerySet[LoginThrottle]:
    """The buckets locked at `now`, of a username and of an address when given."""
    query = LoginThrottle.filter(locked_until__gt=now)
    if username is not None:
        query = query.filter(username_key=username.casefold()[:MAX_KEY_LENGTH], scope__not=Scope.address)
    if ip is not None:
        query = query.filter(ip=ip[:MAX_KEY_LENGTH], scope__not=Scope.user)
    return query


async def lift(lockout_id: int) -> LoginThrottle | None:
    """Empty one bucket, locked or not; answer it, or None when there is no such bucket."""
    bucket = await LoginThrottle.get_or_none(id=lockout_id)
    if bucket is not None:
        await bucket.delete()
    return bucket


async def lift_user_lockouts(username_key: str) -> None:
    """Empty every bucket of a username (an admin set a new password for it)."""
    await delete_in_lock_order(
        Q(scope__in=[Scope.user, Scope.user_address], username_key=username_key[:MAX_KEY_LENGTH])
    )


async def delete_in_lock_order(matching: Q, *, limit: int | None = None, skip_locked: bool = False) -> int:
    """Delete the buckets `matching` (the first `limit` by id), locked first in id order, the order
    every step of a login locks them in, so that a delete never deadlocks with a login. With
    `skip_locked`, a bucket another transaction holds is left where it is (PostgreSQL's SKIP LOCKED)."""
    buckets = LoginThrottle.filter(matching).order_by("id")
    if limit is not None:
        buckets = buckets.limit(limit)
    async with atomic() as connection:
        locked = buckets.select_for_update(skip_locked=skip_locked).only("id").using_db(connection)
        ids = [bucket.id for bucket in await locked]
        if not ids:
            return 0
        return await LoginThrottle.filter(matching, id__in=ids).using_db(connection).delete()
