from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, FiniteFloat

from backend.api import IsoText, JsonInteger, Omittable, RequestModel, ResponseModel
from backend.pagination import Page, PageParams
from backend.patients.models import Appointment, Category, Measure, Patient

Name = Annotated[str, Field(min_length=1, max_length=100)]
Text = Annotated[str, Field(max_length=10_000)]
Marker = Annotated[str, Field(min_length=1, max_length=64)]
Value = Annotated[FiniteFloat, Field(ge=-1e12, le=1e12)]
QueryId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1, strict=False), JsonInteger]


def _utc(value: datetime) -> datetime:
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-01:00 is in year 10000 in UTC
        raise ValueError("out of range once converted to UTC") from None


def _past(value: date) -> date:
    if value > datetime.now(UTC).date():
        raise ValueError("must not be in the future")
    if value.year < 1850:
        raise ValueError("must be after 1850")
    return value


Moment = Annotated[datetime, AfterValidator(_utc), Field(description="ISO 8601; UTC when no offset is given")]
Birthday = Annotated[date, AfterValidator(_past)]
# Bodies are strict (no number is a date); a query's values are all text, so one that is a number is refused.
QueryMoment = Annotated[Moment, IsoText]


class CategoryRead(ResponseModel):
    id: int
    name: str


class CategoryPage(Page[CategoryRead]):
    pass


class CategoryCreate(RequestModel):
    name: Marker


class MeasureCreate(RequestModel):
    category_id: Id
    marker: Marker
    value: Value
    timestamp: Moment


# In a partial update, an absent field stays as it is; null is not a value these columns hold.
class MeasureUpdate(RequestModel):
    category_id: Omittable[Id] = None
    marker: Omittable[Marker] = None
    value: Omittable[Value] = None
    timestamp: Omittable[Moment] = None


class MeasureRead(ResponseModel):
    id: int
    appointment_id: int
    category: CategoryRead
    marker: str
    value: float
    timestamp: datetime


class MeasurePage(Page[MeasureRead]):
    pass


class AppointmentCreate(RequestModel):
    date: Moment
    notes: Text = ""
    measures: Annotated[list[MeasureCreate], Field(max_length=500)] = []


class AppointmentUpdate(RequestModel):
    date: Omittable[Moment] = None
    notes: Omittable[Text] = None


class AppointmentRead(ResponseModel):
    id: int
    patient_id: int
    date: datetime
    notes: str
    measures: list[MeasureRead]


class AppointmentPage(Page[AppointmentRead]):
    pass


class PatientCreate(RequestModel):
    name: Name
    surname: Name
    birthday: Birthday | None = None
    comments: Text = ""
    appointments: Annotated[list[AppointmentCreate], Field(max_length=200)] = []


class PatientUpdate(RequestModel):
    name: Omittable[Name] = None
    surname: Omittable[Name] = None
    birthday: Birthday | None = Field(default=None, description="null clears it")
    comments: Omittable[Text] = None


class PatientSummary(ResponseModel):
    id: int
    name: str
    surname: str
    birthday: date | None
    comments: str


class PatientRead(PatientSummary):
    appointments: list[AppointmentRead]


class PatientPage(Page[PatientSummary]):
    pass


class PatientQuery(PageParams):
    q: Annotated[str | None, Field(max_length=100, description="name or surname contains (any case)")] = None


class MeasureQuery(PageParams):
    marker: Marker | None = None
    category_id: QueryId | None = None
    since: QueryMoment | None = None
    until: QueryMoment | None = None


def category_read(category: Category) -> CategoryRead:
    return CategoryRead.model_validate(category)


def measure_read(measure: Measure) -> MeasureRead:
    return MeasureRead.model_validate(measure)  # its category too (prefetched)


def appointment_read(appointment: Appointment) -> AppointmentRead:
    return AppointmentRead(
        id=appointment.id,
        patient_id=appointment.patient_id,  # type: ignore[attr-defined]
        date=appointment.date,
        notes=appointment.notes,
        measures=sorted((measure_read(m) for m in appointment.measures), key=lambda m: (m.timestamp, m.id)),
    )


def patient_summary(patient: Patient) -> PatientSummary:
    return PatientSummary.model_validate(patient)


def patient_read(patient: Patient) -> PatientRead:
    appointments = sorted((appointment_read(a) for a in patient.appointments), key=lambda a: (a.date, a.id))
    return PatientRead(**patient_summary(patient).model_dump(), appointments=appointments)
