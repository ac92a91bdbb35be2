"""`atomic()`: the application's transactions. Use it rather than Tortoise's `in_transaction`.

It works around Tortoise internals, so it lives in backend/compat/tortoise_transactions.py; this
module is the stable name the domains import it by.
"""

from backend.compat.tortoise_transactions import atomic

__all__ = ["atomic"]
