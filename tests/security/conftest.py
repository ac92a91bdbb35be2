"""The security suite's client scans every error body it receives for leaks (ASVS 16.5.1), so each test
that provokes an error also checks that the error gives nothing away."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from sanic import Sanic

from backend.app import create_app
from backend.config import Settings
from tests.auth.helpers import bearer, login
from tests.factories import make_user
from tests.harness import serve_in_process
from tests.security.leaks import assert_no_leak

ERROR_BODIES_SCANNED: list[int] = []


async def scan_errors(response: httpx.Response) -> None:
    if response.status_code >= 400:
        await response.aread()
        assert_no_leak(response)
        ERROR_BODIES_SCANNED.append(response.status_code)


@pytest.fixture
async def client(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        serve_in_process(app) as base_url,
        httpx.AsyncClient(base_url=base_url, event_hooks={"response": [scan_errors]}) as http,
    ):
        yield http


@asynccontextmanager
async def serving(settings: Settings, **changes: object) -> AsyncIterator[httpx.AsyncClient]:
    """The app with some settings changed, served, with a scanning client."""
    app = create_app(settings.model_copy(update=changes), name=f"security_{uuid.uuid4().hex}")
    async with (
        serve_in_process(app) as url,
        httpx.AsyncClient(base_url=url, event_hooks={"response": [scan_errors]}) as http,
    ):
        yield http


@dataclass(frozen=True)
class Caller:
    user_id: int
    username: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.access_token)


async def caller(client: httpx.AsyncClient, username: str, roles: tuple[str, ...]) -> Caller:
    user = await make_user(username, roles=roles)
    tokens = await login(client, username)
    return Caller(user.id, username, tokens["access_token"], tokens["refresh_token"])


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> Caller:
    return await caller(client, "root-admin", ("admin", "user"))


@pytest.fixture
async def user(client: httpx.AsyncClient) -> Caller:
    return await caller(client, "plain-user", ("user",))


@pytest.fixture
async def nobody(client: httpx.AsyncClient) -> Caller:
    """Logged in, but holding no role at all."""
    return await caller(client, "no-roles", ())


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
