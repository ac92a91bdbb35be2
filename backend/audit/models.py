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
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=512, default="")
    # What an admin action did ({"action": "user.delete", "target": ...}); null for ordinary requests.
    event: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)

    class Meta:
        table = "access_log"
        indexes = (
            ("username", "timestamp"),
            ("user_id", "timestamp"),
            ("status", "timestamp"),
            ("path", "timestamp"),
            ("ip", "timestamp"),
            ("duration_ms",),
        )
