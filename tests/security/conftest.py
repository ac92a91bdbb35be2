"""The security suite's client scans every error body it receives for leaks (ASVS 16.5.1), so each test
that provokes an error also checks that the error gives nothing away."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sanic import Sanic

from backend.app import create_app
from backend.config import Settings
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
