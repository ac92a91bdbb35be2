"""The time, in one place: every timestamp the application writes or compares is `utcnow()`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# How stale a login's or an API key's `last_used_at` may grow before a request writes it again (a
# write on every use would make every read a write).
LAST_USED_RESOLUTION = timedelta(seconds=60)


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | str | None) -> datetime | None:
    """A timestamp read with raw SQL as the ORM would return it: SQLite hands back the ISO text it
    stored, and a naive time is UTC."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
