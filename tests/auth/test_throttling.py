"""Login throttling: per (username, address) first, a higher per-username ceiling across addresses,
a per-address limit across usernames; limits that hold under concurrency on several workers; lockouts
an admin sees and lifts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import ip_network

import httpx
import pytest

from backend.app import create_app
from backend.config import Settings
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.harness import live_server, serve_in_process, server_env
from tests.helpers import bearer, login

LOGIN = "/api/v1/auth/login"
LOCKOUTS = "/api/v1/lockouts"
WRONG = "wrong password 1"
LIMITS = ("LOGIN_FAILURES_PER_USERNAME", "LOGIN_FAILURES_PER_USERNAME_TOTAL", "LOGIN_FAILURES_PER_IP")


@asynccontextmanager
async def serving(settings: Settings, **changes: object) -> AsyncIterator[httpx.AsyncClient]:
    """The app behind a trusted proxy on 127.0.0.1, so that each request can name its address."""
    changes = {"trusted_proxies": [ip_network("127.0.0.1/32")], **changes}
    app = create_app(settings.model_copy(update=changes), name=f"throttling_{uuid.uuid4().hex}")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def attempt(
    client: httpx.AsyncClient, username: str, *, ip: str, password: str = WRONG
) -> httpx.Response:
    body = {"username": username, "password": password}
    return await client.post(LOGIN, json=body, headers={"X-Forwarded-For": ip})


async def guesses(client: httpx.AsyncClient, username: str, *, ip: str, times: int) -> list[int]:
    return [(await attempt(client, username, ip=ip)).status_code for _ in range(times)]


async def test_a_guesser_at_one_address_does_not_lock_the_user_out_at_another(settings: Settings) -> None:
    async with serving(settings) as client:
        await make_user("alice")

        assert await guesses(client, "alice", ip="198.51.100.1", times=6) == [401] * 5 + [429]
        locked = await attempt(client, "alice", ip="198.51.100.1", password=DEFAULT_PASSWORD)
        assert locked.status_code == 429
        at_work = await attempt(client, "alice", ip="203.0.113.5", password=DEFAULT_PASSWORD)
        assert at_work.status_code == 200


async def test_guesses_spread_over_addresses_meet_the_per_username_ceiling(settings: Settings) -> None:
    async with serving(settings, login_failures_per_username_total=6) as client:
        await make_user("alice")

        spread = [(await attempt(client, "alice", ip=f"198.51.100.{n}")).status_code for n in range(7)]
        assert spread == [401] * 6 + [429]
        elsewhere = await attempt(client, "alice", ip="203.0.113.5", password=DEFAULT_PASSWORD)
        assert elsewhere.status_code == 429
        assert int(elsewhere.headers["retry-after"]) >= 1
        assert (await attempt(client, "bob", ip="203.0.113.5")).status_code == 401  # other users are free


async def test_a_success_frees_its_address_but_not_the_ceiling(settings: Settings) -> None:
    async with serving(settings, login_failures_per_username_total=8) as client:
        await make_user("alice")

        assert await guesses(client, "alice", ip="198.51.100.1", times=4) == [401] * 4
        ok = await attempt(client, "alice", ip="198.51.100.1", password=DEFAULT_PASSWORD)
        assert ok.status_code == 200
        # The address starts afresh (5 more), while the 4 failures still count towards the 8 in all.
        assert await guesses(client, "alice", ip="198.51.100.1", times=5) == [401] * 4 + [429]


async def test_a_username_guessed_from_several_addresses_is_a_security_event(
    settings: Settings, logs: pytest.LogCaptureFixture
) -> None:
    async with serving(settings) as client:
        admin = await make_user("admin", roles=("admin", "user"))
        await make_user("alice")

        headers = bearer((await login(client, admin.username))["access_token"])
        for n in range(3):
            assert (await attempt(client, "alice", ip=f"198.51.100.{n}")).status_code == 401
        rows = (await client.get("/api/v1/access-log", params={"path": LOGIN}, headers=headers)).json()
    events = [row["event"] for row in rows["items"] if row["event"]["username"] == "alice"]
    assert [event["action"] for event in events] == ["auth.login_guessing", "auth.login", "auth.login"]
    assert events[0]["addresses"] == 3
    alerts = [r.getMessage() for r in logs.records if r.name == "backend.auth"]
    assert alerts == [
        "security: username 'alice' failed to log in from 3 addresses within the throttling window"
    ]


async def test_an_admin_sees_current_lockouts_and_lifts_one(settings: Settings) -> None:
    async with serving(settings, login_failures_per_ip=3, login_failures_per_username=10) as client:
        admin = await make_user("admin", roles=("admin", "user"))
        await make_user("alice")

        headers = bearer((await login(client, admin.username))["access_token"])
        assert await guesses(client, "alice", ip="198.51.100.7", times=3) == [401] * 3
        page = (await client.get(LOCKOUTS, headers=headers)).json()
        assert page["total"] == 1
        (lockout,) = page["items"]
        assert lockout["username"] is None  # the address is locked for every username
        assert lockout["ip"] == "198.51.100.7"
        assert lockout["failures"] == 3
        assert lockout["locked_until"].endswith("Z")
        assert (await client.get(LOCKOUTS, params={"ip": "203.0.113.1"}, headers=headers)).json()[
            "total"
        ] == 0
        assert (
            await attempt(client, "alice", ip="198.51.100.7", password=DEFAULT_PASSWORD)
        ).status_code == 429

        lifted = await client.delete(f"{LOCKOUTS}/{lockout['id']}", headers=headers)
        assert lifted.status_code == 204
        assert (await client.get(LOCKOUTS, headers=headers)).json()["total"] == 0
        assert (
            await attempt(client, "alice", ip="198.51.100.7", password=DEFAULT_PASSWORD)
        ).status_code == 200
        again = await client.delete(f"{LOCKOUTS}/{lockout['id']}", headers=headers)
        assert again.status_code == 404
        assert again.headers["content-type"] == "application/problem+json"
        rows = (await client.get("/api/v1/access-log", params={"path": LOCKOUTS}, headers=headers)).json()
    lifts = [row["event"] for row in rows["items"] if row["status"] == 204]
    assert lifts == [
        {"action": "lockout.lift", "lockout_id": lockout["id"], "username": "", "ip": "198.51.100.7"}
    ]


async def test_lockouts_filter_by_username(settings: Settings) -> None:
    async with serving(settings) as client:
        admin = await make_user("admin", roles=("admin", "user"))

        headers = bearer((await login(client, admin.username))["access_token"])
        for username in ("alice", "bob"):
            await guesses(client, username, ip="198.51.100.1", times=5)
        page = (await client.get(LOCKOUTS, params={"username": "ALICE"}, headers=headers)).json()
    assert [(item["username"], item["ip"], item["failures"]) for item in page["items"]] == [
        ("alice", "198.51.100.1", 5)
    ]


async def test_an_admin_password_reset_lifts_the_users_lockouts(settings: Settings) -> None:
    async with serving(settings, login_failures_per_username_total=5) as client:
        admin = await make_user("admin", roles=("admin", "user"))
        alice = await make_user("alice")

        headers = bearer((await login(client, admin.username))["access_token"])
        for n in range(5):
            await attempt(client, "alice", ip=f"198.51.100.{n}")
        assert (
            await attempt(client, "alice", ip="203.0.113.5", password=DEFAULT_PASSWORD)
        ).status_code == 429
        new_password = "a fresh passphrase for alice"
        reset = await client.put(
            f"/api/v1/users/{alice.id}/password",
            json={"password": new_password, "password_change_required": False},
            headers=headers,
        )
        assert reset.status_code == 204
        assert (await client.get(LOCKOUTS, params={"username": "alice"}, headers=headers)).json()[
            "total"
        ] == 0
        assert (await attempt(client, "alice", ip="203.0.113.5", password=new_password)).status_code == 200


async def concurrently(url: str, bodies: list[dict[str, str]]) -> list[httpx.Response]:
    async def one(body: dict[str, str]) -> httpx.Response:
        async with httpx.AsyncClient(timeout=60) as http:  # a connection each: both workers answer
            return await http.post(f"{url}{LOGIN}", json=body)

    return await asyncio.gather(*(one(body) for body in bodies))


def checked_and_refused(answers: list[httpx.Response]) -> tuple[int, int]:
    refused = [answer for answer in answers if answer.status_code == 429]
    assert all(int(answer.headers["retry-after"]) >= 1 for answer in refused)
    assert {answer.status_code for answer in answers} <= {401, 429}
    return len(answers) - len(refused), len(refused)


@pytest.mark.live
@pytest.mark.usefixtures("db")
async def test_concurrent_guesses_for_one_username_check_no_more_than_the_limit(settings: Settings) -> None:
    await make_user("alice")
    with live_server(server_env(settings), workers=2) as (url, _):
        answers = await concurrently(url, [{"username": "alice", "password": WRONG}] * 30)
    assert checked_and_refused(answers) == (5, 25)


@pytest.mark.live
@pytest.mark.usefixtures("db")
async def test_concurrent_guesses_from_one_address_check_no_more_than_the_limit(settings: Settings) -> None:
    env = server_env(settings) | {"LOGIN_FAILURES_PER_IP": "5"}
    with live_server(env, workers=2) as (url, _):
        answers = await concurrently(url, [{"username": f"user{n}", "password": WRONG} for n in range(30)])
    assert checked_and_refused(answers) == (5, 25)


@pytest.mark.live
@pytest.mark.usefixtures("db")
async def test_logins_at_once_for_one_user_are_answered_not_deadlocked(settings: Settings) -> None:
    """The address's bucket is older than the user's (bob logged in from there first), so the order of
    the buckets' ids differs from the order of their scopes: every step must lock them in the one
    order, or a success and a check deadlock (on PostgreSQL they did, answering 500: 6 of the 43
    logins of the bench's login storm)."""
    await make_user("alice")
    await make_user("bob")
    env = {**server_env(settings), **{name: "1000" for name in LIMITS}}  # no 429: every login checked

    async def one_after_another(url: str, username: str, times: int) -> list[int]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            body = {"username": username, "password": DEFAULT_PASSWORD}
            return [(await http.post(LOGIN, json=body)).status_code for _ in range(times)]

    with live_server(env, workers=2) as (url, _):
        assert await one_after_another(url, "bob", 1) == [200]
        answers = await asyncio.gather(*(one_after_another(url, "alice", 10) for _ in range(8)))
    assert [status for statuses in answers for status in statuses] == [200] * 80
