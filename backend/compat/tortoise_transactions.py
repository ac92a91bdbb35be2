"""`atomic()`: Tortoise's `in_transaction`, safe against cancellation. The application imports it
from `backend.transactions`.

Upstream: no issue found for the cancellation itself (tortoise/tortoise-orm#1811 and #1855 are
other ways the same context leaves a pooled connection in a wrong state).
Verified on: tortoise-orm 1.1.9.
Relies on (checked by tests/compat/test_tortoise_transactions.py): `in_transaction()` answering
a context with `ensure_connection()` (SQLite's) or none, whose `__aenter__` sets `token` right
after taking the connection's lock (or pooled connection). Behaviour tested in
tests/test_transactions.py.

Sanic cancels a handler whose client hung up. A cancel that lands while Tortoise begins a
transaction skips its exit: on SQLite the connection's lock stays taken and the database's
write lock stays held (the worker, and every writer in every process, wait forever); on
PostgreSQL the pooled connection is never given back. A BEGIN that fails (SQLite's busy
timeout passing while another process writes) leaves the same behind. `atomic()` ends such a
transaction: a cancelled begin is rolled back, a failed one given up, and the error goes on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.transactions import in_transaction


@asynccontextmanager
async def atomic(connection_name: str = "default") -> AsyncIterator[BaseDBAsyncClient]:
    """`async with atomic(): ...` commits the block, or rolls it back on any exception."""
    context = in_transaction(connection_name)
    # Connect first, outside the transaction: Tortoise connects lazily inside `__aenter__`,
    # after taking the lock and before noting it, where a cancel could not be told apart.
    if (connect := getattr(context, "ensure_connection", None)) is not None:
        await connect()
    try:
        connection = await context.__aenter__()
    except BaseException as error:  # cancelled, or BEGIN failed (SQLite's busy timeout passed)
        if _began(context):  # the lock (or pooled connection) is taken: the exit gives it back
            await context.__aexit__(type(error), error, error.__traceback__)
        raise
    try:
        yield connection
    except BaseException as error:
        await context.__aexit__(type(error), error, error.__traceback__)
        raise
    await context.__aexit__(None, None, None)


def _began(context: TransactionContext) -> bool:
    """Whether `__aenter__` got as far as taking the connection (it sets `token` right after)."""
    try:
        context.token  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError:
        return False
    return True
