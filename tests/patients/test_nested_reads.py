"""One patient, or one appointment, read in one statement (backend/nested.py): the same answer, byte
for byte, as the ORM's prefetches built it, on the database the session runs on (SQLite, or
PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import BaseModel

from backend.errors import NotFound
from backend.patients import service
from backend.patients.models import Appointment, Category, Measure, Patient
from backend.patients.schemas import appointment_read, patient_read
from tests.helpers import count_statements

pytestmark = pytest.mark.usefixtures("db")

START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
VALUES = [81.5, 120.0, 0.1, -3.25, 1e12, -1e-7, 0.0, 1 / 3]


def as_sent(model: BaseModel) -> bytes:
    return model.__pydantic_serializer__.to_json(model)


async def a_patient_with_everything() -> Patient:
    """Appointments created out of date order (and two at one time), measures of two categories,
    values of every shape, a null birthday, text that needs escaping."""
    patient = await Patient.create(name='Zoë "Ω" 🩺', surname="O'Brien\\n\ttab\nline", birthday=None)
    weight, pulse = await Category.create(name="weight ⚖"), await Category.create(name="pulse")
    later = await Appointment.create(patient=patient, date=START + timedelta(days=7), notes="")
    first = await Appointment.create(patient=patient, date=START + timedelta(microseconds=250), notes="ünï")
    same_time = await Appointment.create(patient=patient, date=START + timedelta(days=7), notes="tie")
    for number, value in enumerate(VALUES):
        await Measure.create(
            appointment=first if number % 2 else later,
            category=weight if number % 3 else pulse,
            marker=f"m{number}",
            value=value,
            timestamp=START + timedelta(minutes=10 - number, microseconds=number),
        )
    await Measure.create(appointment=same_time, category=pulse, marker="bpm", value=61, timestamp=START)
    return patient


async def orm_patient(patient_id: int) -> bytes:
    return as_sent(patient_read(await service.get_patient(patient_id=patient_id, details=True)))


async def test_a_patient_reads_as_the_orm_built_it() -> None:
    patient = await a_patient_with_everything()
    nested = await service.read_patient(patient_id=patient.id)
    assert as_sent(nested) == await orm_patient(patient.id)
    assert [len(a.measures) for a in nested.appointments] == [4, 4, 1]


async def test_a_patient_without_appointments_and_with_a_birthday() -> None:
    patient = await Patient.create(name="Grace", surname="Hopper", birthday=date(1906, 12, 9), comments="")
    nested = await service.read_patient(patient_id=patient.id)
    assert as_sent(nested) == await orm_patient(patient.id)
    assert nested.appointments == []


async def test_an_appointment_reads_as_the_orm_built_it() -> None:
    patient = await a_patient_with_everything()
    for appointment in await Appointment.filter(patient=patient):
        nested = await service.read_appointment(patient_id=patient.id, appointment_id=appointment.id)
        orm = await service.get_appointment(
            patient_id=patient.id, appointment_id=appointment.id, details=True
        )
        assert as_sent(nested) == as_sent(appointment_read(orm))


async def test_missing_rows_are_404_as_before() -> None:
    patient = await a_patient_with_everything()
    other = await Patient.create(name="Other", surname="Patient")
    appointment = await Appointment.filter(patient=patient).first()
    assert appointment is not None
    with pytest.raises(NotFound, match="No patient with id 999"):
        await service.read_patient(patient_id=999)
    with pytest.raises(NotFound, match=f"Patient {other.id} has no appointment"):
        await service.read_appointment(patient_id=other.id, appointment_id=appointment.id)
    with pytest.raises(NotFound, match="No patient with id 999"):
        await service.read_appointment(patient_id=999, appointment_id=appointment.id)


async def test_one_statement_instead_of_one_per_prefetch_level(monkeypatch: pytest.MonkeyPatch) -> None:
    patient = await a_patient_with_everything()
    appointment = await Appointment.filter(patient=patient).first()
    assert appointment is not None
    statements = count_statements(monkeypatch)

    await service.get_patient(patient_id=patient.id, details=True)
    assert len(statements) == 4  # the patient, appointments, measures, categories: the hook sees them

    statements.clear()
    await service.read_patient(patient_id=patient.id)
    assert len(statements) == 1
    statements.clear()
    await service.read_appointment(patient_id=patient.id, appointment_id=appointment.id)
    assert len(statements) == 1
