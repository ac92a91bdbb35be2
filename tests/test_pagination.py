"""`read_page`: a page and its total in one statement, answered as `paginate` and `page_of` answer
through the ORM, byte for byte, on the database the session runs on (SQLite, or PostgreSQL with
TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel
from tortoise.queryset import QuerySet

from backend.nested import Nested
from backend.pagination import Page, PageParams, page_of, paginate, read_page
from backend.patients import service
from backend.patients.models import Appointment, Category, Measure, Patient
from backend.patients.schemas import (
    AppointmentPage,
    MeasurePage,
    PatientPage,
    PatientQuery,
    appointment_read,
    measure_read,
    patient_summary,
)
from tests.helpers import count_statements

pytestmark = pytest.mark.usefixtures("db")

PATIENT_SORT = {"surname": "surname", "name": "name", "birthday": "birthday", "id": "id"}
START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


async def some_patients() -> None:
    names = ["Zoë", 'Ann "A"', "bob", "Émile", "Ann", "ann\\n", "O'Neil", "Ω", "", "Ann"]
    for number, name in enumerate(names * 3):
        await Patient.create(
            name=name or "x",
            surname=["Lee", "lee", "Adler", "Ó"][number % 4],
            birthday=date(1950, 1, 1) + timedelta(days=97 * number) if number % 3 else None,
            comments="tab\there" if number % 2 else "",
        )


async def orm_page(
    page_type: type[Page[Any]],
    queryset: QuerySet[Any],
    params: PageParams,
    build: Callable[[Any], BaseModel],
    sort: Mapping[str, str],
    default: Sequence[str],
) -> bytes:
    items, total = await paginate(queryset, params, allowed_sort=sort, default_sort=default)
    page = page_of(page_type, [build(item) for item in items], total, params)
    return page.__pydantic_serializer__.to_json(page)


def as_sent(page: BaseModel) -> bytes:
    return page.__pydantic_serializer__.to_json(page)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"per_page": 7, "page": 2},
        {"per_page": 7, "page": 5},  # the last, partly full
        {"per_page": 7, "page": 6},  # past the end
        {"page": 1_000_000},
        {"q": "ann"},
        {"q": "ANN", "sort": "-birthday,name", "per_page": 3, "page": 2},
        {"q": "%"},  # a LIKE wildcard is a character to find
        {"q": "nobody"},
        {"sort": "-id", "per_page": 100},
    ],
)
async def test_a_page_of_patients_as_the_orm_answers_it(query: dict[str, Any]) -> None:
    await some_patients()
    params = PatientQuery.model_validate(query)
    default = ["surname", "name", "id"]
    searched = service.search_patients(q=params.q)
    page = await read_page(PatientPage, searched, params, allowed_sort=PATIENT_SORT, default_sort=default)
    expected = await orm_page(PatientPage, searched, params, patient_summary, PATIENT_SORT, default)
    assert as_sent(page) == expected


async def test_an_empty_table() -> None:
    page = await read_page(PatientPage, Patient.all(), PageParams(), allowed_sort={}, default_sort=["id"])
    assert (page.items, page.total) == ([], 0)


async def test_one_statement_for_a_page_and_its_total(monkeypatch: pytest.MonkeyPatch) -> None:
    await some_patients()
    statements = count_statements(monkeypatch)
    page = await read_page(
        PatientPage, service.search_patients(q="ann"), PageParams(), allowed_sort={}, default_sort=["id"]
    )
    assert (len(page.items), page.total, len(statements)) == (12, 12, 1)
    statements.clear()
    past = await read_page(
        PatientPage, Patient.all(), PageParams(page=9), allowed_sort={}, default_sort=["id"]
    )
    assert (past.items, past.total, len(statements)) == ([], 30, 2)  # no row carries the total: counted


async def with_appointments() -> Patient:
    patient = await Patient.create(name="Ada", surname="Lovelace")
    other = await Patient.create(name="Other", surname="Patient")
    weight, pulse = await Category.create(name="weight"), await Category.create(name="pulse")
    for number in range(5):
        appointment = await Appointment.create(
            patient=patient if number != 2 else other, date=START - timedelta(days=number), notes=f"n{number}"
        )
        for value in (1 / 3, -2.5, 1e12)[: number % 3 + 1]:
            await Measure.create(
                appointment=appointment,
                category=weight if value > 0 else pulse,
                marker="m",
                value=value,
                timestamp=START + timedelta(minutes=number, microseconds=7),
            )
    return patient


async def test_nested_relations_and_joins_in_a_page() -> None:
    patient = await with_appointments()
    measures = Nested(order_by=("timestamp", "id"), category=Nested())
    sort = {"date": "date", "id": "id"}
    appointments = Appointment.filter(patient_id=patient.id).prefetch_related("measures__category")
    for params in (PageParams(per_page=3), PageParams(per_page=3, page=2, sort="-date")):
        page = await read_page(
            AppointmentPage,
            appointments,
            params,
            allowed_sort=sort,
            default_sort=["date", "id"],
            measures=measures,
        )
        expected = await orm_page(
            AppointmentPage, appointments, params, appointment_read, sort, ["date", "id"]
        )
        assert as_sent(page) == expected
    # A filter across a relation (a join) and a nested foreign key.
    across = Measure.filter(appointment__patient_id=patient.id).prefetch_related("category")
    sort = {"timestamp": "timestamp", "value": "value", "id": "id"}
    params = PageParams(per_page=4, sort="-value")
    page = await read_page(
        MeasurePage, across, params, allowed_sort=sort, default_sort=["timestamp", "id"], category=Nested()
    )
    expected = await orm_page(MeasurePage, across, params, measure_read, sort, ["timestamp", "id"])
    assert as_sent(page) == expected
    assert page.total == 6
