"""Field types for the legacy routes: what the Flask template's request parsing took, turned into the
canonical values (the /api/v1 models stay strict).

The template read its patient fields with flask-restful's reqparse and `type=str`, and the login's with
`str(request.json.get(...))`, so a number arrived as its text; its `Patient.birthday` setter then parsed
that text into a date-time (python-dateutil is in its requirements) and stored the instant.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints, TypeAdapter, WithJsonSchema

from backend.patients.schemas import Birthday, Name, Text

# The template's own text form of dates (its server/utils.py: parse_date, parse_timestamp), day first.
DOTTED_FORMATS = ("%d.%m.%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S.%f")
BIRTHDAY_FORMS = "YYYY-MM-DD, an ISO 8601 date-time (any offset or Z), or DD.MM.YYYY[ HH:MM:SS[.ffffff]]"
NULL = {"type": "null"}


def as_text(value: object) -> object:
    """A JSON number as its text (`7` -> "7"), as the template's `str` made it; anything else as it is.
    (A boolean, a list or an object is refused by the field's type: the template stored its repr.)"""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


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
    value = as_text(value)
    return calendar_date(value) if isinstance(value, str) else value  # not text: the date type refuses it


def _comments(value: object) -> object:
    return "" if value is None else as_text(value)


def kept_if_empty(value: object) -> object:
    """None for "", as for null: the template's PUT kept such a field (`x = args["x"] or patient.x`)."""
    return None if value == "" else value


def text_or_number(text_type: Any, *options: dict[str, Any]) -> WithJsonSchema:
    """The document's schema of a field that takes `text_type`, a number (as its text), and `options`."""
    return WithJsonSchema({"anyOf": [TypeAdapter(text_type).json_schema(), {"type": "number"}, *options]})


def kept_when_empty(field_type: Any) -> WithJsonSchema:
    """The document's schema of a field of the legacy PUT: `field_type`, or null or "" to keep the value."""
    return WithJsonSchema(
        {
            "anyOf": [TypeAdapter(field_type).json_schema(), {"const": ""}, NULL],
            "description": 'null or "" keeps the value',
        }
    )


LegacyName = Annotated[Name, BeforeValidator(as_text), text_or_number(Name)]
LegacyText = Annotated[Text, BeforeValidator(as_text), text_or_number(Text)]
# null is no comment (the template stored null).
LegacyComments = Annotated[Text, BeforeValidator(_comments), text_or_number(Text, NULL)]
LegacyBirthday = Annotated[
    Birthday,
    BeforeValidator(_birthday),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "integer", "description": "YYYYMMDD"}],
            "description": f"{BIRTHDAY_FORMS}; only the date counts",
        }
    ),
]


KeptName = Annotated[LegacyName | None, BeforeValidator(kept_if_empty), kept_when_empty(LegacyName)]
KeptText = Annotated[LegacyText | None, BeforeValidator(kept_if_empty), kept_when_empty(LegacyText)]
KeptBirthday = Annotated[
    LegacyBirthday | None, BeforeValidator(kept_if_empty), kept_when_empty(LegacyBirthday)
]

# The login: any text up to these lengths (as /api/v1's); empty or absent is a failed login (401).
Username = Annotated[str, Field(max_length=256)]
Password = Annotated[str, StringConstraints(strip_whitespace=False), Field(max_length=1024)]
LegacyUsername = Annotated[Username, BeforeValidator(as_text), text_or_number(Username)]
LegacyPassword = Annotated[Password, BeforeValidator(as_text), text_or_number(Password)]
