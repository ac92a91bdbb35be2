"""Exact row counts of whole tables without reading their rows (PostgreSQL).

A `count(*)` reads every row: the patients page's total cost PostgreSQL about 1 ms at 10,000
patients, more than the rest of the page, and grows with the table (docs/benchmarks.md). For the
tables in COUNTED, migration `row_counts` keeps the count in `row_count`, a few rows per table that
statement triggers update in the writer's own transaction: a snapshot sees the rows and their count
together, so the sum is exactly what `count(*)` would return. Only a count of the whole table can
use it (a search still counts its matches). SQLite counts as before: its page met its target with
`count(*)`, and its single writer would gain nothing from slots.
"""

from __future__ import annotations

from tortoise.models import Model

from backend.nested import dialect_of

COUNTED = frozenset({"patient"})  # as migrations/postgres/models/*_row_counts.py's COUNTED


def whole_table_count_sql(model: type[Model]) -> str | None:
    """A scalar subquery giving the row count of `model`'s table, or None if it has no kept count."""
    table = model._meta.db_table
    if table not in COUNTED or dialect_of(model) != "postgres":
        return None
    return f'(SELECT COALESCE(SUM("n"), 0)::bigint FROM "row_count" WHERE "table_name" = \'{table}\')'  # noqa: S608  # a constant of COUNTED
