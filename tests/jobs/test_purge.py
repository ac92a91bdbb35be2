from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
import pytest
from tortoise import connections

from backend.audit.models import AccessLog
from backend.auth.models import LoginThrottle, MfaTokenUse, Token
from backend.clock import utcnow
from backend.config import Settings
from backend.jobs.purge import (
    purge_access_log,
    purge_all,
    purge_idempotency_keys,
    purge_login_throttles,
    purge_mfa_token_uses,
    purge_tokens,
)
from backend.patients.models import Patient, PatientIdempotencyKey
from tests.conftest import requires_postgres
from tests.factories import make_token, make_user

pytestmark = pytest.mark.usefixtures("db")
NOW = utcnow()


async def test_expired_and_long_revoked_logins_go_live_and_recent_ones_stay() -> None:
    user = await make_user()
    live = await make_token(user)
    recently_revoked = await make_token(user, revoked_at=NOW - timedelta(days=1))
    await make_token(user, expires_at=NOW - timedelta(seconds=1))
    await make_token(user, revoked_at=NOW - timedelta(days=8))

    assert await purge_tokens(now=NOW, keep_revoked_days=7) == 2
    assert {t.id for t in await Token.all()} == {live.id, recently_revoked.id}
    assert await purge_tokens(now=NOW, keep_revoked_days=7) == 0


async def test_purges_delete_in_bounded_batches_until_done() -> None:
    user = await make_user()
    for _ in range(7):
        await make_token(user, expires_at=NOW - timedelta(days=1))
    assert await purge_tokens(now=NOW, keep_revoked_days=7, batch_size=2) == 7
    assert await Token.all().count() == 0


async def test_used_mfa_tokens_go_once_expired() -> None:
    user = await make_user()
    await MfaTokenUse.create(jti="expired", user_id=user.id, expires_at=NOW - timedelta(seconds=1))
    await MfaTokenUse.create(jti="current", user_id=user.id, expires_at=NOW + timedelta(seconds=60))

    assert await purge_mfa_token_uses(now=NOW) == 1
    assert await MfaTokenUse.all().values_list("jti", flat=True) == ["current"]


async def test_throttling_buckets_untouched_for_a_window_and_unlocked_are_purged() -> None:
    window = timedelta(minutes=15)
    for name, last_attempt, locked_until in (
        ("stale", NOW - window - timedelta(seconds=1), None),
        ("lapsed", NOW - window - timedelta(seconds=1), NOW - timedelta(seconds=1)),
        ("locked", NOW - window - timedelta(seconds=1), NOW + timedelta(seconds=1)),
        ("recent", NOW - window + timedelta(seconds=1), None),
    ):
        await LoginThrottle.create(
            scope="user", username_key=name, last_attempt_at=last_attempt, locked_until=locked_until
        )
    assert await purge_login_throttles(now=NOW, window_seconds=int(window.total_seconds()), batch_size=1) == 2
    assert sorted(await LoginThrottle.all().values_list("username_key", flat=True)) == ["locked", "recent"]


@requires_postgres
async def test_a_bucket_a_login_holds_is_skipped_not_waited_for(settings: Settings) -> None:
    """A login locks its buckets while it reserves its place and records its outcome: the purge
    neither waits for them nor locks them in another order (a plain DELETE could deadlock with it)."""
    old = NOW - timedelta(hours=1)
    held, free = [
        await LoginThrottle.create(scope="user", username_key=name, last_attempt_at=old) for name in "ab"
    ]
    login = await asyncpg.connect(settings.database_url)
    try:
        await login.execute("BEGIN")
        await login.execute("SELECT 1 FROM login_throttle WHERE id = $1 FOR UPDATE", held.id)
        assert await asyncio.wait_for(purge_login_throttles(now=NOW, window_seconds=60), timeout=10) == 1
        await login.execute("COMMIT")
    finally:
        await login.close()
    assert await LoginThrottle.filter(id__in=[held.id, free.id]).values_list("id", flat=True) == [held.id]
    assert await purge_login_throttles(now=NOW, window_seconds=60) == 1  # the next run takes it


async def test_access_log_retention_zero_keeps_everything() -> None:
    for age in (0, 40):
        await AccessLog.create(
            timestamp=NOW - timedelta(days=age),
            request_id="r",
            method="GET",
            path="/",
            status=200,
            duration_ms=1.0,
        )
    assert await purge_access_log(now=NOW, retention_days=0) == 0
    assert await purge_access_log(now=NOW, retention_days=30) == 1
    assert [row.timestamp for row in await AccessLog.all()] == [NOW]


async def test_idempotency_keys_expire_but_their_patients_stay() -> None:
    user = await make_user()
    for key, age in (("old", 25), ("recent", 1)):
        patient = await Patient.create(name="Ada", surname=key)
        stored = await PatientIdempotencyKey.create(user=user, key=key, request_hash="h", patient=patient)
        await PatientIdempotencyKey.filter(id=stored.id).update(created_at=NOW - timedelta(hours=age))
    assert await purge_idempotency_keys(now=NOW, keep_hours=24) == 1
    assert await PatientIdempotencyKey.all().values_list("key", flat=True) == ["recent"]
    assert await Patient.all().count() == 2


async def test_a_purge_leaves_sqlite_planning_by_index_when_the_tables_fill_again(settings: Settings) -> None:
    """Statistics gathered right after a purge describe empty tables; with them SQLite planned
    each batch's delete (and login lookups) as a scan of the whole table once it refilled, so a
    purge of 1M rows took 90 s and stalled every request. The purge leaves the planner alone."""
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's planner statistics")
    user = await make_user()
    await make_token(user)  # a login that stays
    await purge_all(settings, now=NOW)
    for _ in range(50):
        await make_token(user, expires_at=NOW - timedelta(days=1))
    plan = await connections.get("default").execute_query_dict(
        'EXPLAIN QUERY PLAN DELETE FROM "token" WHERE "id" IN (?, ?)', ["a", "b"]
    )
    assert [row["detail"].split(" USING ")[0] for row in plan] == ["SEARCH token"], plan
