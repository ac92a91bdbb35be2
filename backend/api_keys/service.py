"""API keys: creating, listing, revoking, and checking one on a request.

Checking a key costs one statement (the key by its unique prefix, its owner and the owner's roles)
on every request, on whichever host it lands: a revocation, an expiry, a deactivation or a role
taken away is in force on the next request. `last_used_at` is written at most once a minute.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.queryset import QuerySet

from backend import clock
from backend.api_keys import keys
from backend.api_keys.keys import KeyHasher
from backend.api_keys.models import ApiKey
from backend.clock import LAST_USED_RESOLUTION
from backend.errors import NotFound, Unauthorized, ValidationFailed
from backend.users.models import Role


@dataclass(frozen=True)
class KeyCaller:
    """Who calls with a key: its owner, with the key's roles that the owner still holds."""

    user_id: int
    username: str
    roles: frozenset[str]
    password_change_required: bool
    key_id: uuid.UUID
    key_name: str


@dataclass(frozen=True)
class CreatedKey:
    row: ApiKey
    key: str  # the only time it exists in clear


def key_error(detail: str = "Invalid API key", code: str = "api_key_invalid") -> Unauthorized:
    return Unauthorized(
        detail,
        code=code,
        headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{detail}"'},
    )


async def owner_roles(user_id: int) -> set[str]:
    return {str(name) for name in await Role.filter(users__id=user_id).values_list("name", flat=True)}


async def create_key(
    *,
    user_id: int,
    name: str,
    roles: Iterable[str],
    expires_in_days: int,
    max_days: int,
    hasher: KeyHasher,
    now: datetime,
) -> CreatedKey:
    """A new key for `user_id` with `roles` (a subset of the user's), valid for `expires_in_days`."""
    if expires_in_days > max_days:
        raise ValidationFailed(
            f"An API key expires within {max_days} days",
            errors=[
                {"loc": ["body", "expires_in_days"], "msg": f"At most {max_days}", "type": "less_than_equal"}
            ],
        )
    wanted = sorted(set(roles))
    if missing := [role for role in wanted if role not in await owner_roles(user_id)]:
        raise ValidationFailed(
            f"A key can only hold roles you hold; you do not hold: {', '.join(missing)}",
            errors=[{"loc": ["body", "roles"], "msg": "Not one of your roles", "type": "roles_subset"}],
        )
    new = keys.generate()
    row = await ApiKey.create(
        id=uuid.uuid4(),
        user_id=user_id,
        name=name,
        prefix=new.prefix,
        key_hash=hasher.digest(new.key),
        roles=wanted,
        expires_at=now + timedelta(days=expires_in_days),
    )
    await row.fetch_related("user")
    return CreatedKey(row=row, key=new.key)


def keys_of(user_id: int | None) -> QuerySet[ApiKey]:
    """Every key (of `user_id`, when given), with its owner."""
    rows = ApiKey.all().select_related("user")
    return rows if user_id is None else rows.filter(user_id=user_id)


async def revoke_key(*, key_id: uuid.UUID, user_id: int | None = None) -> ApiKey:
    """Delete a key (of `user_id`, when given): it is refused from the next request on. 404 if none."""
    query = ApiKey.filter(id=key_id).select_related("user")
    if user_id is not None:
        query = query.filter(user_id=user_id)
    row = await query.first()
    if row is None or await ApiKey.filter(id=row.id).delete() == 0:
        raise NotFound("No such API key")
    return row


# One statement for every request made with a key, written out like the login check
# (backend/auth/service.py): a row per role of the owner.
LIVE_KEY_SQL = """
SELECT k.id, k.user_id, k.key_hash, k.name, k.roles, k.expires_at, k.last_used_at,
       u.username, u.is_active, u.password_change_required, r.name AS role
FROM api_key k
JOIN "user" u ON u.id = k.user_id
LEFT JOIN user_role ur ON ur.user_id = u.id
LEFT JOIN role r ON r.id = ur.role_id
WHERE k.prefix = {prefix}
"""
LIVE_KEY_BY_DIALECT = {
    "postgres": LIVE_KEY_SQL.format(prefix="$1"),
    "sqlite": LIVE_KEY_SQL.format(prefix="?"),
}


async def _live_key_rows(prefix: str) -> list[dict[str, Any]]:
    connection = connections.get("default")
    dialect = "postgres" if connection.capabilities.dialect == "postgres" else "sqlite"
    rows: list[dict[str, Any]] = await connection.execute_query_dict(LIVE_KEY_BY_DIALECT[dialect], [prefix])
    return rows


def _key_id(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


async def authenticate_key(*, key: str, hasher: KeyHasher, now: datetime) -> KeyCaller:
    """The caller behind `key`, or 401: garbled, unknown, revoked, expired, or its owner deactivated."""
    prefix = keys.prefix_of(key)
    if prefix is None:
        raise key_error()
    rows = await _live_key_rows(prefix)
    if not rows or not hasher.matches(key, rows[0]["key_hash"]) or not rows[0]["is_active"]:
        raise key_error()
    row = rows[0]
    expires_at = clock.aware(row["expires_at"])
    if expires_at is None or expires_at <= now:
        raise key_error("This API key has expired", "api_key_expired")
    key_id = _key_id(row["id"])
    last_used = clock.aware(row["last_used_at"])
    if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
        # Conditional, so that of a burst of requests on several workers at most one writes.
        stale = ApiKey.filter(id=key_id)
        if last_used is None:
            stale = stale.filter(last_used_at__isnull=True)
        else:
            stale = stale.filter(last_used_at__lt=now - LAST_USED_RESOLUTION)
        await stale.update(last_used_at=now)
    key_roles = row["roles"]
    granted = set(json.loads(key_roles) if isinstance(key_roles, str) else key_roles)
    held = {r["role"] for r in rows if r["role"] is not None}
    return KeyCaller(
        user_id=row["user_id"],
        username=row["username"],
        roles=frozenset(granted & held),
        password_change_required=bool(row["password_change_required"]),
        key_id=key_id,
        key_name=row["name"],
    )
