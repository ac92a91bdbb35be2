"""What tests say again and again, written once: the auth header, a login through the API, a caller
holding its tokens, and what every error response must look like."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Self

import httpx
import jwt.api_jwt
import pytest
from tortoise import connections

from backend import clock
from backend.errors import PROBLEM_JSON
from tests.factories import DEFAULT_PASSWORD, make_user

LOGIN = "/api/v1/auth/login"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(
    client: httpx.AsyncClient, username: str, password: str = DEFAULT_PASSWORD, **extra: Any
) -> dict[str, Any]:
    """Log in through the API (which must accept it); the token response."""
    response = await client.post(LOGIN, json={"username": username, "password": password, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass(frozen=True)
class Caller:
    """A user logged in through the API: who they are and the tokens of their login."""

    user_id: int
    username: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


async def caller(
    client: httpx.AsyncClient, username: str, roles: tuple[str, ...], password: str = DEFAULT_PASSWORD
) -> Caller:
    """A new user with `roles`, logged in."""
    user = await make_user(username, roles=roles, password=password)
    tokens = await login(client, username, password)
    return Caller(user.id, username, password, tokens["access_token"], tokens["refresh_token"])


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """`response` is an RFC 9457 problem with this status and code, a detail and the request's id."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["code"] == code
    assert problem["detail"]
    assert problem["request_id"] == response.headers["x-request-id"]
    return problem


async def raw_http(base_url: str, request: bytes) -> bytes:
    """Send bytes no HTTP client library would write (bad framing, control characters, non-UTF-8
    headers) and answer everything the server sent until it closed the connection."""
    url = httpx.URL(base_url)
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        writer.write(request)
        await writer.drain()
        async with asyncio.timeout(10):
            return await reader.read()
    finally:
        writer.close()


def raw_status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


class ServerClock:
    """The server's clock, moved on instead of slept through: the time tokens are issued at
    (`backend.clock.utcnow`) and the time PyJWT checks their expiry against."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = timedelta()
        server = self

        class ShiftedDatetime(datetime):
            @classmethod
            def now(cls, tz: tzinfo | None = None) -> Self:
                return super().now(tz) + server.offset

        monkeypatch.setattr(jwt.api_jwt, "datetime", ShiftedDatetime)
        monkeypatch.setattr(clock, "utcnow", lambda: datetime.now(UTC) + self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


def count_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement sent through the default connection, from now on."""
    sent: list[str] = []
    client = connections.get("default")

    def counting(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def run(query: str, *args: Any, **kwargs: Any) -> Any:
            sent.append(query)
            return await method(query, *args, **kwargs)

        return run

    for name in ("execute_query", "execute_query_dict", "execute_insert", "execute_script", "execute_many"):
        monkeypatch.setattr(client, name, counting(getattr(client, name)))
    return sent
