"""Pages and sorting, the same on every list: `?page=1&per_page=20&sort=-created_at,username`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, Field
from pypika_tortoise.terms import LiteralValue
from tortoise.expressions import RawSQL
from tortoise.models import Model
from tortoise.queryset import QuerySet

from backend.api import QueryModel
from backend.errors import ValidationFailed
from backend.nested import Dialect, Nested, dialect_of, json_object_sql, model_in
from backend.row_counts import whole_table_count_sql

MAX_PAGE = 1_000_000
T = TypeVar("T")
AnyModel = TypeVar("AnyModel", bound=Model)


class PageParams(QueryModel):
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = 20
    sort: Annotated[
        str | None, Field(max_length=200, description="Comma-separated fields; `-` sorts descending")
    ] = None


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


class CappedPage(Page[T]):
    """A page of a list whose total is counted only up to a ceiling (`count_up_to`)."""

    total_exact: bool = Field(
        description="false when more rows match than were counted: `total` is then a lower bound"
    )


PageT = TypeVar("PageT", bound=Page[Any])


def page_of(page_type: type[PageT], items: Iterable[Any], total: int, params: PageParams) -> PageT:
    return page_type(items=list(items), total=total, page=params.page, per_page=params.per_page)


def order_by(sort: str | None, *, allowed: Mapping[str, str], default: Sequence[str]) -> list[str]:
    """Translate `sort` into ORM orderings through the allowlist `allowed` (API name -> column)."""
    if not sort:
        return list(default)
    orderings = []
    for raw in sort.split(","):
        name = raw.strip()
        descending = name.startswith("-")
        column = allowed.get(name.removeprefix("-"))
        if column is None:
            raise ValidationFailed(
                f"Cannot sort by {name.removeprefix('-')!r}; allowed: {', '.join(sorted(allowed))}",
                errors=[{"loc": ["query", "sort"], "msg": "Unknown sort field", "type": "sort_field"}],
            )
        orderings.append(f"-{column}" if descending else column)
    tiebreak = default[-1].lstrip("-")
    if not any(o.lstrip("-") == tiebreak for o in orderings):
        orderings.append(default[-1])
    return orderings


async def paginate(
    queryset: QuerySet[AnyModel],
    params: PageParams,
    *,
    allowed_sort: Mapping[str, str],
    default_sort: Sequence[str],
    total: int | None = None,
    exact: bool = True,
) -> tuple[list[AnyModel], int]:
    """A page of `queryset` and the total it pages through (counted unless the caller did).
    The last default ordering breaks ties. A page past a total that is not `exact` (counted up to
    a ceiling) is looked for all the same."""
    orderings = order_by(params.sort, allowed=allowed_sort, default=default_sort)
    if total is None:
        total = await queryset.count()
    offset = (params.page - 1) * params.per_page
    if exact and offset >= total:
        return [], total
    items = await queryset.order_by(*orderings).offset(offset).limit(params.per_page)
    return list(items), total


class Total(NamedTuple):
    """How many rows match: exactly, or (`exact` false) at least `value`."""

    value: int
    exact: bool

    def after(self, params: PageParams, rows: int) -> Total:
        """The total once the page `params` came back with `rows` rows: past the counted rows, a
        page that is not full ends the list (an exact total), and a full one raises the floor."""
        if self.exact or rows == 0:
            return self
        seen = (params.page - 1) * params.per_page + rows
        return Total(seen, True) if rows < params.per_page else Total(max(self.value, seen), False)


async def count_up_to(queryset: QuerySet[AnyModel], limit: int) -> Total:
    """The rows of `queryset`, counted up to `limit`: `SELECT count(*) FROM (SELECT 1 ... LIMIT
    limit + 1)`, as Elasticsearch's `track_total_hits`. Its cost stops growing with the matches
    (an exact count of a 10M-row access log took PostgreSQL 440 ms of CPU; docs/benchmarks.md)."""
    inner = queryset.annotate(one=RawSQL("1")).limit(limit + 1).values_list("one", flat=True)
    inner.sql()  # builds `inner.query`, whose parameterized SQL is what Tortoise itself would run
    sql, params = inner.query.get_parameterized_sql()
    capped = f"SELECT count(*) AS n FROM ({sql}) AS capped"  # noqa: S608
    rows = await queryset.model._meta.db.execute_query_dict(capped, params)
    count = int(rows[0]["n"])
    return Total(limit, False) if count > limit else Total(count, True)


async def read_page(
    page_type: type[PageT],
    queryset: QuerySet[Any],
    params: PageParams,
    *,
    allowed_sort: Mapping[str, str],
    default_sort: Sequence[str],
    **relations: Nested,
) -> PageT:
    """`paginate` and `page_of` in one statement: the page of `queryset` as JSON objects of the
    items' response model (built as `backend.nested` builds one row, `relations` included) and
    the total beside each row, validated into `page_type` without model instances.

    The ORM still builds the statement from `queryset` (its filters, joins, ordering), so any
    queryset pages this way; only the select list is replaced. A page past the end has no row to
    carry the total: then it is counted on its own. For the patients page of 20 this took the
    worker's CPU per request from 2.6 to 1.4 ms on SQLite and 2.0 to 1.0 ms on PostgreSQL (one
    worker, wrk -c8, medians of 6 runs alternated with main, machine at load 6-9).

    A page of a whole table (a queryset as `Model.all()` makes it: no filter, nothing else) has
    one statement for each sort and page, so it is built once: building it was 0.19 of the 0.47 ms
    of worker CPU a PostgreSQL page took (`make bench`, 2026-12-06). Its total is the table's kept
    count where there is one (`backend/row_counts.py`).

    Relies on Tortoise's `_choose_db_if_not_chosen`, `_make_query`, `query` and `_db` of a
    queryset, its `__slots__`, and on pypika's `_selects` (tortoise-orm 1.1.9, pypika-tortoise
    0.6.5): the answers are compared with the ORM's in tests/test_pagination.py.
    """
    shape = PageShape(
        page_type,
        tuple(order_by(params.sort, allowed=allowed_sort, default=default_sort)),
        params.page,
        params.per_page,
        tuple(sorted(relations.items())),
    )
    if _whole_table(queryset):
        sql, values = _whole_table_page(queryset.model, shape)
    else:
        sql, values = _page_statement(queryset, shape)
    db = queryset._db or queryset.model._meta.db
    _, rows = await db.execute_query(sql, values)
    total = rows[0][1] if rows else await queryset.count()
    items = ",".join(row[0] for row in rows)
    return page_type.model_validate_json(
        f'{{"items":[{items}],"total":{total},"page":{params.page},"per_page":{params.per_page}}}'
    )


class PageShape(NamedTuple):
    """What a page's statement depends on besides the queryset (offset and limit are parameters)."""

    page_type: type[Page[Any]]
    orderings: tuple[str, ...]
    page: int
    per_page: int
    relations: tuple[tuple[str, Nested], ...]


def _page_statement(
    queryset: QuerySet[Any], shape: PageShape, total_sql: str | None = None
) -> tuple[str, list[Any]]:
    """The statement of a page: each row's JSON, and the total (`total_sql`, or a count of `queryset`)."""
    model = queryset.model
    offset = (shape.page - 1) * shape.per_page
    listing = queryset.order_by(*shape.orderings).offset(offset).limit(shape.per_page)
    counting = queryset.count()
    for query in (listing, counting):
        query._choose_db_if_not_chosen()
        query._make_query()
    response = model_in(shape.page_type.model_fields["items"].annotation)
    obj = _object_sql(dialect_of(model), model, response, shape.relations)
    listing.query._selects = []  # not the model's columns: the row's JSON and the total
    total = LiteralValue(total_sql) if total_sql else counting.query
    sql, values = listing.query.select(LiteralValue(obj), total).get_parameterized_sql()
    return sql, values


_WHOLE_TABLE_PAGES: dict[tuple[Dialect, type[Model], PageShape], tuple[str, list[Any]]] = {}
WHOLE_TABLE_PAGES_KEPT = 1024  # statements: per model, response, sort and page (the first pages, mostly)


def _whole_table_page(model: type[Model], shape: PageShape) -> tuple[str, list[Any]]:
    key = (dialect_of(model), model, shape)
    if key not in _WHOLE_TABLE_PAGES:
        if len(_WHOLE_TABLE_PAGES) >= WHOLE_TABLE_PAGES_KEPT:
            _WHOLE_TABLE_PAGES.clear()  # a crawl through every page and sort: start over
        _WHOLE_TABLE_PAGES[key] = _page_statement(model.all(), shape, whole_table_count_sql(model))
    return _WHOLE_TABLE_PAGES[key]


# The slots of a queryset that say which rows it selects (not its model, connection or query).
_SELECTING = tuple(
    name
    for cls in QuerySet.__mro__
    for name in getattr(cls, "__slots__", ())
    if name not in {"model", "query", "fields", "_db", "_capabilities"}
)


def _whole_table(queryset: QuerySet[Any]) -> bool:
    """Whether `queryset` is all the rows of its model's table, as `Model.all()` makes it: every
    slot but those naming the table and its connection as in a fresh one (no filter, join, limit...)."""
    fresh = queryset.model.all()
    return all(getattr(queryset, name, None) == getattr(fresh, name, None) for name in _SELECTING)


_OBJECT_SQL: dict[tuple[Dialect, type[Model], type[BaseModel], tuple[tuple[str, Nested], ...]], str] = {}


def _object_sql(
    dialect: Dialect, model: type[Model], response: type[BaseModel], relations: tuple[tuple[str, Nested], ...]
) -> str:
    key = (dialect, model, response, relations)
    if key not in _OBJECT_SQL:
        _OBJECT_SQL[key] = json_object_sql(dialect, model, response, **dict(relations))
    return _OBJECT_SQL[key]
