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


class UserMfa(Model):
    """A user's TOTP second factor (backend.auth.mfa): pending until `confirmed_at`, then on."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="mfa", on_delete=fields.CASCADE
    )
    secret = fields.CharField(max_length=255)  # sealed with a key derived from SECRET_KEY (sealing.py)
    confirmed_at = fields.DatetimeField(null=True)
    # The time step of the last code accepted: the next must be later, so no code is accepted twice.
    last_step = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user_mfa"


class MfaRecoveryCode(Model):
    """One single-use recovery code, kept as a keyed hash."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="mfa_recovery_codes", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mfa_recovery_code"
        unique_together = (("user_id", "code_hash"),)


class MfaTokenUse(Model):
    """An mfa_token that completed a login: its `jti`, unique, so that it completes no other."""

    id = fields.BigIntField(primary_key=True)
    jti = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="mfa_token_uses", on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField(db_index=True)  # the token's: the row is of no use after it

    class Meta:
        table = "mfa_token_use"
