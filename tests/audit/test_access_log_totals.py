"""The access-log list counts its matches only up to ACCESS_LOG_COUNT_LIMIT, and pages on past it."""

from __future__ import annotations

import uuid
from typing import Any, cast

import httpx
import pytest
from sanic import Sanic

from backend.app import create_app
from backend.audit import queries
from backend.audit.schemas import AccessLogQuery
from backend.config import Settings
from backend.pagination import PageParams, Total
from tests.factories import make_access_log_rows
from tests.helpers import Caller

CEILING = 5


@pytest.fixture
def app(settings: Settings) -> Sanic:
    capped = settings.model_copy(update={"access_log_count_limit": CEILING})
    return create_app(capped, name=f"test_{uuid.uuid4().hex}")


async def listed(client: httpx.AsyncClient, admin: Caller, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/access-log", params=params, headers=admin.headers)
    return cast(dict[str, Any], response.raise_for_status().json())


async def test_the_total_is_exact_up_to_the_ceiling_and_a_floor_past_it(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    await make_access_log_rows(["/bulk"] * CEILING)
    at_ceiling = await listed(client, admin, path="/bulk")
    assert (at_ceiling["total"], at_ceiling["total_exact"], len(at_ceiling["items"])) == (
        CEILING,
        True,
        CEILING,
    )

    await make_access_log_rows(["/bulk"])
    past = await listed(client, admin, path="/bulk", per_page=CEILING)
    assert (past["total"], past["total_exact"], len(past["items"])) == (CEILING, False, CEILING)
    assert (await listed(client, admin, path="/none"))["total_exact"] is True


@pytest.mark.parametrize("sort", ["-timestamp", "duration_ms"])
async def test_pages_past_the_ceiling_are_served_until_the_rows_run_out(
    client: httpx.AsyncClient, admin: Caller, sort: str
) -> None:
    await make_access_log_rows(["/bulk"] * 11)
    newest_first = [f"r{n}" for n in range(10, -1, -1)]
    expected = newest_first if sort == "-timestamp" else newest_first[::-1]
    pages = [
        await listed(client, admin, path="/bulk", per_page=3, page=n, sort=sort) for n in (1, 2, 3, 4, 5)
    ]

    assert [[item["request_id"] for item in page["items"]] for page in pages] == [
        expected[0:3],
        expected[3:6],
        expected[6:9],
        expected[9:11],
        [],
    ]
    # Each full page past the counted rows raises the floor; a short one ends the list exactly;
    # a page past the end says no more than the ceiling.
    assert [(page["total"], page["total_exact"]) for page in pages] == [
        (CEILING, False),
        (6, False),
        (9, False),
        (11, True),
        (CEILING, False),
    ]


async def test_filters_are_counted_up_to_the_ceiling_too(client: httpx.AsyncClient, admin: Caller) -> None:
    await make_access_log_rows(["/api/v1/patients/1"] * 7, status=503)
    await make_access_log_rows(["/api/v1/patients/2"] * 2, status=500)
    for params in ({"status": "5xx"}, {"status": "503"}, {"path": "/api/v1/patients"}):
        page = await listed(client, admin, per_page=2, **params)
        assert (page["total"], page["total_exact"]) == (CEILING, False), params
    rare = await listed(client, admin, status="500")
    assert (rare["total"], rare["total_exact"], len(rare["items"])) == (2, True, 2)


@pytest.mark.parametrize("share", [0.9, 0.02], ids=["common-prefix", "rare-prefix"])
@pytest.mark.parametrize("ceiling", [3, 100])
async def test_a_capped_total_keeps_each_path_plan_right(db: None, share: float, ceiling: int) -> None:
    """SQLite chooses between walking the time index and sorting the path index's matches by how
    many match: a capped count decides when its floor is enough, else the matches are counted."""
    paths = ["/api/v1/patients/7" if n % round(1 / share) == 0 else f"/other/{n}" for n in range(400)]
    await make_access_log_rows(paths)
    matching = [f"r{n}" for n in range(len(paths) - 1, -1, -1) if paths[n].startswith("/api/v1/patients")]
    for number in (1, 2, 5):
        query = AccessLogQuery(path="/api/v1/patients", per_page=3, page=number)
        rows, total = await queries.page(query, count_limit=ceiling)
        assert [row.request_id for row in rows] == matching[3 * (number - 1) :][:3]
        assert total.exact is (len(matching) <= ceiling or 0 < len(rows) < 3)


@pytest.mark.parametrize(
    ("total", "page", "rows", "after"),
    [
        (Total(10, True), 9, 0, Total(10, True)),
        (Total(10, False), 1, 3, Total(10, False)),
        (Total(10, False), 5, 3, Total(15, False)),
        (Total(10, False), 5, 2, Total(14, True)),
        (Total(10, False), 9, 0, Total(10, False)),
    ],
)
def test_a_page_tells_what_it_saw(total: Total, page: int, rows: int, after: Total) -> None:
    assert total.after(PageParams(page=page, per_page=3), rows) == after
