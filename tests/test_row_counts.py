"""`backend/row_counts.py`: the patients' count kept by PostgreSQL's triggers is `count(*)` after
every kind of write, and a page of the whole table reads it while a search counts its matches."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections

from backend.pagination import PageParams, read_page
from backend.patients import service
from backend.patients.models import Patient
from backend.patients.schemas import PatientPage
from backend.transactions import atomic
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.usefixtures("db")]


async def kept() -> int:
    rows = await connections.get("default").execute_query_dict(
        "SELECT COALESCE(SUM(n), 0) AS n FROM row_count WHERE table_name = 'patient'"
    )
    return int(rows[0]["n"])


async def patients_page(q: str | None = None) -> PatientPage:
    return await read_page(
        PatientPage, service.search_patients(q=q), PageParams(), allowed_sort={}, default_sort=["id"]
    )


async def created_then_rolled_back() -> None:
    async with atomic():
        await Patient.create(name="Gone", surname="Rolled back")
        raise RuntimeError("rolled back")


async def test_the_kept_count_follows_inserts_deletes_rollbacks_and_truncate() -> None:
    await Patient.create(name="Ann", surname="Lee")
    await Patient.bulk_create([Patient(name=f"P{n}", surname="Bulk") for n in range(5)])
    await Patient.filter(surname="Bulk", name__in=["P0", "P1"]).delete()
    await Patient.filter(surname="nobody").delete()
    with pytest.raises(RuntimeError):
        await created_then_rolled_back()
    assert await kept() == await Patient.all().count() == 4
    await connections.get("default").execute_script('TRUNCATE "patient" CASCADE')
    assert await kept() == 0


async def test_concurrent_writers_on_many_connections_are_all_counted() -> None:
    await asyncio.gather(*(Patient.create(name=f"P{n}", surname="Same time") for n in range(30)))
    await asyncio.gather(*(Patient.filter(name=f"P{n}").delete() for n in range(0, 30, 3)))
    assert await kept() == await Patient.all().count() == 20


async def test_a_page_of_every_patient_reads_the_kept_count_and_a_search_counts_its_matches() -> None:
    await Patient.bulk_create([Patient(name="Ann", surname=f"S{n}") for n in range(3)])
    await Patient.create(name="Bob", surname="T")
    await connections.get("default").execute_script(
        "UPDATE row_count SET n = n + 1000 WHERE table_name = 'patient' AND slot = 0"
    )  # a count that only the kept one could give
    assert (await patients_page()).total == 1004
    assert (await patients_page(q="ann")).total == 3
