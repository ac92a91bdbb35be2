"""ASVS 5.0 chapter V6, authentication: passwords are checked exactly as typed, logins tell nobody
which usernames exist, and guessing is throttled."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from backend.config import Settings
from tests.factories import make_user
from tests.helpers import Caller, bearer
from tests.security.conftest import serving

LOGIN = "/api/v1/auth/login"
VOLATILE_HEADERS = {"x-request-id", "date", "content-length"}


async def create_user(
    client: httpx.AsyncClient, admin: Caller, username: str, password: str
) -> httpx.Response:
    body = {"username": username, "password": password, "password_change_required": False}
    return await client.post("/api/v1/users", json=body, headers=admin.headers)


async def login_status(client: httpx.AsyncClient, username: str, password: str) -> int:
    return (await client.post(LOGIN, json={"username": username, "password": password})).status_code


@pytest.mark.parametrize(
    ("password", "imposter"),
    [
        pytest.param("x" * 72 + "-one", "x" * 72 + "-two", id="ascii-past-72-bytes"),
        pytest.param("é" * 36 + "-one", "é" * 36 + "-two", id="two-byte-chars-past-72-bytes"),
        pytest.param("🔑" * 18 + "-one", "🔑" * 18 + "-two", id="four-byte-chars-past-72-bytes"),
        pytest.param("x" * 72 + "-one", "x" * 72, id="the-72-byte-prefix-alone"),
    ],
)
async def test_passwords_are_never_truncated_to_bcrypts_72_bytes(
    client: httpx.AsyncClient, admin: Caller, password: str, imposter: str
) -> None:
    """ASVS 6.2.8, 6.2.9: two passwords sharing their first 72 bytes are two passwords."""
    assert (await create_user(client, admin, "long-pw", password)).status_code == 201
    assert await login_status(client, "long-pw", password) == 200
    assert await login_status(client, "long-pw", imposter) == 401


@pytest.mark.parametrize(
    ("password", "variant"),
    [
        pytest.param("Correct Horse Battery", "correct horse battery", id="case"),
        pytest.param("  padded passphrase  ", "padded passphrase", id="surrounding-spaces"),
        pytest.param("passphrase with tab\t", "passphrase with tab", id="trailing-tab"),
        pytest.param(
            "caf\u00e9 au lait, s'il vous pla\u00eet",
            "cafe\u0301 au lait, s'il vous pla\u00eet",
            id="nfc-nfd",
        ),
        pytest.param("пароль для входа 🔑", "пароль для входа", id="emoji-dropped"),
    ],
)
async def test_passwords_are_verified_exactly_as_typed(
    client: httpx.AsyncClient, admin: Caller, password: str, variant: str
) -> None:
    """ASVS 6.2.8, 6.2.5: no case folding, trimming or normalisation; any script, spaces and emoji work."""
    assert (await create_user(client, admin, "exact-pw", password)).status_code == 201
    assert await login_status(client, "exact-pw", password) == 200
    assert await login_status(client, "exact-pw", variant) == 401


async def test_a_changed_password_is_also_kept_exactly(client: httpx.AsyncClient, user: Caller) -> None:
    """ASVS 6.2.8, 6.2.2: the self-service change keeps every character too."""
    from tests.factories import DEFAULT_PASSWORD

    new = "  a new passphrase, spaces kept  "
    body = {"current_password": DEFAULT_PASSWORD, "new_password": new}
    assert (await client.put("/api/v1/auth/me/password", json=body, headers=user.headers)).status_code == 204
    assert await login_status(client, user.username, new) == 200
    assert await login_status(client, user.username, new.strip()) == 401


@pytest.mark.parametrize(
    ("password", "status"),
    [
        pytest.param("short pw", 422, id="below-minimum"),
        pytest.param("password1234", 422, id="common"),
        pytest.param("long-pw-user", 422, id="the-username"),
        pytest.param("x" * 64, 201, id="64-chars"),
        pytest.param("a lower case passphrase", 201, id="no-composition-rules"),
        pytest.param("y" * 128, 201, id="128-chars"),
        pytest.param("y" * 129, 422, id="129-chars"),
        pytest.param("z" * 5000, 422, id="5000-chars"),
    ],
)
async def test_the_password_policy(
    client: httpx.AsyncClient, admin: Caller, password: str, status: int
) -> None:
    """ASVS 6.2.1 (minimum length), 6.2.4 (common passwords), 6.2.5 (no composition rules),
    6.2.9 (64 characters and more are allowed); too long is a 422, never a 500."""
    assert (await create_user(client, admin, "long-pw-user", password)).status_code == status


async def test_a_password_change_requires_the_current_password(
    client: httpx.AsyncClient, user: Caller
) -> None:
    """ASVS 6.2.3."""
    new = "a brand new passphrase"
    missing = await client.put("/api/v1/auth/me/password", json={"new_password": new}, headers=user.headers)
    assert missing.status_code == 422
    wrong = await client.put(
        "/api/v1/auth/me/password",
        json={"current_password": "not my password", "new_password": new},
        headers=user.headers,
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "current_password_invalid"
    assert await login_status(client, user.username, new) == 401


def comparable(response: httpx.Response) -> tuple[int, dict[str, object], dict[str, str]]:
    body = response.json()
    if isinstance(body, dict):
        body.pop("request_id", None)
    headers = {k: v for k, v in response.headers.items() if k.lower() not in VOLATILE_HEADERS}
    return response.status_code, body, headers


@pytest.mark.parametrize("path", [LOGIN, "/api/auth/"])
async def test_a_failed_login_does_not_tell_whether_the_user_exists(
    client: httpx.AsyncClient, user: Caller, path: str
) -> None:
    """ASVS 6.3.8: an unknown user, a wrong password, a deactivated user and an over-long username
    get the same status, body and headers (and the same work: one hash, see backend/auth/service.py)."""
    await make_user("deactivated", is_active=False)
    attempts = [
        ("nobody-by-this-name", "wrong password 1"),
        (user.username, "wrong password 1"),
        (user.username.upper(), "wrong password 1"),
        ("deactivated", "correct horse battery staple"),
        ("n" * 200, "wrong password 1"),
    ]
    answers = [comparable(await client.post(path, json={"username": u, "password": p})) for u, p in attempts]
    assert answers[0][0] == 401
    assert all(answer == answers[0] for answer in answers), answers


@pytest.fixture
async def strict(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with small throttling limits."""
    limits = {"login_failures_per_username": 3, "login_failures_per_ip": 8, "login_backoff_seconds": 60}
    async with serving(settings, **limits) as http:
        yield http


async def fail(client: httpx.AsyncClient, username: str, times: int) -> list[httpx.Response]:
    body = {"username": username, "password": "wrong password 1"}
    return [await client.post(LOGIN, json=body) for _ in range(times)]


async def test_repeated_failures_are_throttled_with_retry_after(strict: httpx.AsyncClient) -> None:
    """ASVS 6.3.1, 2.4.1: past the limit a username is locked out, 429 with Retry-After, even with the
    right password; an unknown username is throttled alike, so throttling reveals nothing either."""
    await make_user("target")
    for username in ("target", "no-such-target"):
        answers = await fail(strict, username, 4)
        assert [r.status_code for r in answers] == [401, 401, 401, 429]
        locked = answers[-1]
        assert locked.headers["content-type"] == "application/problem+json"
        assert 1 <= int(locked.headers["retry-after"]) <= 60
    right = await strict.post(LOGIN, json={"username": "target", "password": "correct horse battery staple"})
    assert right.status_code == 429


async def test_one_address_guessing_many_usernames_is_throttled(strict: httpx.AsyncClient) -> None:
    """ASVS 6.3.1: credential stuffing (one try per username) hits the per-address limit."""
    statuses = [(await fail(strict, f"stuffed-{n}", 1))[0].status_code for n in range(9)]
    assert statuses == [401] * 8 + [429]


async def test_wrong_current_passwords_are_throttled_like_logins(strict: httpx.AsyncClient) -> None:
    """ASVS 6.3.1: the password change cannot be used to guess the password without limit."""
    await make_user("changer")
    token = await strict.post(LOGIN, json={"username": "changer", "password": "correct horse battery staple"})
    headers = bearer(token.json()["access_token"])
    body = {"current_password": "guess 1234567", "new_password": "a brand new passphrase"}
    statuses = [
        (await strict.put("/api/v1/auth/me/password", json=body, headers=headers)).status_code
        for _ in range(4)
    ]
    assert statuses == [422, 422, 422, 429]
