"""Field types for the legacy routes: what the Flask template's request parsing took, turned into the
canonical values (the /api/v1 models stay strict).

The template read its patient fields with flask-restful's reqparse and `type=str`, and the login's with
`str(...)`; its `Patient.birthday` setter then parsed the text as a date-time (python-dateutil is in its
requirements) and stored the instant.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

from backend.patients.schemas import Birthday

# The template's own text form of dates (its server/utils.py: parse_date, parse_timestamp), day first.
DOTTED_FORMATS = ("%d.%m.%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S.%f")
BIRTHDAY_FORMS = "YYYY-MM-DD, an ISO 8601 date-time (any offset or Z), or DD.MM.YYYY[ HH:MM:SS[.ffffff]]"


def calendar_date(text: str) -> date:
    """The date of a date or a date-time as written. An offset is not applied: a birthday is a day on
    the calendar, and `1971-07-30T00:00:00+02:00` means the 30th, not the 29th it is in UTC."""
    text = text.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for form in DOTTED_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(f"must be a date: {BIRTHDAY_FORMS}")


def _birthday(value: object) -> object:
    if isinstance(value, str):
        return calendar_date(value)
    return value  # not text: the date type refuses it


LegacyBirthday = Annotated[
    Birthday,
    BeforeValidator(_birthday),
    WithJsonSchema({"type": "string", "description": f"{BIRTHDAY_FORMS}; only the date counts"}),
]
