from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AccessLog(Model):
    """One row per request, whatever its outcome. Rows keep the user's id and name, not a foreign key."""

    id = fields.BigIntField(primary_key=True)
    timestamp = fields.DatetimeField(db_index=True)
    request_id = fields.CharField(max_length=128)
    method = fields.CharField(max_length=16)
    path = fields.CharField(max_length=2048)
    query = fields.CharField(max_length=2048, default="")
    status = fields.SmallIntField()
    duration_ms = fields.FloatField()
    user_id = fields.IntField(null=True)
    username = fields.CharField(max_length=64, null=True)
    # The API key the request was made with (its id and its name then); null for a login's requests.
    api_key_id = fields.UUIDField(null=True)
    api_key_name = fields.CharField(max_length=64, null=True)
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=512, default="")
    # What the request did ({"action": "user.delete", "target_username": ...}): admin actions and
    # login attempts; null for ordinary requests.
    event: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    # An admin action's audit-trail columns (backend/audit/events.py); null on every other row.
    action = fields.CharField(max_length=64, null=True)
    target_type = fields.CharField(max_length=32, null=True)
    target_id = fields.CharField(max_length=64, null=True)
    target_label = fields.CharField(max_length=128, null=True)

    class Meta:
        table = "access_log"
        indexes = (
            ("username", "timestamp"),
            ("user_id", "timestamp"),
            ("status", "timestamp"),
            ("path", "timestamp"),
            ("ip", "timestamp"),
            ("duration_ms",),
            ("action", "timestamp"),
            ("target_type", "target_id", "timestamp"),  # a target's history, newest first
        )


class AccessLogRollup(Model):
    """The access log counted per time bucket, for the statistics: rows in a minute, hour or day
    (`grain` m, h, d) by one `dimension` (`class`: the status class, `latency`: the latency
    histogram's bucket, `user`, `path`) and its `key`. Kept by backend/audit/rollup.py (on
    PostgreSQL, a trigger on `access_log` in the same transaction as the rows); read by
    backend/audit/queries.py. Minutes hold only `class`."""

    id = fields.BigIntField(primary_key=True)
    grain = fields.CharField(max_length=1)
    dimension = fields.CharField(max_length=8)
    bucket = fields.DatetimeField()
    key = fields.CharField(max_length=2048)
    n = fields.BigIntField()
    max_ms = fields.FloatField()

    class Meta:
        table = "access_log_rollup"
        unique_together = (("grain", "dimension", "bucket", "key"),)
