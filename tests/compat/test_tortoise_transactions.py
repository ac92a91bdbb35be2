"""backend/compat/tortoise_transactions.py relies on when Tortoise's transaction contexts set
`token` (tortoise-orm 1.1.9). Its behaviour is tested in tests/test_transactions.py."""

from __future__ import annotations

import inspect

from tortoise.backends.base.client import TransactionContextPooled
from tortoise.backends.sqlite.client import SqliteTransactionContext
from tortoise.transactions import in_transaction

from tests.compat import changed, source_digest

MODULE = "tortoise_transactions.py"


def test_the_contexts_set_token_right_after_taking_the_connection() -> None:
    assert source_digest(SqliteTransactionContext.__aenter__) == "0fb0ed89e66c8595", changed(
        "SqliteTransactionContext.__aenter__", MODULE
    )
    assert source_digest(TransactionContextPooled.__aenter__) == "aab85fd1e6ac5f6d", changed(
        "TransactionContextPooled.__aenter__", MODULE
    )
    for context in (SqliteTransactionContext, TransactionContextPooled):
        assert "token" in context.__slots__
        assert inspect.iscoroutinefunction(context.ensure_connection)
        source = inspect.getsource(context.__aenter__)
        assert source.index("self.token =") < source.index(".begin()")


def test_in_transaction_takes_a_connection_name() -> None:
    assert list(inspect.signature(in_transaction).parameters) == ["connection_name"]
