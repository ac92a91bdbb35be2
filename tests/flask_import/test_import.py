"""Importing a Flask template database: its clients, users and data carry on in ours."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from tortoise import Tortoise

from backend.audit.models import AccessLog
from backend.db import tortoise_config
from backend.flask_import.command import import_flask_template
from backend.flask_import.importer import Options, Report
from backend.flask_import.models import FlaskImportRow
from backend.migrate import apply_migrations
from backend.patients.models import Appointment, Measure, Patient
from backend.users.models import Role, User
from tests.conftest import TEST_DATABASE_URL, _admin_sql, base_settings, requires_postgres, with_database
from tests.factories import make_user
from tests.flask_import.conftest import MakeSource
from tests.flask_import.template_db import (
    PBKDF2_123456,
    SCRYPT_123456,
    TemplateData,
    local_seconds,
    werkzeug_pbkdf2,
    werkzeug_scrypt,
    write_postgres,
    write_sqlite,
)

JSON = {"Content-Type": "application/json"}
DOCTOR_PASSWORD = "tardis-blue-box"
NURSE_PASSWORD = "night-shift-2019"


def clinic(zone: str = "UTC") -> TemplateData:
    """A template database that ran a while in `zone`: its demo rows, real ones, and a few bad ones."""
    at = lambda text: local_seconds(text, zone)  # noqa: E731
    return (
        TemplateData()
        .add("role", (1, "admin"), (2, "user"), (3, "statistician"))
        .add(
            "user",
            (1, "admin", SCRYPT_123456),
            (2, "client", PBKDF2_123456),
            (3, "doctor.who", werkzeug_scrypt(DOCTOR_PASSWORD)),
            (4, "nurse", werkzeug_pbkdf2(NURSE_PASSWORD)),
            (5, "bad name!", werkzeug_pbkdf2("whatever")),
        )
        .add("user_role", (1, 1), (2, 2), (2, 3), (2, 3), (3, 3), (2, 4), (2, 5))
        .add("category", (1, "HR"), (2, "Boold Pressure"), (3, "Weight"))
        .add(
            "patient",
            (1, "Luca", "Nastasi", at("1997-07-28"), "demo"),
            (2, "Anna", "Muster", None, None),
            (7, "Marco", "Rossi", at("1950-01-02"), "allergic to penicillin"),
            (8, None, "Nameless", None, None),
        )
        .add(
            "appointment",
            (1, 1, at("2024-03-01T09:00:00")),
            (2, 7, at("2024-05-10T14:30:00")),
            (3, 8, at("2024-05-11T10:00:00")),
        )
        .add(
            "measure",
            (1, None, 60.0, at("2024-03-01T09:05:00"), 1, 1),
            (2, "systolic", 120.0, at("2024-03-01T09:06:00"), 1, 2),
            (3, "weight", 70.5, at("2024-05-10T14:35:00"), 2, 3),
        )
        .add(
            "access_log",
            (
                1,
                "http://localhost:5000/api/patient/7?full=1",
                "GET",
                "doctor.who",
                200,
                "10.0.0.7",
                datetime(2024, 5, 10, 12, 31, 2, 123456),
            ),
            (
                2,
                "http://localhost:5000/api/auth/",
                "POST",
                "Anonymous",
                401,
                "10.0.0.9",
                datetime(2024, 5, 10, 12, 30, 0),
            ),
        )
    )


async def run_printing(url: str, **options: Any) -> tuple[Report, list[str]]:
    """The import as the command runs it, and the lines it prints."""
    lines: list[str] = []
    zone = ZoneInfo(options.pop("time_zone", "UTC"))
    report = await import_flask_template(url, Options(time_zone=zone, **options), say=lines.append)
    return report, lines


async def run(url: str, **options: Any) -> Report:
    return (await run_printing(url, **options))[0]


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/", headers=JSON, json={"username": username, "password": password})


async def test_the_template_clients_get_the_same_patients(
    client: httpx.AsyncClient, make_source: MakeSource
) -> None:
    await run(await make_source(clinic()))
    tokens = (await login(client, "doctor.who", DOCTOR_PASSWORD)).json()
    headers = {"Authorization": "Bearer " + tokens["access_token"], **JSON}

    luca = (await client.get("/api/patient/1", headers=headers)).json()
    assert (luca["id"], luca["name"], luca["surname"], luca["birthday"], luca["comments"]) == (
        1, "Luca", "Nastasi", "1997-07-28", "demo",
    )  # fmt: skip
    [visit] = luca["appointments"]
    assert visit["id"] == 1
    assert datetime.fromisoformat(visit["date"]) == datetime(2024, 3, 1, 9, tzinfo=UTC)
    assert [(m["marker"], m["value"], m["category"]["name"]) for m in visit["measures"]] == [
        ("systolic", 120.0, "Boold Pressure")
    ]
    marco = (await client.get("/api/patient/7", headers=headers)).json()
    assert (marco["name"], marco["surname"], marco["birthday"]) == ("Marco", "Rossi", "1950-01-02")
    assert marco["comments"] == "allergic to penicillin"
    assert [m["marker"] for a in marco["appointments"] for m in a["measures"]] == ["weight"]
    anna = (await client.get("/api/patient/2", headers=headers)).json()
    assert (anna["birthday"], anna["comments"], anna["appointments"]) == (None, "", [])
    assert (await client.get("/api/patient/8", headers=headers)).status_code == 404


async def test_old_passwords_log_in_once_and_are_rehashed(
    client: httpx.AsyncClient, make_source: MakeSource
) -> None:
    await run(await make_source(clinic()))
    for username, password in (("doctor.who", DOCTOR_PASSWORD), ("nurse", NURSE_PASSWORD)):
        before = (await User.get(username=username)).password_hash
        assert before.startswith(("scrypt:", "pbkdf2:"))
        assert (await login(client, username, "not the password")).status_code == 401
        assert (await User.get(username=username)).password_hash == before
        assert (await login(client, username, password)).status_code == 200
        after = await User.get(username=username)
        assert after.password_hash.startswith("$2b$")
        assert not after.password_change_required
        assert after.is_active
        assert (await login(client, username, password)).status_code == 200  # now checked by bcrypt


async def test_users_keep_their_roles(client: httpx.AsyncClient, make_source: MakeSource) -> None:
    await run(await make_source(clinic()))
    doctor = await User.get(username="doctor.who").prefetch_related("roles")
    assert sorted(role.name for role in doctor.roles) == ["statistician", "user"]
    assert (await Role.get(name="statistician")).built_in is False


async def test_re_running_imports_nothing_twice(client: httpx.AsyncClient, make_source: MakeSource) -> None:
    url = await make_source(clinic())
    first = await run(url, with_access_log=True)
    totals = (await Patient.all().count(), await Measure.all().count(), await AccessLog.all().count())
    second = await run(url, with_access_log=True)
    assert all(count.imported == 0 for count in second.counts.values())
    for table, count in first.counts.items():
        assert second.counts[table].before == count.imported + count.matched
    assert (await Patient.all().count(), await Measure.all().count(), await AccessLog.all().count()) == totals
    assert totals == (3, 2, 2)


async def test_bad_rows_are_reported_and_skipped(client: httpx.AsyncClient, make_source: MakeSource) -> None:
    report, printed = await run_printing(await make_source(clinic()))
    assert "skipped user 5: username 'bad name!' is refused by our rules" in "\n".join(report.bad_rows)
    for line in (
        "skipped patient 8: no name",
        "skipped appointment 3: its patient 8 is gone or was not imported",
        "skipped measure 1: no marker",
    ):
        assert line in report.bad_rows
    assert report.counts["patient"].skipped == 1
    assert await Patient.filter(surname="Nameless").count() == 0
    assert printed[-1].startswith("Tokens were not imported")


async def test_a_measure_whose_category_is_gone(db: None, tmp_path: Path) -> None:
    """Only SQLite lets the template lose a category under its measures (no foreign keys enforced)."""
    data = clinic().add("measure", (4, "pulse", 71.0, local_seconds("2024-03-01T09:07:00", "UTC"), 1, 99))
    report = await run(write_sqlite(tmp_path / "gone.db", data))
    assert "skipped measure 4: its category 99 is gone or was not imported" in report.bad_rows
    assert not await Measure.filter(marker="pulse").exists()


async def test_dry_run_writes_nothing(db: None, make_source: MakeSource) -> None:
    report, printed = await run_printing(await make_source(clinic()), dry_run=True, with_access_log=True)
    assert report.counts["patient"].imported == 3
    assert report.counts["measure"].imported == 2
    assert printed[-1] == "Dry run: nothing was written."
    for model in (Patient, Appointment, Measure, User, AccessLog, FlaskImportRow):
        assert await model.all().count() == 0
    assert await Role.all().count() == 2  # ours, built in


async def test_demo_users_only_when_asked_and_then_must_change_password(
    client: httpx.AsyncClient, make_source: MakeSource
) -> None:
    url = await make_source(clinic())
    report = await run(url)
    assert "skipped user 1: a demo user with the seeded password" in "\n".join(report.bad_rows)
    assert not await User.filter(username__in=["admin", "client"]).exists()
    assert (await login(client, "admin", "123456")).status_code == 401

    again, printed = await run_printing(url, include_demo_users=True)
    assert again.counts["user"].imported == 2
    for username in ("admin", "client"):
        assert (await User.get(username=username)).password_change_required
        response = await client.post("/api/v1/auth/login", json={"username": username, "password": "123456"})
        assert response.status_code == 200
        assert response.json()["password_change_required"] is True
    assert any("admin, client must change their password" in line for line in printed)


async def test_force_password_change(db: None, make_source: MakeSource) -> None:
    await run(await make_source(clinic()), force_password_change=True)
    assert await User.filter(password_change_required=False).count() == 0
    assert await User.all().count() == 2


async def test_the_time_zone_the_template_ran_in(db: None, make_source: MakeSource) -> None:
    """The template stored local-time Unix seconds: in Zurich, 1997-07-28 00:00 is the 27th at 22:00 UTC."""
    url = await make_source(clinic("Europe/Zurich"))
    report = await run(url, time_zone="Europe/Zurich")
    assert (await Patient.get(id=1)).birthday.isoformat() == "1997-07-28"  # type: ignore[union-attr]
    assert (await Appointment.get(id=1)).date == datetime(2024, 3, 1, 8, tzinfo=UTC)  # 09:00 in Zurich
    assert report.off_midnight_birthdays == 0


async def test_the_wrong_time_zone_is_noticed(db: None, make_source: MakeSource) -> None:
    report, printed = await run_printing(await make_source(clinic("Europe/Zurich")))  # read as UTC
    assert (await Patient.get(id=1)).birthday.isoformat() == "1997-07-27"  # type: ignore[union-attr]
    assert report.off_midnight_birthdays == 2
    assert any("not at midnight in UTC" in line for line in printed)


async def test_ids_are_kept_where_free_and_new_rows_get_new_ones(db: None, make_source: MakeSource) -> None:
    ours = await Patient.create(name="Already", surname="Here")
    assert ours.id == 1
    report = await run(await make_source(clinic()))
    assert report.counts["patient"].new_ids == 1
    luca = await Patient.get(name="Luca")
    assert luca.id != 1
    assert (await Patient.get(id=7)).name == "Marco"
    assert (await Appointment.get(id=1)).patient_id == luca.id  # type: ignore[attr-defined]
    later = await Patient.create(name="New", surname="Patient")  # the id sequence is past theirs
    assert later.id > 7


async def test_a_username_taken_in_ours_is_a_conflict(db: None, make_source: MakeSource) -> None:
    mine = await make_user("Nurse")
    report = await run(await make_source(clinic()))
    assert "skipped user 4: the name 'nurse' is taken in ours already" in report.bad_rows
    assert (await User.get(id=mine.id)).password_hash == mine.password_hash


async def test_the_access_log_when_asked(db: None, make_source: MakeSource) -> None:
    url = await make_source(clinic())
    await run(url)
    assert await AccessLog.all().count() == 0
    await run(url, with_access_log=True)
    doctor = await User.get(username="doctor.who")
    row = await AccessLog.get(status=200)
    assert (row.method, row.path, row.query, row.username, row.user_id, row.ip) == (
        "GET", "/api/patient/7", "full=1", "doctor.who", doctor.id, "10.0.0.7",
    )  # fmt: skip
    assert row.timestamp == datetime(2024, 5, 10, 12, 31, 2, 123456, tzinfo=UTC)
    anonymous = await AccessLog.get(status=401)
    assert (anonymous.path, anonymous.username, anonymous.user_id) == ("/api/auth/", None, None)


@requires_postgres
async def test_a_postgres_source_into_our_sqlite(tmp_path: Path) -> None:
    """The other pairing: with TEST_DATABASE_URL set, ours is PostgreSQL in every other test."""
    name = f"flask_src_{uuid.uuid4().hex[:12]}"
    await _admin_sql(TEST_DATABASE_URL, f'CREATE DATABASE "{name}"')
    ours = base_settings(tmp_path)
    try:
        source = await write_postgres(with_database(TEST_DATABASE_URL, name), clinic("Europe/Zurich"))
        await apply_migrations(ours)
        await Tortoise.init(config=tortoise_config(ours))
        try:
            report = await run(source, time_zone="Europe/Zurich", with_access_log=True)
            luca = await Patient.get(id=1)
            assert (luca.name, luca.birthday.isoformat() if luca.birthday else None) == ("Luca", "1997-07-28")
            assert report.counts["access_log"].imported == 2
            assert (await User.get(username="nurse")).password_hash.startswith("pbkdf2:sha256:1000$")
        finally:
            await Tortoise.close_connections()
    finally:
        await _admin_sql(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_a_demo_user_named_like_one_of_ours_stays_behind(db: None, make_source: MakeSource) -> None:
    ours = await make_user("admin", roles=("admin",))
    report, printed = await run_printing(await make_source(clinic()), include_demo_users=True)
    assert "skipped user 1: the name 'admin' is taken in ours already" in report.bad_rows
    assert report.demo_users == ["client"]
    assert any(line.startswith("Demo users client must change") for line in printed)
    assert (await User.get(username="admin")).password_hash == ours.password_hash
