"""`/api/v1/patients` and `/api/v1/categories`: the example domain, for role `user`."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend.api import Problem, body, created, json_response, no_content, query, returns
from backend.app_types import AppRequest
from backend.auth.decorators import require_roles
from backend.docs import RawSchema
from backend.pagination import PageParams, page_of, paginate, read_page
from backend.patients import idempotency, service
from backend.patients.schemas import (
    AppointmentCreate,
    AppointmentPage,
    AppointmentRead,
    AppointmentUpdate,
    CategoryCreate,
    CategoryPage,
    CategoryRead,
    MeasureCreate,
    MeasurePage,
    MeasureQuery,
    MeasureRead,
    MeasureUpdate,
    PatientCreate,
    PatientPage,
    PatientQuery,
    PatientRead,
    PatientUpdate,
    appointment_read,
    category_read,
    measure_read,
)

patients = Blueprint("patients", url_prefix="/patients")
categories = Blueprint("categories", url_prefix="/categories")

PATIENT_SORT = {"surname": "surname", "name": "name", "birthday": "birthday", "id": "id"}
APPOINTMENT_SORT = {"date": "date", "id": "id"}
MEASURE_SORT = {"timestamp": "timestamp", "marker": "marker", "value": "value", "id": "id"}
CATEGORY_SORT = {"name": "name", "id": "id"}
PATIENT = "/<patient_id:id>"
APPOINTMENT = f"{PATIENT}/appointments/<appointment_id:id>"
MEASURE = f"{APPOINTMENT}/measures/<measure_id:id>"


@patients.get("/")
@require_roles("user")
@openapi.tag("patients")
@query(PatientQuery, sort=PATIENT_SORT)
@returns(200, PatientPage)
async def list_patients(request: AppRequest, query: PatientQuery) -> HTTPResponse:
    """Patients, searched by name or surname (`q`)."""
    page = await read_page(
        PatientPage,
        service.search_patients(q=query.q),
        query,
        allowed_sort=PATIENT_SORT,
        default_sort=["surname", "name", "id"],
    )
    return json_response(page)


@patients.post("/")
@require_roles("user")
@openapi.tag("patients")
@body(PatientCreate)
@returns(201, PatientRead)
@returns(422, Problem, "Invalid fields, an unknown category, or an idempotency key reused with another body")
@openapi.parameter(
    idempotency.HEADER,
    RawSchema({"type": "string", "pattern": "^[!-~]{1,255}$"}),
    "header",
    description="Optional, chosen by the client (a UUID): a retry with the same key and body replays the "
    "201 instead of creating the patient twice. Scoped to the user.",
)
async def create_patient(request: AppRequest, body: PatientCreate) -> HTTPResponse:
    """Create a patient, optionally with appointments and their measures: all or nothing."""
    key = idempotency.parse_key(request.headers.get(idempotency.HEADER))
    if key is None:
        patient = await service.create_patient(data=body)
    else:
        patient = await idempotency.create_patient_once(body, user_id=request.ctx.principal.user_id, key=key)
    return created(patient, location=f"/api/v1/patients/{patient.id}")


@patients.get(PATIENT)
@require_roles("user")
@openapi.tag("patients")
@returns(200, PatientRead)
@returns(404, Problem)
async def get_patient(request: AppRequest, patient_id: int) -> HTTPResponse:
    """One patient with their appointments and measures."""
    return json_response(await service.read_patient(patient_id=patient_id))


@patients.patch(PATIENT)
@require_roles("user")
@openapi.tag("patients")
@body(PatientUpdate)
@returns(200, PatientRead)
@returns(404, Problem)
async def update_patient(request: AppRequest, patient_id: int, body: PatientUpdate) -> HTTPResponse:
    return json_response(await service.update_patient(patient_id=patient_id, changes=body))


@patients.delete(PATIENT)
@require_roles("user")
@openapi.tag("patients")
@returns(204)
@returns(404, Problem)
async def delete_patient(request: AppRequest, patient_id: int) -> HTTPResponse:
    """Delete a patient with their appointments and measures."""
    await service.delete_patient(patient_id=patient_id)
    return no_content()


@patients.get(f"{PATIENT}/appointments")
@require_roles("user")
@openapi.tag("patients")
@query(PageParams, sort=APPOINTMENT_SORT)
@returns(200, AppointmentPage)
@returns(404, Problem)
async def list_appointments(request: AppRequest, patient_id: int, query: PageParams) -> HTTPResponse:
    appointments = await service.appointments_of(patient_id=patient_id)
    page, total = await paginate(
        appointments, query, allowed_sort=APPOINTMENT_SORT, default_sort=["date", "id"]
    )
    items = [appointment_read(a) for a in page]
    return json_response(page_of(AppointmentPage, items, total, query))


@patients.post(f"{PATIENT}/appointments")
@require_roles("user")
@openapi.tag("patients")
@body(AppointmentCreate)
@returns(201, AppointmentRead)
@returns(404, Problem)
async def create_appointment(request: AppRequest, patient_id: int, body: AppointmentCreate) -> HTTPResponse:
    appointment = await service.create_appointment(patient_id=patient_id, data=body)
    return created(appointment, location=f"/api/v1/patients/{patient_id}/appointments/{appointment.id}")


@patients.get(APPOINTMENT)
@require_roles("user")
@openapi.tag("patients")
@returns(200, AppointmentRead)
@returns(404, Problem, "No such appointment, or it belongs to another patient")
async def get_appointment(request: AppRequest, patient_id: int, appointment_id: int) -> HTTPResponse:
    return json_response(await service.read_appointment(patient_id=patient_id, appointment_id=appointment_id))


@patients.patch(APPOINTMENT)
@require_roles("user")
@openapi.tag("patients")
@body(AppointmentUpdate)
@returns(200, AppointmentRead)
@returns(404, Problem)
async def update_appointment(
    request: AppRequest, patient_id: int, appointment_id: int, body: AppointmentUpdate
) -> HTTPResponse:
    appointment = await service.update_appointment(
        patient_id=patient_id, appointment_id=appointment_id, changes=body
    )
    return json_response(appointment)


@patients.delete(APPOINTMENT)
@require_roles("user")
@openapi.tag("patients")
@returns(204)
@returns(404, Problem)
async def delete_appointment(request: AppRequest, patient_id: int, appointment_id: int) -> HTTPResponse:
    await service.delete_appointment(patient_id=patient_id, appointment_id=appointment_id)
    return no_content()


@patients.get(f"{APPOINTMENT}/measures")
@require_roles("user")
@openapi.tag("patients")
@query(PageParams, sort=MEASURE_SORT)
@returns(200, MeasurePage)
@returns(404, Problem)
async def list_measures(
    request: AppRequest, patient_id: int, appointment_id: int, query: PageParams
) -> HTTPResponse:
    measures = await service.measures_of(patient_id=patient_id, appointment_id=appointment_id)
    page, total = await paginate(measures, query, allowed_sort=MEASURE_SORT, default_sort=["timestamp", "id"])
    items = [measure_read(m) for m in page]
    return json_response(page_of(MeasurePage, items, total, query))


@patients.post(f"{APPOINTMENT}/measures")
@require_roles("user")
@openapi.tag("patients")
@body(MeasureCreate)
@returns(201, MeasureRead)
@returns(404, Problem)
async def create_measure(
    request: AppRequest, patient_id: int, appointment_id: int, body: MeasureCreate
) -> HTTPResponse:
    measure = await service.create_measure(patient_id=patient_id, appointment_id=appointment_id, data=body)
    location = f"/api/v1/patients/{patient_id}/appointments/{appointment_id}/measures/{measure.id}"
    return created(measure_read(measure), location=location)


@patients.get(MEASURE)
@require_roles("user")
@openapi.tag("patients")
@returns(200, MeasureRead)
@returns(404, Problem, "No such measure, or it belongs to another appointment")
async def get_measure(
    request: AppRequest, patient_id: int, appointment_id: int, measure_id: int
) -> HTTPResponse:
    measure = await service.get_measure(
        patient_id=patient_id, appointment_id=appointment_id, measure_id=measure_id
    )
    return json_response(measure_read(measure))


@patients.patch(MEASURE)
@require_roles("user")
@openapi.tag("patients")
@body(MeasureUpdate)
@returns(200, MeasureRead)
@returns(404, Problem)
async def update_measure(
    request: AppRequest, patient_id: int, appointment_id: int, measure_id: int, body: MeasureUpdate
) -> HTTPResponse:
    measure = await service.update_measure(
        patient_id=patient_id, appointment_id=appointment_id, measure_id=measure_id, changes=body
    )
    return json_response(measure_read(measure))


@patients.delete(MEASURE)
@require_roles("user")
@openapi.tag("patients")
@returns(204)
@returns(404, Problem)
async def delete_measure(
    request: AppRequest, patient_id: int, appointment_id: int, measure_id: int
) -> HTTPResponse:
    await service.delete_measure(patient_id=patient_id, appointment_id=appointment_id, measure_id=measure_id)
    return no_content()


@patients.get(f"{PATIENT}/measures")
@require_roles("user")
@openapi.tag("patients")
@query(MeasureQuery, sort=MEASURE_SORT)
@returns(200, MeasurePage)
@returns(404, Problem)
async def patient_measures(request: AppRequest, patient_id: int, query: MeasureQuery) -> HTTPResponse:
    """The patient's measures across appointments, oldest first: a time series for a chart."""
    page, total = await paginate(
        await service.patient_measures(patient_id=patient_id, filters=query),
        query,
        allowed_sort=MEASURE_SORT,
        default_sort=["timestamp", "id"],
    )
    items = [measure_read(m) for m in page]
    return json_response(page_of(MeasurePage, items, total, query))


@categories.get("/")
@require_roles("user")
@openapi.tag("patients")
@query(PageParams, sort=CATEGORY_SORT)
@returns(200, CategoryPage)
async def list_categories(request: AppRequest, query: PageParams) -> HTTPResponse:
    page, total = await paginate(
        service.categories(), query, allowed_sort=CATEGORY_SORT, default_sort=["name", "id"]
    )
    items = [category_read(c) for c in page]
    return json_response(page_of(CategoryPage, items, total, query))


@categories.post("/")
@require_roles("admin")
@openapi.tag("patients")
@body(CategoryCreate)
@returns(201, CategoryRead)
@returns(409, Problem)
async def create_category(request: AppRequest, body: CategoryCreate) -> HTTPResponse:
    category = await service.create_category(name=body.name)
    return created(category_read(category), location=f"/api/v1/categories/{category.id}")


blueprints = [patients, categories]
