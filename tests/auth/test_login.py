from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sanic import Sanic

from backend import metrics
from backend.auth.models import LoginThrottle, Token
from backend.auth.passwords import PasswordHasher
from backend.clock import utcnow
from backend.users.models import User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.flask_import.template_db import PBKDF2_123456
from tests.helpers import bearer, login

LOGIN = "/api/v1/auth/login"


async def test_login_hands_out_an_access_and_a_refresh_token(client: httpx.AsyncClient) -> None:
    user = await make_user("alice")
    response = await client.post(LOGIN, json={"username": "alice", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["password_change_required"] is False
    assert body["refresh_token"]
    me = await client.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.json()["username"] == "alice"
    assert "password_hash" not in me.text
    login_row = await Token.get(user_id=user.id)
    assert login_row.ip == "127.0.0.1"
    assert (await User.get(id=user.id)).last_login_at is not None


async def test_usernames_match_case_insensitively(client: httpx.AsyncClient) -> None:
    await make_user("Alice")
    assert (await login(client, "aLICE"))["access_token"]


async def test_cookie_mode_keeps_the_refresh_token_out_of_the_body(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    response = await client.post(
        LOGIN, json={"username": "alice", "password": DEFAULT_PASSWORD, "use_cookie": True}
    )
    assert response.json()["refresh_token"] is None
    cookie = response.headers["set-cookie"]
    for attribute in ("refresh_token=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth"):
        assert attribute in cookie


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong password here"), ("nobody", DEFAULT_PASSWORD), ("inactive", DEFAULT_PASSWORD)],
    ids=["wrong-password", "unknown-user", "deactivated-user"],
)
async def test_bad_credentials_look_the_same_and_cost_one_hash(
    client: httpx.AsyncClient, app: Sanic, monkeypatch: pytest.MonkeyPatch, username: str, password: str
) -> None:
    await make_user("alice")
    await make_user("inactive", is_active=False)
    hasher = app.ctx.hasher
    calls = []
    original = hasher.verify_sync

    def counting(*args: object) -> bool:
        calls.append(args)
        return bool(original(*args))

    monkeypatch.setattr(hasher, "verify_sync", counting)
    response = await client.post(LOGIN, json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid username or password"
    assert response.json()["code"] == "invalid_credentials"
    assert len(calls) == 1


@pytest.mark.parametrize("password", ["ü" * 40 + "-long-enough", "p" * 100, "密码很长的密码是安全的吗" * 3])
async def test_long_and_multibyte_passwords_are_hashed_whole(
    client: httpx.AsyncClient, password: str
) -> None:
    await make_user("alice", password=password)
    assert (await login(client, "alice", password))["access_token"]
    # The same 72-byte prefix with a different tail must not log in: nothing is truncated.
    imposter = password[:-1] + ("x" if password[-1] != "x" else "y")
    response = await client.post(LOGIN, json={"username": "alice", "password": imposter})
    assert response.status_code == 401


async def test_repeated_failures_for_a_username_are_throttled_even_with_the_right_password(
    client: httpx.AsyncClient,
) -> None:
    await make_user("alice")
    await make_user("bob")
    for _ in range(5):
        assert (await client.post(LOGIN, json={"username": "alice", "password": "nope"})).status_code == 401
    throttled = await client.post(LOGIN, json={"username": "ALICE", "password": DEFAULT_PASSWORD})
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert throttled.json()["code"] == "throttled"
    assert (await login(client, "bob"))["access_token"]


async def test_throttling_holds_for_unknown_usernames_too(client: httpx.AsyncClient) -> None:
    for _ in range(5):
        await client.post(LOGIN, json={"username": "ghost", "password": "nope"})
    assert (await client.post(LOGIN, json={"username": "ghost", "password": "nope"})).status_code == 429


async def test_the_backoff_grows_with_further_failures(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    for _ in range(5):
        await client.post(LOGIN, json={"username": "alice", "password": "nope"})
    first = int(
        (await client.post(LOGIN, json={"username": "alice", "password": "nope"})).headers["retry-after"]
    )
    # Let the lockout lapse, then fail once more.
    await LoginThrottle.all().update(locked_until=utcnow() - timedelta(seconds=1))
    assert (await client.post(LOGIN, json={"username": "alice", "password": "nope"})).status_code == 401
    second = int(
        (await client.post(LOGIN, json={"username": "alice", "password": "nope"})).headers["retry-after"]
    )
    assert second > first


async def test_a_success_resets_the_username_counter(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    for _ in range(4):
        await client.post(LOGIN, json={"username": "alice", "password": "nope"})
    await login(client, "alice")
    for _ in range(4):
        assert (await client.post(LOGIN, json={"username": "alice", "password": "nope"})).status_code == 401
    assert (await login(client, "alice"))["access_token"]


async def test_many_failures_from_one_ip_are_throttled_across_usernames(client: httpx.AsyncClient) -> None:
    await make_user("zoe")
    for n in range(20):
        await client.post(LOGIN, json={"username": f"guess{n}", "password": "nope"})
    assert (
        await client.post(LOGIN, json={"username": "zoe", "password": DEFAULT_PASSWORD})
    ).status_code == 429


async def test_passwords_are_hashed_on_cpu_time_that_requests_leave() -> None:
    hasher = PasswordHasher(4)
    # What the hash thread reports about itself, in place of a password check.
    hasher.verify_sync = lambda *_: os.sched_getscheduler(0) == os.SCHED_IDLE  # type: ignore[method-assign]
    assert await hasher.verify("any", None)
    assert os.sched_getscheduler(0) != os.SCHED_IDLE  # the event loop's thread keeps its priority


async def test_a_hash_whose_idle_threads_get_no_cpu_is_rescued_by_a_normal_thread() -> None:
    hasher = PasswordHasher(4, threads=1)
    held = threading.Event()
    hasher._idle.submit(held.wait)  # its one idle thread busy and getting no CPU: starved
    ran_on: list[str] = []
    hasher.verify_sync = lambda *_: ran_on.append(threading.current_thread().name) is None  # type: ignore[method-assign]
    counted = metrics.activate()
    try:
        assert await hasher.verify("any", None)
        assert counted.registry.get_sample_value("auth_password_hashes_rescued_total") == 1
    finally:
        metrics.deactivate()
    held.set()
    assert await hasher.verify("any", None)  # the idle thread, free again, has skipped the rescued run
    assert ran_on == ["bcrypt-rescue_0", "bcrypt"]


async def test_a_login_goes_through_while_other_processes_keep_every_core_busy(
    client: httpx.AsyncClient,
) -> None:
    """SCHED_IDLE threads get ~0.3% of a core beside busy processes: a Flask template's hash
    (pbkdf2, 600000 rounds, ~0.3 s) took minutes there before hashes were rescued."""
    await User.create(username="nurse", username_key="nurse", password_hash=PBKDF2_123456)
    with busy_cores():
        response = await client.post(LOGIN, json={"username": "nurse", "password": "123456"}, timeout=30)
    assert response.status_code == 200


@contextlib.contextmanager
def busy_cores() -> Iterator[None]:
    """Two processes per core spinning at normal priority."""
    spin = [sys.executable, "-c", "while True: pass"]
    spinning = [subprocess.Popen(spin) for _ in range(2 * (os.cpu_count() or 1))]
    try:
        yield
    finally:
        for process in spinning:
            process.kill()
            process.wait()


async def test_where_idle_scheduling_is_refused_hash_threads_run_at_nice_10(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_: object) -> None:
        raise PermissionError("not here")

    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    hasher = PasswordHasher(4)
    hasher.verify_sync = lambda *_: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == 10  # type: ignore[method-assign]
    assert await hasher.verify("any", None)
