"""The example domain: patients, appointments, measures and categories, for role `user`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.patients import service
from backend.patients.models import Appointment, Category, Measure, Patient
from tests.factories import make_user
from tests.helpers import Caller, bearer, login

PATIENTS = "/api/v1/patients"


@pytest.fixture
async def weight() -> Category:
    return await Category.create(name="weight")


def nested_patient(category_id: int) -> dict[str, object]:
    return {
        "name": "  Harald ",
        "surname": "Meier",
        "birthday": "1961-04-02",
        "comments": "prefers mornings",
        "appointments": [
            {
                "date": "2026-11-02T09:30:00Z",
                "notes": "first visit",
                "measures": [
                    {
                        "category_id": category_id,
                        "marker": "kg",
                        "value": 81.5,
                        "timestamp": "2026-11-02T09:35:00Z",
                    },
                    {
                        "category_id": category_id,
                        "marker": "kg",
                        "value": 81.1,
                        "timestamp": "2026-11-02T09:40:00",
                    },
                ],
            },
            {"date": "2026-11-09T09:30:00Z"},
        ],
    }


async def test_patients_need_role_user(client: httpx.AsyncClient) -> None:
    await make_user("clerk", roles=())
    clerk = bearer((await login(client, "clerk"))["access_token"])
    for method, path in [
        ("GET", PATIENTS),
        ("POST", PATIENTS),
        ("GET", f"{PATIENTS}/1"),
        ("GET", "/api/v1/categories"),
    ]:
        assert (await client.request(method, path, headers=clerk, json={})).status_code == 403
    assert (await client.get(PATIENTS)).status_code == 401


async def test_create_a_patient_with_appointments_and_measures_in_one_request(
    client: httpx.AsyncClient, user: Caller, weight: Category
) -> None:
    response = await client.post(PATIENTS, headers=user.headers, json=nested_patient(weight.id))
    assert response.status_code == 201
    patient = response.json()
    assert response.headers["location"] == f"/api/v1/patients/{patient['id']}"
    assert (patient["name"], patient["surname"], patient["birthday"]) == ("Harald", "Meier", "1961-04-02")
    first, second = patient["appointments"]
    assert first["date"] == "2026-11-02T09:30:00Z"
    assert [m["value"] for m in first["measures"]] == [81.5, 81.1]
    assert first["measures"][0]["category"] == {"id": weight.id, "name": "weight"}
    assert first["measures"][1]["timestamp"] == "2026-11-02T09:40:00Z"
    assert second["measures"] == []
    assert (await client.get(f"{PATIENTS}/{patient['id']}", headers=user.headers)).json() == patient


async def test_a_bad_measure_leaves_nothing_behind(
    client: httpx.AsyncClient, user: Caller, weight: Category
) -> None:
    payload = nested_patient(weight.id)
    payload["appointments"][1]["measures"] = [  # type: ignore[index]
        {"category_id": 999, "marker": "kg", "value": 1, "timestamp": "2026-11-09T09:31:00Z"}
    ]
    response = await client.post(PATIENTS, headers=user.headers, json=payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "appointments", 1, "measures", 0, "category_id"]
    assert (await Patient.all().count(), await Appointment.all().count(), await Measure.all().count()) == (
        0,
        0,
        0,
    )


async def test_a_failure_mid_write_rolls_everything_back(
    client: httpx.AsyncClient, user: Caller, weight: Category, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    original = Measure.bulk_create

    async def fail_on_second(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk on fire")
        return await original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Measure, "bulk_create", fail_on_second)
    response = await client.post(PATIENTS, headers=user.headers, json=nested_patient(weight.id))
    assert response.status_code == 500
    assert (await Patient.all().count(), await Appointment.all().count(), await Measure.all().count()) == (
        0,
        0,
        0,
    )


async def test_a_patient_alone_is_one_insert_without_a_transaction(
    client: httpx.AsyncClient, user: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_transaction() -> object:
        raise AssertionError("a single INSERT needs no transaction")

    monkeypatch.setattr(service, "atomic", no_transaction)
    response = await client.post(PATIENTS, headers=user.headers, json={"name": "Ann", "surname": "Lee"})
    assert response.status_code == 201
    assert response.content == (await client.get(response.headers["location"], headers=user.headers)).content
    assert await Patient.all().count() == 1


@pytest.mark.parametrize(
    "patient",
    [
        {
            "name": " Zoë\u00a0",
            "surname": "O'Brien-Łukasz 李",
            "birthday": None,
            "comments": 'line\nnext 🩺 "q"',
        },
        {"name": "x" * 100, "surname": "y", "birthday": "1900-01-01", "comments": "\\ <b> &amp;"},
    ],
    ids=["unicode", "edges"],
)
async def test_a_patient_alone_is_answered_byte_for_byte_as_a_get_reads_them(
    client: httpx.AsyncClient, user: Caller, patient: dict[str, object]
) -> None:
    """Answered from what was inserted, not read back (service.create_patient)."""
    response = await client.post(PATIENTS, headers=user.headers, json=patient)
    assert response.status_code == 201, response.text
    assert response.content == (await client.get(response.headers["location"], headers=user.headers)).content


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"surname": ""}, "surname"),
        ({"birthday": (datetime.now(UTC) + timedelta(days=2)).date().isoformat()}, "birthday"),
        ({"birthday": "1961-02-30"}, "birthday"),
        ({"birthday": "1700-01-01"}, "birthday"),
        ({"appointments": [{"date": "not a date"}]}, "date"),
        (
            {
                "appointments": [
                    {
                        "date": "2026-01-01T00:00:00Z",
                        "measures": [
                            {
                                "category_id": 1,
                                "marker": "kg",
                                "value": "NaN",
                                "timestamp": "2026-01-01T00:00:00Z",
                            }
                        ],
                    }
                ]
            },
            "value",
        ),
        (
            {
                "appointments": [
                    {
                        "date": "2026-01-01T00:00:00Z",
                        "measures": [
                            {
                                "category_id": 1,
                                "marker": "kg",
                                "value": 1e300,
                                "timestamp": "2026-01-01T00:00:00Z",
                            }
                        ],
                    }
                ]
            },
            "value",
        ),
        ({"id": 5}, "id"),
    ],
)
async def test_invalid_fields_are_422_naming_the_field(
    client: httpx.AsyncClient, user: Caller, change: dict[str, object], field: str
) -> None:
    payload = {"name": "Ann", "surname": "Lee", **change}
    response = await client.post(PATIENTS, headers=user.headers, json=payload)
    assert response.status_code == 422, response.text
    assert field in {str(error["loc"][-1]) for error in response.json()["errors"]}


async def test_list_search_sort_and_page(client: httpx.AsyncClient, user: Caller) -> None:
    for name, surname in [("Anna", "Zimmer"), ("Bert", "Adler"), ("Carla", "Meier"), ("Dirk", "Meyer")]:
        await Patient.create(name=name, surname=surname)
    page = (await client.get(f"{PATIENTS}?q=mei", headers=user.headers)).json()
    assert [p["surname"] for p in page["items"]] == ["Meier"]
    assert "appointments" not in page["items"][0]
    by_surname = (await client.get(f"{PATIENTS}?per_page=2&page=2", headers=user.headers)).json()
    assert [p["surname"] for p in by_surname["items"]] == ["Meyer", "Zimmer"]
    by_name_desc = (await client.get(f"{PATIENTS}?sort=-name", headers=user.headers)).json()
    assert [p["name"] for p in by_name_desc["items"]] == ["Dirk", "Carla", "Bert", "Anna"]
    assert (await client.get(f"{PATIENTS}?sort=comments", headers=user.headers)).status_code == 422


async def test_partial_update_changes_only_what_is_sent(client: httpx.AsyncClient, user: Caller) -> None:
    patient = await Patient.create(name="Ann", surname="Lee", comments="keep me")
    response = await client.patch(
        f"{PATIENTS}/{patient.id}", headers=user.headers, json={"surname": "Lee-Smith"}
    )
    assert response.status_code == 200
    assert (response.json()["surname"], response.json()["comments"]) == ("Lee-Smith", "keep me")
    cleared = await client.patch(f"{PATIENTS}/{patient.id}", headers=user.headers, json={"birthday": None})
    assert cleared.json()["birthday"] is None


async def test_children_under_the_wrong_parent_are_404(
    client: httpx.AsyncClient, user: Caller, weight: Category
) -> None:
    a = (await client.post(PATIENTS, headers=user.headers, json=nested_patient(weight.id))).json()
    b = (await client.post(PATIENTS, headers=user.headers, json=nested_patient(weight.id))).json()
    appointment = a["appointments"][0]
    measure = appointment["measures"][0]
    other = b["appointments"][0]
    own = f"{PATIENTS}/{a['id']}/appointments/{appointment['id']}"
    assert (await client.get(own, headers=user.headers)).status_code == 200
    for path in (
        f"{PATIENTS}/{b['id']}/appointments/{appointment['id']}",
        f"{PATIENTS}/{b['id']}/appointments/{other['id']}/measures/{measure['id']}",
        f"{PATIENTS}/{a['id']}/appointments/{other['id']}/measures/{measure['id']}",
        f"{PATIENTS}/{a['id']}/appointments/{other['id']}/measures",
        f"{PATIENTS}/999/appointments",
    ):
        for method in ("GET", "PATCH", "DELETE"):
            response = await client.request(method, path, headers=user.headers, json={})
            assert response.status_code in (404, 405), (method, path)
    assert await Measure.exists(id=measure["id"])


async def test_appointments_and_measures_crud(
    client: httpx.AsyncClient, user: Caller, weight: Category
) -> None:
    patient = await Patient.create(name="Ann", surname="Lee")
    base = f"{PATIENTS}/{patient.id}/appointments"
    created = await client.post(
        base, headers=user.headers, json={"date": "2026-11-20T10:00:00Z", "notes": "check-up"}
    )
    assert created.status_code == 201
    appointment = created.json()
    measures = f"{base}/{appointment['id']}/measures"
    measure = await client.post(
        measures,
        headers=user.headers,
        json={"category_id": weight.id, "marker": "kg", "value": 70, "timestamp": "2026-11-20T10:05:00Z"},
    )
    assert measure.status_code == 201
    measure_url = measure.headers["location"]
    assert (await client.patch(measure_url, headers=user.headers, json={"value": 69.5})).json()[
        "value"
    ] == 69.5
    assert (await client.get(measures, headers=user.headers)).json()["total"] == 1
    edited = await client.patch(f"{base}/{appointment['id']}", headers=user.headers, json={"notes": "done"})
    assert edited.json()["notes"] == "done"
    assert (await client.delete(measure_url, headers=user.headers)).status_code == 204
    assert (await client.delete(f"{base}/{appointment['id']}", headers=user.headers)).status_code == 204
    assert (await client.get(base, headers=user.headers)).json()["total"] == 0


async def test_deleting_a_patient_deletes_their_appointments_and_measures(
    client: httpx.AsyncClient, user: Caller, weight: Category
) -> None:
    patient = (await client.post(PATIENTS, headers=user.headers, json=nested_patient(weight.id))).json()
    assert (await client.delete(f"{PATIENTS}/{patient['id']}", headers=user.headers)).status_code == 204
    assert (await Patient.all().count(), await Appointment.all().count(), await Measure.all().count()) == (
        0,
        0,
        0,
    )
    assert (await client.get(f"{PATIENTS}/{patient['id']}", headers=user.headers)).status_code == 404


async def test_the_measures_time_series_filters_across_appointments(
    client: httpx.AsyncClient, user: Caller, weight: Category
) -> None:
    pulse = await Category.create(name="pulse")
    payload = nested_patient(weight.id)
    payload["appointments"][1]["measures"] = [  # type: ignore[index]
        {"category_id": pulse.id, "marker": "bpm", "value": 64, "timestamp": "2026-11-09T09:31:00Z"},
        {"category_id": weight.id, "marker": "kg", "value": 80.7, "timestamp": "2026-11-09T09:32:00Z"},
    ]
    patient = (await client.post(PATIENTS, headers=user.headers, json=payload)).json()
    series = f"{PATIENTS}/{patient['id']}/measures"
    kg = (await client.get(f"{series}?marker=kg", headers=user.headers)).json()
    assert [m["value"] for m in kg["items"]] == [81.5, 81.1, 80.7]
    by_category = (await client.get(f"{series}?category_id={pulse.id}", headers=user.headers)).json()
    assert [m["marker"] for m in by_category["items"]] == ["bpm"]
    windowed = (
        await client.get(series, params={"since": "2026-11-09T00:00:00Z"}, headers=user.headers)
    ).json()
    assert windowed["total"] == 2


async def test_categories_are_listed_for_users_and_created_by_admins(
    client: httpx.AsyncClient, user: Caller, admin: Caller
) -> None:
    assert (
        await client.post("/api/v1/categories", headers=user.headers, json={"name": "weight"})
    ).status_code == 403
    created = await client.post("/api/v1/categories", headers=admin.headers, json={"name": "weight"})
    assert created.status_code == 201
    assert (
        await client.post("/api/v1/categories", headers=admin.headers, json={"name": "weight"})
    ).status_code == 409
    assert (await client.get("/api/v1/categories", headers=user.headers)).json()["items"] == [created.json()]


async def test_writes_answer_exactly_what_a_get_then_reads(
    client: httpx.AsyncClient, user: Caller, weight: Category
) -> None:
    """Creates, updates and an idempotent replay answer through the GET's own read, byte for byte."""
    keyed = {**user.headers, "Idempotency-Key": "same-read"}
    created = await client.post(PATIENTS, headers=keyed, json=nested_patient(weight.id))
    patient = f"{PATIENTS}/{created.json()['id']}"
    assert created.content == (await client.get(patient, headers=user.headers)).content
    replayed = await client.post(PATIENTS, headers=keyed, json=nested_patient(weight.id))
    assert replayed.content == created.content

    updated = await client.patch(
        patient, headers=user.headers, json={"comments": "Ünïcode ✓", "birthday": None}
    )
    assert updated.status_code == 200
    assert updated.content == (await client.get(patient, headers=user.headers)).content

    measure = {"category_id": weight.id, "marker": "kg", "value": 120, "timestamp": "2026-11-03T08:00:00"}
    added = await client.post(
        f"{patient}/appointments",
        headers=user.headers,
        json={"date": "2026-11-03T07:59:59.5+01:00", "measures": [measure]},
    )
    assert added.status_code == 201
    assert added.content == (await client.get(added.headers["location"], headers=user.headers)).content
    moved = await client.patch(added.headers["location"], headers=user.headers, json={"notes": "moved"})
    assert moved.content == (await client.get(added.headers["location"], headers=user.headers)).content
    assert moved.json()["measures"][0]["value"] == 120.0
