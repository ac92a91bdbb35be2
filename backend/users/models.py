from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

# Usernames: 3-64 letters, digits, `.`, `_`, `-`, `@` (the API's schemas and the service both check it).
USERNAME_PATTERN = r"^[A-Za-z0-9._@-]{3,64}$"

BUILT_IN_ROLES = {
    "admin": "Manages users, roles, tokens and the access log",
    "user": "Works with patient data",
}


class Role(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    description = fields.CharField(max_length=255, default="")
    built_in = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    users: fields.ManyToManyRelation[User]

    class Meta:
        table = "role"


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64)
    # Usernames are unique and matched case-insensitively: `username_key` is the casefolded form.
    username_key = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True, db_index=True)
    password_change_required = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)
    last_login_at = fields.DatetimeField(null=True, db_index=True)

    roles: fields.ManyToManyRelation[Role] = fields.ManyToManyField(
        "models.Role",
        related_name="users",
        through="user_role",
        forward_key="role_id",
        backward_key="user_id",
    )

    class Meta:
        table = "user"
