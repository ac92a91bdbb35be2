"""Two-factor login with TOTP: enrollment, the login's two steps, codes accepted once, the mfa_token,
throttling, the MFA_REQUIRED_ROLES policy, an admin's reset, `amr`, and the legacy login. Runs on
SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pyotp
import pytest

from backend import clock
from backend.app import create_app
from backend.auth.models import UserMfa
from backend.config import Settings
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.harness import serve_in_process
from tests.helpers import Caller, ServerClock, assert_problem, bearer, caller, login

ME = "/api/v1/auth/me"
ENROLL = "/api/v1/auth/me/mfa/totp"
CONFIRM = "/api/v1/auth/me/mfa/totp/confirm"
MFA = "/api/v1/auth/me/mfa"
LOGIN_MFA = "/api/v1/auth/login/mfa"
STEP = 30


@pytest.fixture
def server_clock(monkeypatch: pytest.MonkeyPatch) -> ServerClock:
    return ServerClock(monkeypatch)


@asynccontextmanager
async def serving(settings: Settings, **changes: object) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=changes), name=f"mfa_{uuid.uuid4().hex}")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


def code(secret: str) -> str:
    """The code an authenticator app shows now, by the server's clock."""
    return pyotp.TOTP(secret).at(clock.utcnow())


async def enroll(client: httpx.AsyncClient, who: Caller, server_clock: ServerClock) -> tuple[str, list[str]]:
    """Turn two-factor on for `who`; the secret and the recovery codes. The clock moves on a step, so
    that the code used here is not the next one a test sends."""
    started = await client.post(ENROLL, headers=who.headers)
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    confirmed = await client.post(CONFIRM, headers=who.headers, json={"code": code(secret)})
    assert confirmed.status_code == 200, confirmed.text
    server_clock.advance(STEP)
    return secret, confirmed.json()["recovery_codes"]


async def first_step(client: httpx.AsyncClient, username: str, **extra: Any) -> str:
    """A password login of a two-factor user: its mfa_token."""
    body = await login(client, username, **extra)
    assert body.keys() == {"mfa_required", "mfa_token", "expires_in"}
    assert body["mfa_required"] is True
    assert body["expires_in"] == 300
    token: str = body["mfa_token"]
    return token


def amr(access_token: str) -> list[str]:
    claims: dict[str, Any] = jwt.decode(access_token, options={"verify_signature": False})
    return list(claims["amr"])


async def test_enrollment_then_a_login_in_two_steps(
    client: httpx.AsyncClient, user: Caller, server_clock: ServerClock
) -> None:
    assert amr(user.access_token) == ["pwd"]
    assert (await client.get(ME, headers=user.headers)).json()["mfa_enabled"] is False
    started = (await client.post(ENROLL, headers=user.headers)).json()
    assert started["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={started['secret']}" in started["otpauth_uri"]
    assert started["qr_svg"].startswith("<svg")
    assert (await client.get(ME, headers=user.headers)).json()["mfa_enabled"] is False  # not yet confirmed
    stored = await UserMfa.get(user_id=user.user_id)
    assert started["secret"] not in stored.secret  # sealed (backend/auth/sealing.py)

    confirmed = await client.post(CONFIRM, headers=user.headers, json={"code": code(started["secret"])})
    assert confirmed.status_code == 200
    recovery = confirmed.json()["recovery_codes"]
    assert len(recovery) == len(set(recovery)) == 10
    me = (await client.get(ME, headers=user.headers)).json()
    assert me["mfa_enabled"] is True
    assert me["mfa_enrollment_required"] is False

    server_clock.advance(STEP)
    mfa_token = await first_step(client, user.username)
    done = await client.post(LOGIN_MFA, json={"mfa_token": mfa_token, "code": code(started["secret"])})
    assert done.status_code == 200, done.text
    tokens = done.json()
    assert amr(tokens["access_token"]) == ["pwd", "otp"]
    assert (await client.get(ME, headers=bearer(tokens["access_token"]))).status_code == 200
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert amr(refreshed.json()["access_token"]) == ["pwd", "otp"]  # a refresh keeps how the login was made


async def test_a_wrong_code_does_not_confirm_the_enrollment(client: httpx.AsyncClient, user: Caller) -> None:
    not_started = await client.post(CONFIRM, headers=user.headers, json={"code": "123456"})
    assert_problem(not_started, 409, "mfa_not_started")
    secret = (await client.post(ENROLL, headers=user.headers)).json()["secret"]
    wrong = str((int(code(secret)) + 1) % 1_000_000).zfill(6)

    problem = assert_problem(
        await client.post(CONFIRM, headers=user.headers, json={"code": wrong}), 422, "mfa_code_invalid"
    )
    assert problem["errors"][0]["loc"] == ["body", "code"]
    assert (await client.get(ME, headers=user.headers)).json()["mfa_enabled"] is False
    assert "access_token" in await login(client, user.username)  # the password alone still logs in


async def test_a_totp_code_is_accepted_once(
    client: httpx.AsyncClient, user: Caller, server_clock: ServerClock
) -> None:
    secret, _ = await enroll(client, user, server_clock)
    now = code(secret)
    first = await client.post(
        LOGIN_MFA, json={"mfa_token": await first_step(client, user.username), "code": now}
    )
    assert first.status_code == 200

    replayed = await client.post(
        LOGIN_MFA, json={"mfa_token": await first_step(client, user.username), "code": now}
    )
    assert_problem(replayed, 401, "mfa_code_invalid")
    server_clock.advance(STEP)
    later = await client.post(
        LOGIN_MFA, json={"mfa_token": await first_step(client, user.username), "code": code(secret)}
    )
    assert later.status_code == 200


async def test_a_recovery_code_is_accepted_once_ever(
    client: httpx.AsyncClient, user: Caller, server_clock: ServerClock
) -> None:
    _, recovery = await enroll(client, user, server_clock)
    spaced = recovery[0].upper().replace("-", " ")  # as someone might type it off paper
    used = await client.post(
        LOGIN_MFA, json={"mfa_token": await first_step(client, user.username), "code": spaced}
    )
    assert used.status_code == 200
    assert amr(used.json()["access_token"]) == ["pwd", "otp"]

    server_clock.advance(3600)
    again = await client.post(
        LOGIN_MFA, json={"mfa_token": await first_step(client, user.username), "code": recovery[0]}
    )
    assert_problem(again, 401, "mfa_code_invalid")
    other = await client.post(
        LOGIN_MFA, json={"mfa_token": await first_step(client, user.username), "code": recovery[1]}
    )
    assert other.status_code == 200


async def test_the_mfa_token_completes_one_login_and_is_no_access_token(
    client: httpx.AsyncClient, user: Caller, server_clock: ServerClock
) -> None:
    secret, recovery = await enroll(client, user, server_clock)
    mfa_token = await first_step(client, user.username)
    assert_problem(await client.get(ME, headers=bearer(mfa_token)), 401, "token_invalid")
    assert_problem(
        await client.post("/api/v1/auth/refresh", json={"refresh_token": mfa_token}), 401, "token_invalid"
    )
    assert (
        await client.post(LOGIN_MFA, json={"mfa_token": mfa_token, "code": code(secret)})
    ).status_code == 200

    reused = await client.post(LOGIN_MFA, json={"mfa_token": mfa_token, "code": recovery[0]})
    assert_problem(reused, 401, "mfa_token_used")
    as_mfa_token = await client.post(LOGIN_MFA, json={"mfa_token": user.access_token, "code": recovery[0]})
    assert_problem(as_mfa_token, 401, "mfa_token_invalid")


async def test_the_mfa_token_expires(
    client: httpx.AsyncClient, user: Caller, server_clock: ServerClock
) -> None:
    secret, _ = await enroll(client, user, server_clock)
    mfa_token = await first_step(client, user.username)
    server_clock.advance(301)

    expired = await client.post(LOGIN_MFA, json={"mfa_token": mfa_token, "code": code(secret)})
    assert_problem(expired, 401, "mfa_token_expired")


async def test_wrong_codes_are_throttled_like_passwords(
    settings: Settings, server_clock: ServerClock
) -> None:
    async with serving(settings, login_failures_per_username=3) as client:
        alice = await caller(client, "alice", ("user",))
        await enroll(client, alice, server_clock)
        mfa_token = await first_step(client, "alice")

        answers = [
            await client.post(LOGIN_MFA, json={"mfa_token": mfa_token, "code": "000000"}) for _ in range(4)
        ]
    assert [answer.status_code for answer in answers] == [401, 401, 401, 429]
    assert_problem(answers[-1], 429, "throttled")
    assert int(answers[-1].headers["retry-after"]) >= 1


@pytest.mark.parametrize("tokens", ["one mfa_token", "an mfa_token each"])
async def test_of_concurrent_submissions_of_one_code_exactly_one_logs_in(
    settings: Settings, server_clock: ServerClock, tokens: str
) -> None:
    generous = {
        "login_failures_per_username": 1000,
        "login_failures_per_username_total": 1000,
        "login_failures_per_ip": 1000,
    }
    async with serving(settings, **generous) as client:
        alice = await caller(client, "alice", ("user",))
        secret, _ = await enroll(client, alice, server_clock)
        if tokens == "one mfa_token":
            mfa_tokens = [await first_step(client, "alice")] * 30
        else:
            mfa_tokens = [await first_step(client, "alice") for _ in range(30)]
        now = code(secret)

        # 30 at once on a loaded CI machine: one took over httpx's default 5 s there once.
        answers = await asyncio.gather(
            *(
                client.post(LOGIN_MFA, json={"mfa_token": token, "code": now}, timeout=30)
                for token in mfa_tokens
            )
        )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [401] * 29


async def test_a_role_that_requires_two_factor_allows_only_enrollment_until_then(
    settings: Settings, server_clock: ServerClock
) -> None:
    async with serving(settings, mfa_required_roles=["admin"]) as client:
        await make_user("root", roles=("admin", "user"))
        await make_user("nurse", roles=("user",))
        assert (await login(client, "nurse"))["mfa_enrollment_required"] is False
        tokens = await login(client, "root")
        assert tokens["mfa_enrollment_required"] is True
        root = Caller(0, "root", DEFAULT_PASSWORD, tokens["access_token"], tokens["refresh_token"])

        assert_problem(
            await client.get("/api/v1/users", headers=root.headers), 403, "mfa_enrollment_required"
        )
        assert_problem(
            await client.get("/api/v1/auth/me/tokens", headers=root.headers), 403, "mfa_enrollment_required"
        )
        me = await client.get(ME, headers=root.headers)
        assert me.status_code == 200
        assert me.json()["mfa_enrollment_required"] is True
        secret, _ = await enroll(client, root, server_clock)

        assert (await client.get("/api/v1/users", headers=root.headers)).status_code == 200
        assert (await client.get(ME, headers=root.headers)).json()["mfa_enrollment_required"] is False
        refused = await client.request(
            "DELETE", MFA, headers=root.headers, json={"password": DEFAULT_PASSWORD, "code": code(secret)}
        )
        assert_problem(refused, 403, "mfa_required_by_policy")
        assert (await client.post("/api/v1/auth/logout", headers=root.headers)).status_code == 204


async def test_turning_two_factor_off_takes_the_password_and_a_code(
    client: httpx.AsyncClient, user: Caller, server_clock: ServerClock
) -> None:
    secret, _ = await enroll(client, user, server_clock)
    wrong_password = await client.request(
        "DELETE", MFA, headers=user.headers, json={"password": "not my password", "code": code(secret)}
    )
    assert_problem(wrong_password, 422, "current_password_invalid")
    wrong_code = await client.request(
        "DELETE", MFA, headers=user.headers, json={"password": DEFAULT_PASSWORD, "code": "000000"}
    )
    assert_problem(wrong_code, 422, "mfa_code_invalid")

    off = await client.request(
        "DELETE", MFA, headers=user.headers, json={"password": DEFAULT_PASSWORD, "code": code(secret)}
    )
    assert off.status_code == 204
    assert (await client.get(ME, headers=user.headers)).json()["mfa_enabled"] is False
    assert "access_token" in await login(client, user.username)
    again = await client.request(
        "DELETE", MFA, headers=user.headers, json={"password": DEFAULT_PASSWORD, "code": code(secret)}
    )
    assert_problem(again, 409, "mfa_not_enabled")


async def test_an_admin_reset_ends_the_users_logins_and_is_audited(
    client: httpx.AsyncClient, admin: Caller, user: Caller, server_clock: ServerClock
) -> None:
    await enroll(client, user, server_clock)
    assert (await client.get(f"/api/v1/users/{user.user_id}", headers=admin.headers)).json()[
        "mfa_enabled"
    ] is True

    reset = await client.delete(f"/api/v1/users/{user.user_id}/mfa", headers=admin.headers)
    assert reset.status_code == 204
    assert_problem(await client.get(ME, headers=user.headers), 401, "token_revoked")
    assert (await client.get(f"/api/v1/users/{user.user_id}", headers=admin.headers)).json()[
        "mfa_enabled"
    ] is False
    again = await login(client, user.username)  # the password logs in; they may enroll again
    not_an_admin = await client.delete(
        f"/api/v1/users/{admin.user_id}/mfa", headers=bearer(again["access_token"])
    )
    assert_problem(not_an_admin, 403, "forbidden")
    assert_problem(await client.delete("/api/v1/users/999999/mfa", headers=admin.headers), 404, "not_found")

    events = (await client.get("/api/v1/audit-events", headers=admin.headers)).json()["items"]
    trail = [(event["action"], event["actor"], event["target_label"]) for event in events]
    assert trail[:2] == [("user.mfa_reset", "root", "nurse"), ("user.mfa_enable", "nurse", "nurse")]
    assert events[0]["details"]["was_enabled"] is True
    assert events[0]["details"]["logins_ended"] == 1


async def test_the_legacy_login_points_a_two_factor_user_to_the_api(
    client: httpx.AsyncClient, user: Caller, server_clock: ServerClock
) -> None:
    await enroll(client, user, server_clock)

    response = await client.post("/api/auth/", json={"username": user.username, "password": user.password})
    assert response.status_code == 401
    assert response.json() == {"msg": "This account uses two-factor login: log in through /api/v1/auth/login"}
