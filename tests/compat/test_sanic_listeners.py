"""backend/compat/sanic_listeners.py: a shutdown listener called twice runs once."""

from __future__ import annotations

import asyncio

from backend.compat.sanic_listeners import run_once


async def test_a_second_call_waits_for_the_first_run_instead_of_starting_another() -> None:
    runs: list[str] = []
    release = asyncio.Event()

    @run_once
    async def close(app: str) -> None:
        runs.append(app)
        await release.wait()

    first = asyncio.ensure_future(close("app"))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(close("app"))
    await asyncio.sleep(0)
    assert not second.done()
    first.cancel()  # the loop stopped under the first run: the listener itself goes on
    release.set()
    await second
    assert runs == ["app"]
    await close("app")
    assert runs == ["app"]
