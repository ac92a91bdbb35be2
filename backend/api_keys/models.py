from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from backend.users.models import User


class ApiKey(Model):
    """An API key: a personal access token acting for its owner with some of the owner's roles.

    It works until it expires or is revoked (deleted). Only a keyed hash of the key is stored;
    `prefix` is its public part."""

    id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_keys", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    prefix = fields.CharField(max_length=32, unique=True)  # `srt_` and the public id: how a key is found
    key_hash = fields.CharField(max_length=64)  # HMAC-SHA256 of the whole key, hex (backend/api_keys/keys.py)
    roles: fields.JSONField[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
        indexes = (("user_id", "created_at"),)
