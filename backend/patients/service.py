"""Patients, their appointments and measures, and the categories measures belong to.

Children are always addressed through their parents: an appointment of another patient,
or a measure of another appointment, is not found (404), never silently served.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from backend.errors import Conflict, NotFound, ValidationFailed
from backend.nested import Nested, NestedRead
from backend.patients.models import Appointment, Category, Measure, Patient
from backend.patients.schemas import (
    AppointmentCreate,
    AppointmentRead,
    AppointmentUpdate,
    MeasureCreate,
    MeasureQuery,
    MeasureUpdate,
    PatientCreate,
    PatientRead,
    PatientSummary,
    PatientUpdate,
)
from backend.transactions import atomic

MEASURE_DETAILS = ("category",)
APPOINTMENT_DETAILS = ("measures__category",)
PATIENT_DETAILS = ("appointments__measures__category",)

# The responses of one patient and of one appointment, each read in one statement (backend/nested.py).
MEASURES = Nested(order_by=("timestamp", "id"), category=Nested())
APPOINTMENT_READ = NestedRead(Appointment, AppointmentRead, measures=MEASURES)
PATIENT_READ = NestedRead(
    Patient, PatientRead, appointments=Nested(order_by=("date", "id"), measures=MEASURES)
)


def search_patients(*, q: str | None) -> QuerySet[Patient]:
    patients = Patient.all()
    if q:
        patients = patients.filter(Q(name__icontains=q) | Q(surname__icontains=q))
    return patients


async def all_patients() -> list[Patient]:
    """Every patient with appointments and measures, by id (the Flask template's list, unpaged)."""
    return await Patient.all().order_by("id").prefetch_related(*PATIENT_DETAILS)


async def get_patient(*, patient_id: int, details: bool = False) -> Patient:
    query = Patient.filter(id=patient_id)
    if details:
        query = query.prefetch_related(*PATIENT_DETAILS)
    patient = await query.first()
    if patient is None:
        raise NotFound(f"No patient with id {patient_id}")
    return patient


async def read_patient(*, patient_id: int) -> PatientRead:
    """The patient with appointments and measures, as the API answers it."""
    patient = await PATIENT_READ.first(id=patient_id)
    if patient is None:
        raise NotFound(f"No patient with id {patient_id}")
    return patient


async def read_appointment(*, patient_id: int, appointment_id: int) -> AppointmentRead:
    """The appointment with its measures, as the API answers it."""
    appointment = await APPOINTMENT_READ.first(id=appointment_id, patient_id=patient_id)
    if appointment is None:
        await get_patient(patient_id=patient_id)
        raise NotFound(f"Patient {patient_id} has no appointment with id {appointment_id}")
    return appointment


async def get_appointment(*, patient_id: int, appointment_id: int, details: bool = False) -> Appointment:
    query = Appointment.filter(id=appointment_id, patient_id=patient_id)
    if details:
        query = query.prefetch_related(*APPOINTMENT_DETAILS)
    appointment = await query.first()
    if appointment is None:
        await get_patient(patient_id=patient_id)
        raise NotFound(f"Patient {patient_id} has no appointment with id {appointment_id}")
    return appointment


async def get_measure(*, patient_id: int, appointment_id: int, measure_id: int) -> Measure:
    measure = (
        await Measure.filter(id=measure_id, appointment_id=appointment_id, appointment__patient_id=patient_id)
        .prefetch_related(*MEASURE_DETAILS)
        .first()
    )
    if measure is None:
        await get_appointment(patient_id=patient_id, appointment_id=appointment_id)
        raise NotFound(f"Appointment {appointment_id} has no measure with id {measure_id}")
    return measure


async def _categories_exist(ids: Iterable[tuple[tuple[str | int, ...], int]]) -> None:
    """Raise 422 naming each `loc` whose category id does not exist."""
    located = list(ids)
    if not located:
        return  # nothing to check: no round trip
    found: list[Any] = await Category.filter(id__in={i for _, i in located}).values_list("id", flat=True)
    known = set(found)
    if missing := [(loc, i) for loc, i in located if i not in known]:
        raise ValidationFailed(
            f"Unknown category id(s): {', '.join(sorted({str(i) for _, i in missing}))}",
            errors=[
                {"loc": ["body", *loc], "msg": "Unknown category", "type": "unknown_category"}
                for loc, _ in missing
            ],
        )


async def _create_measures(appointment: Appointment, measures: Iterable[MeasureCreate]) -> None:
    await Measure.bulk_create(
        [
            Measure(
                appointment=appointment,
                category_id=m.category_id,
                marker=m.marker,
                value=m.value,
                timestamp=m.timestamp,
            )
            for m in measures
        ]
    )


async def create_patient(
    *, data: PatientCreate, also: Callable[[Patient], Awaitable[object]] | None = None
) -> PatientRead:
    """Create a patient with their appointments and measures: all of it, or nothing. The answer is
    the patient as a GET reads them once the transaction committed.

    `also` runs in the same transaction, after the patient exists (see idempotency.py).
    """
    await _categories_exist(
        (("appointments", a, "measures", m, "category_id"), measure.category_id)
        for a, appointment in enumerate(data.appointments)
        for m, measure in enumerate(appointment.measures)
    )
    fields = data.model_dump(exclude={"appointments"})
    if not data.appointments and also is None:
        # One INSERT is atomic by itself: without BEGIN and COMMIT around it, a create costs two
        # round trips fewer on PostgreSQL and holds SQLite's write lock for one statement. And a
        # patient alone is answered from what was inserted, not read back: the same bytes as the
        # GET (tests/patients), one round trip fewer (a tenth of a create's worker CPU).
        patient = await Patient.create(**fields)
        return PatientRead(**dict(PatientSummary.model_validate(patient)), appointments=[])
    async with atomic():
        patient = await Patient.create(**fields)
        for appointment_data in data.appointments:
            appointment = await Appointment.create(
                patient=patient, date=appointment_data.date, notes=appointment_data.notes
            )
            await _create_measures(appointment, appointment_data.measures)
        if also is not None:
            await also(patient)
    return await read_patient(patient_id=patient.id)


async def update_patient(*, patient_id: int, changes: PatientUpdate) -> PatientRead:
    """Set the fields `changes` has (absent ones stay as they are)."""
    patient = await get_patient(patient_id=patient_id)
    if fields := changes.model_dump(exclude_unset=True):
        await patient.update_from_dict(fields).save()
    return await read_patient(patient_id=patient_id)


async def delete_patient(*, patient_id: int) -> None:
    """Delete a patient with their appointments and measures."""
    patient = await get_patient(patient_id=patient_id)
    await patient.delete()


async def appointments_of(*, patient_id: int) -> QuerySet[Appointment]:
    """The patient's appointments with their measures (404 when there is no such patient)."""
    await get_patient(patient_id=patient_id)
    return Appointment.filter(patient_id=patient_id).prefetch_related(*APPOINTMENT_DETAILS)


async def create_appointment(*, patient_id: int, data: AppointmentCreate) -> AppointmentRead:
    await get_patient(patient_id=patient_id)
    await _categories_exist(
        (("measures", m, "category_id"), measure.category_id) for m, measure in enumerate(data.measures)
    )
    async with atomic():
        appointment = await Appointment.create(patient_id=patient_id, date=data.date, notes=data.notes)
        await _create_measures(appointment, data.measures)
    return await read_appointment(patient_id=patient_id, appointment_id=appointment.id)


async def update_appointment(
    *, patient_id: int, appointment_id: int, changes: AppointmentUpdate
) -> AppointmentRead:
    appointment = await get_appointment(patient_id=patient_id, appointment_id=appointment_id)
    if fields := changes.model_dump(exclude_unset=True):
        await appointment.update_from_dict(fields).save()
    return await read_appointment(patient_id=patient_id, appointment_id=appointment_id)


async def delete_appointment(*, patient_id: int, appointment_id: int) -> None:
    appointment = await get_appointment(patient_id=patient_id, appointment_id=appointment_id)
    await appointment.delete()


async def measures_of(*, patient_id: int, appointment_id: int) -> QuerySet[Measure]:
    """An appointment's measures (404 when there is no such appointment of that patient)."""
    await get_appointment(patient_id=patient_id, appointment_id=appointment_id)
    return Measure.filter(appointment_id=appointment_id).prefetch_related(*MEASURE_DETAILS)


async def create_measure(*, patient_id: int, appointment_id: int, data: MeasureCreate) -> Measure:
    appointment = await get_appointment(patient_id=patient_id, appointment_id=appointment_id)
    await _categories_exist([(("category_id",), data.category_id)])
    measure = await Measure.create(appointment=appointment, **data.model_dump())
    return await get_measure(patient_id=patient_id, appointment_id=appointment_id, measure_id=measure.id)


async def update_measure(
    *, patient_id: int, appointment_id: int, measure_id: int, changes: MeasureUpdate
) -> Measure:
    measure = await get_measure(patient_id=patient_id, appointment_id=appointment_id, measure_id=measure_id)
    fields = changes.model_dump(exclude_unset=True)
    if "category_id" in fields:
        await _categories_exist([(("category_id",), fields["category_id"])])
    if fields:
        await measure.update_from_dict(fields).save()
    return await get_measure(patient_id=patient_id, appointment_id=appointment_id, measure_id=measure_id)


async def delete_measure(*, patient_id: int, appointment_id: int, measure_id: int) -> None:
    measure = await get_measure(patient_id=patient_id, appointment_id=appointment_id, measure_id=measure_id)
    await measure.delete()


async def patient_measures(*, patient_id: int, filters: MeasureQuery) -> QuerySet[Measure]:
    """The patient's measures across appointments: a time series for a chart (404 when there is no
    such patient)."""
    await get_patient(patient_id=patient_id)
    measures = Measure.filter(appointment__patient_id=patient_id)
    if filters.marker:
        measures = measures.filter(marker=filters.marker)
    if filters.category_id:
        measures = measures.filter(category_id=filters.category_id)
    if filters.since:
        measures = measures.filter(timestamp__gte=filters.since)
    if filters.until:
        measures = measures.filter(timestamp__lt=filters.until)
    return measures.prefetch_related(*MEASURE_DETAILS)


def categories() -> QuerySet[Category]:
    return Category.all()


async def create_category(*, name: str) -> Category:
    async with atomic():
        if await Category.exists(name=name):
            raise Conflict(f"A category named {name!r} exists", code="category_exists")
        return await Category.create(name=name)
