from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from backend.users.models import User


class Token(Model):
    """One login: the refresh-token lineage it starts. Rotation replaces the secret, not the row."""

    id = fields.UUIDField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=fields.CASCADE
    )
    refresh_jti = fields.CharField(max_length=64)
    # The secret the last rotation replaced, kept briefly so that a client's concurrent refreshes
    # (two tabs) lose gracefully instead of looking like a stolen token being replayed.
    previous_refresh_jti = fields.CharField(max_length=64, null=True)
    rotated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(db_index=True)
    ip = fields.CharField(max_length=64, default="")
    user_agent = fields.CharField(max_length=512, default="")
    blocked = fields.BooleanField(default=False)
    revoked_at = fields.DatetimeField(null=True, db_index=True)
    revoked_reason = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "token"
        indexes = (("user_id", "created_at"),)


class LoginThrottle(Model):
    """Failed logins counted in one throttling scope (see backend.auth.throttle)."""

    id = fields.BigIntField(primary_key=True)
    scope = fields.CharField(max_length=16)
    username_key = fields.CharField(max_length=64, default="")
    ip = fields.CharField(max_length=64, default="")
    # Checks counted in the current window: reserved before the hash, kept when they fail.
    failures = fields.IntField(default=0)
    # Lockouts served in a row: each doubles the next one's length.
    lockouts = fields.IntField(default=0)
    last_attempt_at = fields.DatetimeField(db_index=True)
    locked_until = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "login_throttle"
        unique_together = (("scope", "username_key", "ip"),)
