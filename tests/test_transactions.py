"""A request cancelled while its transaction begins (its client hung up) leaves nothing locked."""

from __future__ import annotations

import asyncio
import threading

import pytest

from backend.patients.models import Category
from backend.transactions import atomic

pytestmark = pytest.mark.usefixtures("db")


async def _create(name: str) -> None:
    async with atomic():
        await Category.create(name=name)


@pytest.mark.parametrize("connected", [False, True], ids=["first-use", "connected"])
async def test_cancelling_a_transaction_at_any_point_leaves_the_database_usable(connected: bool) -> None:
    """Cancel a writer after 0, 1, 2 ... turns of the event loop: one of them lands while the
    transaction begins (on a fresh client, while it connects). Afterwards a transaction must
    still commit, promptly, and no connection be left behind by a cancelled connect (its
    aiosqlite thread would keep the process from exiting)."""
    threads_before = database_threads()
    if connected:
        await Category.exists(name="warm-up")
    for turns in range(40):
        task = asyncio.create_task(_create(f"cancelled-{turns}"))
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await asyncio.wait_for(_create("after"), timeout=10)
    assert await Category.exists(name="after")
    assert database_threads() - threads_before <= 1, "one connection for the worker, no more"


def database_threads() -> int:
    return sum("_connection_worker_thread" in thread.name for thread in threading.enumerate())


async def _create_then_fail(name: str) -> None:
    async with atomic():
        await Category.create(name=name)
        raise RuntimeError("boom")


async def test_a_failing_block_is_rolled_back() -> None:
    with pytest.raises(RuntimeError):
        await _create_then_fail("half-written")
    assert not await Category.exists(name="half-written")
