"""One Flask template row into the values of one of ours, or the reason it cannot be imported.

Nothing is changed to fit: a value our rules refuse makes the row a bad row, reported and skipped.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from backend.auth import werkzeug_hashes
from backend.users.models import USERNAME_PATTERN

Row = dict[str, Any]
DEMO_USERNAMES = {"admin", "client"}
DEMO_PASSWORD = "123456"  # noqa: S105 - the template's migration seeds it; demo users are told apart by it
ANONYMOUS = "Anonymous"
NAME_LENGTH, MARKER_LENGTH, CATEGORY_LENGTH, ROLE_LENGTH, HASH_LENGTH = 100, 64, 64, 64, 255


class BadRow(Exception):
    """A row that is reported with this reason and skipped."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def moment(seconds: Any, what: str) -> datetime:
    """Unix seconds (the template's `_date`, `_timestamp`) as an instant."""
    if seconds is None:
        raise BadRow(f"no {what}")
    try:
        value = float(seconds)
        if not math.isfinite(value):
            raise ValueError
        return datetime.fromtimestamp(value, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise BadRow(f"{what} {seconds!r} is not a time") from None


def local_date(seconds: Any, zone: ZoneInfo, what: str) -> tuple[date, bool]:
    """The calendar date the template showed for a `_birthday`, in its server's zone, and whether
    the value was that day's midnight (a time of day hints at a wrong --time-zone)."""
    local = moment(seconds, what).astimezone(zone)
    return local.date(), local.time() == datetime.min.time()


def text(value: Any, what: str, *, limit: int, required: bool = True) -> str:
    if value is None or (required and not str(value).strip()):
        if required:
            raise BadRow(f"no {what}")
        return ""
    if len(str(value)) > limit:
        raise BadRow(f"{what} longer than our {limit} characters")
    return str(value)


def username(value: Any) -> str:
    if value is None or not re.fullmatch(USERNAME_PATTERN, str(value)):
        raise BadRow(f"username {value!r} is refused by our rules (3-64 letters, digits, '.', '_', '-', '@')")
    return str(value)


def password_hash(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise BadRow("no password hash")
    if len(value) > HASH_LENGTH or not werkzeug_hashes.supported(value):
        method = value.split("$", 1)[0][:40]
        raise BadRow(f"password hash of a form we do not check ({method!r})")
    return value


def is_demo_user(row: Row) -> bool:
    """One of the template's seeded users, still with the seeded password."""
    return row["username"] in DEMO_USERNAMES and werkzeug_hashes.verify(DEMO_PASSWORD, row["password_hash"])


def measure_value(value: Any) -> float:
    if value is None:
        raise BadRow("no value")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadRow(f"value {value!r} is not a number") from None
    if not math.isfinite(number):
        raise BadRow(f"value {value!r} is not a finite number")
    return number


def utc_datetime(value: Any) -> datetime:
    """The access log's `timestamp`: naive UTC, a datetime (PostgreSQL) or its text (SQLite)."""
    if value is None:
        raise BadRow("no timestamp")
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise BadRow(f"timestamp {value!r} is not a time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def access_path(url: Any) -> tuple[str, str]:
    """The logged URL's path and query, without scheme and host."""
    if not url:
        raise BadRow("no path")
    parts = urlsplit(str(url))
    return parts.path or "/", parts.query


def status(value: Any) -> int:
    if not isinstance(value, int) or not 100 <= value <= 599:
        raise BadRow(f"status {value!r} is not an HTTP status")
    return value


def reference(mapping: dict[int, int], value: Any, what: str) -> int:
    """Our id for a source row this row refers to; a bad row when that one was not imported."""
    if value not in mapping:
        raise BadRow(f"its {what} {value!r} is gone or was not imported")
    return mapping[value]
