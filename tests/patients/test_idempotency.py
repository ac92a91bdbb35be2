"""`Idempotency-Key` on `POST /api/v1/patients`: a retry replays the creation, it never repeats it."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from backend.patients.models import Category, Patient, PatientIdempotencyKey
from tests.factories import make_user
from tests.helpers import Caller, assert_problem, bearer, login

PATIENTS = "/api/v1/patients"
BODY = {"name": "Ada", "surname": "Lovelace", "birthday": "1915-12-10"}


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def test_the_same_key_and_body_replays_the_201(client: httpx.AsyncClient, user: Caller) -> None:
    first = await client.post(PATIENTS, json=BODY, headers=keyed(user.headers, "k-1"))
    again = await client.post(PATIENTS, json=dict(reversed(BODY.items())), headers=keyed(user.headers, "k-1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert await Patient.all().count() == 1


async def test_the_same_key_with_another_body_is_refused(client: httpx.AsyncClient, user: Caller) -> None:
    assert (await client.post(PATIENTS, json=BODY, headers=keyed(user.headers, "k-1"))).status_code == 201
    other = await client.post(PATIENTS, json={**BODY, "name": "Augusta"}, headers=keyed(user.headers, "k-1"))
    assert_problem(other, 422, "idempotency_key_reused")
    assert await Patient.all().count() == 1


async def test_keys_are_scoped_to_the_user(client: httpx.AsyncClient, user: Caller) -> None:
    await make_user("doctor", roles=("user",))
    doctor = bearer((await login(client, "doctor"))["access_token"])
    mine = await client.post(PATIENTS, json=BODY, headers=keyed(user.headers, "shared"))
    theirs = await client.post(PATIENTS, json=BODY, headers=keyed(doctor, "shared"))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


async def test_without_a_key_every_post_creates(client: httpx.AsyncClient, user: Caller) -> None:
    for _ in range(2):
        assert (await client.post(PATIENTS, json=BODY, headers=user.headers)).status_code == 201
    assert await Patient.all().count() == 2
    assert await PatientIdempotencyKey.all().count() == 0


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "nön-ascii"])
async def test_a_malformed_key_is_422(client: httpx.AsyncClient, user: Caller, key: str) -> None:
    response = await client.post(
        PATIENTS, json=BODY, headers={**user.headers, "Idempotency-Key": key.encode()}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await Patient.all().count() == 0


async def test_concurrent_requests_with_one_key_create_one_patient(
    client: httpx.AsyncClient, user: Caller
) -> None:
    responses = await asyncio.gather(
        *(client.post(PATIENTS, json=BODY, headers=keyed(user.headers, "race")) for _ in range(8))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert await Patient.all().count() == 1


async def test_a_failed_creation_does_not_keep_the_key(client: httpx.AsyncClient, user: Caller) -> None:
    bad = {**BODY, "appointments": [{"date": "2026-11-02T09:30:00Z", "measures": [
        {"category_id": 999, "marker": "kg", "value": 80, "timestamp": "2026-11-02T09:35:00Z"}
    ]}]}  # fmt: skip
    assert (await client.post(PATIENTS, json=bad, headers=keyed(user.headers, "k-1"))).status_code == 422
    category = await Category.create(name="weight")
    bad["appointments"][0]["measures"][0]["category_id"] = category.id  # type: ignore[index]
    assert (await client.post(PATIENTS, json=bad, headers=keyed(user.headers, "k-1"))).status_code == 201


async def test_deleting_the_patient_frees_the_key(client: httpx.AsyncClient, user: Caller) -> None:
    first = await client.post(PATIENTS, json=BODY, headers=keyed(user.headers, "k-1"))
    assert (await client.delete(f"{PATIENTS}/{first.json()['id']}", headers=user.headers)).status_code == 204
    again = await client.post(PATIENTS, json=BODY, headers=keyed(user.headers, "k-1"))
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
