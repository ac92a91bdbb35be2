"""Start a Sanic app without serving it, to read what its startup builds (the OpenAPI document).

Upstream: no public API for this in Sanic; `app._startup()` and `app._server_event()` are what
sanic-testing itself calls (sanic_testing.testing.SanicASGITestClient).
Verified on: sanic 25.12.1, sanic-ext 25.12.0.
Relies on (checked by tests/compat/test_sanic_startup.py): `Sanic._startup()` (no arguments,
a coroutine, finalizing routes and running sanic-ext's startup) and
`Sanic._server_event(concern, action, loop=...)` running the "init"/"shutdown" listeners.
Behaviour tested in tests/test_openapi.py (`python -m backend openapi`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from backend.app_types import App


@asynccontextmanager
async def started_without_serving(app: App) -> AsyncIterator[App]:
    """`async with started_without_serving(app):` the app's startup has run, no socket is open;
    its shutdown listeners run on the way out."""
    loop = asyncio.get_running_loop()
    await app._startup()  # type: ignore[no-untyped-call]
    await app._server_event("init", "before", loop=loop)
    try:
        yield app
    finally:
        await app._server_event("shutdown", "after", loop=loop)
