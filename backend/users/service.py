"""Users and roles: the rules that hold whatever the caller (API, CLI, tests)."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.transactions import in_transaction

from backend.auth.passwords import PasswordHasher
from backend.errors import Conflict, ValidationFailed
from backend.users.models import BUILT_IN_ROLES, Role, User


def username_key(username: str) -> str:
    return username.casefold()


async def ensure_built_in_roles() -> None:
    for name, description in BUILT_IN_ROLES.items():
        await Role.get_or_create(name=name, defaults={"description": description, "built_in": True})


async def create_user(
    *,
    username: str,
    password: str,
    roles: Iterable[str],
    hasher: PasswordHasher,
    is_active: bool = True,
    password_change_required: bool = False,
) -> User:
    role_names = sorted(set(roles))
    password_hash = await hasher.hash(password)
    async with in_transaction():
        found = await Role.filter(name__in=role_names)
        if missing := set(role_names) - {role.name for role in found}:
            raise ValidationFailed(
                f"Unknown role(s): {', '.join(sorted(missing))}",
                errors=[{"loc": ["body", "roles"], "msg": "Unknown role", "type": "unknown_role"}],
            )
        if await User.exists(username_key=username_key(username)):
            raise Conflict(f"A user named {username!r} already exists", code="username_taken")
        user = await User.create(
            username=username,
            username_key=username_key(username),
            password_hash=password_hash,
            is_active=is_active,
            password_change_required=password_change_required,
        )
        if found:
            await user.roles.add(*found)
    return user


async def active_admin_exists() -> bool:
    return await User.filter(is_active=True, roles__name="admin").exists()


async def set_password(
    *, user: User, password: str, hasher: PasswordHasher, password_change_required: bool
) -> None:
    user.password_hash = await hasher.hash(password)
    user.password_change_required = password_change_required
    await user.save(update_fields=["password_hash", "password_change_required", "updated_at"])
