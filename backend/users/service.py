"""Users and roles: the rules that hold whatever the caller (API, CLI, tests).

Invariants: usernames are unique case-insensitively; nobody deletes or deactivates
themselves; the last active admin cannot be deleted, deactivated or lose the `admin`
role. Changes that touch admins run in one transaction that first locks the `admin`
role row, so two admins cannot demote each other at the same moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from tortoise.functions import Count
from tortoise.queryset import QuerySet

from backend import clock
from backend.auth.passwords import PasswordHasher
from backend.auth.service import (
    PasswordPolicyCheck,
    check_password_policy,
    replace_password,
    revoke_user_logins,
)
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.transactions import atomic
from backend.users.models import USERNAME_PATTERN, Role, User

ADMIN = "admin"


def username_key(username: str) -> str:
    return username.casefold()


def check_username(username: str) -> None:
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise ValidationFailed(
            "Usernames are 3-64 characters: letters, digits, '.', '_', '-', '@'",
            errors=[{"loc": ["body", "username"], "msg": "Invalid username", "type": "username"}],
        )


async def get_user(user_id: int) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}")
    return user


async def _roles_named(names: Iterable[str]) -> list[Role]:
    wanted = sorted(set(names))
    found = await Role.filter(name__in=wanted)
    if missing := set(wanted) - {role.name for role in found}:
        raise ValidationFailed(
            f"Unknown role(s): {', '.join(sorted(missing))}",
            errors=[{"loc": ["body", "roles"], "msg": "Unknown role", "type": "unknown_role"}],
        )
    return list(found)


async def _refuse_taken(username: str, *, except_id: int | None = None) -> None:
    taken = User.filter(username_key=username_key(username))
    if except_id is not None:
        taken = taken.exclude(id=except_id)
    if await taken.exists():
        raise Conflict(f"The username {username!r} is taken", code="username_taken")


async def _lock_admins() -> None:
    """Serialise every change that could leave no active admin (a no-op lock on SQLite,
    whose write transactions are already serial)."""
    await Role.filter(name=ADMIN).select_for_update().first()


async def _is_last_active_admin(user: User) -> bool:
    if not user.is_active or not await user.roles.filter(name=ADMIN).exists():
        return False
    return not await User.filter(is_active=True, roles__name=ADMIN).exclude(id=user.id).exists()


async def create_user(
    *,
    username: str,
    password: str,
    roles: Iterable[str],
    hasher: PasswordHasher,
    is_active: bool = True,
    password_change_required: bool = False,
    min_password_length: int | None = None,
) -> User:
    """Create a user. With `min_password_length` the password policy applies (the API);
    the CLI and tests may set any password."""
    check_username(username)
    if min_password_length is not None:
        check_password_policy(password, username=username, min_length=min_password_length, field="password")
    password_hash = await hasher.hash(password)
    async with atomic():
        found = await _roles_named(roles)
        await _refuse_taken(username)
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


async def update_user(
    *,
    user_id: int,
    acting_user_id: int,
    username: str | None = None,
    roles: Sequence[str] | None = None,
    is_active: bool | None = None,
    now: datetime | None = None,
) -> User:
    async with atomic():
        await _lock_admins()
        user = await get_user(user_id)
        last_admin = await _is_last_active_admin(user)
        if is_active is False and user.is_active:
            if user.id == acting_user_id:
                raise Conflict("You cannot deactivate yourself", code="self_deactivation")
            if last_admin:
                raise Conflict("The last active admin cannot be deactivated", code="last_admin")
        if roles is not None and ADMIN not in roles and last_admin:
            raise Conflict("The last active admin cannot lose the admin role", code="last_admin")
        if username is not None and username != user.username:
            check_username(username)
            await _refuse_taken(username, except_id=user.id)
            user.username, user.username_key = username, username_key(username)
        deactivated = is_active is False and user.is_active
        if is_active is not None:
            user.is_active = is_active
        await user.save()
        if roles is not None:
            found = await _roles_named(roles)
            await user.roles.clear()
            if found:
                await user.roles.add(*found)
        if deactivated:
            await revoke_user_logins(user_id=user.id, reason="user_deactivated", now=now or clock.utcnow())
    return user


async def delete_user(*, user_id: int, acting_user_id: int) -> User:
    async with atomic():
        await _lock_admins()
        user = await get_user(user_id)
        if user.id == acting_user_id:
            raise Conflict("You cannot delete yourself", code="self_deletion")
        if await _is_last_active_admin(user):
            raise Conflict("The last active admin cannot be deleted", code="last_admin")
        await user.delete()
    return user


async def active_admin_exists() -> bool:
    return await User.filter(is_active=True, roles__name=ADMIN).exists()


async def set_password(
    *,
    user: User,
    password: str,
    hasher: PasswordHasher,
    password_change_required: bool,
    min_password_length: int | None = None,
) -> int:
    """Set a user's password and end all their logins; answer how many ended."""
    policy = (
        None
        if min_password_length is None
        else PasswordPolicyCheck(min_length=min_password_length, field="password")
    )
    return await replace_password(
        user=user,
        password=password,
        hasher=hasher,
        password_change_required=password_change_required,
        policy=policy,
    )


def search_users(*, q: str | None, role: str | None, is_active: bool | None) -> QuerySet[User]:
    users = User.all()
    if q:
        users = users.filter(username_key__contains=username_key(q))
    if role:
        users = users.filter(roles__name=role)
    if is_active is not None:
        users = users.filter(is_active=is_active)
    return users


async def roles_by_user(user_ids: Sequence[int]) -> dict[int, list[str]]:
    """Every listed user's role names, in one query."""
    through = await User.filter(id__in=list(user_ids)).values("id", role="roles__name")
    result: dict[int, list[str]] = {user_id: [] for user_id in user_ids}
    for row in through:
        if row["role"] is not None:
            result[row["id"]].append(row["role"])
    return {user_id: sorted(names) for user_id, names in result.items()}


async def get_role(name: str) -> Role:
    role = await Role.get_or_none(name=name)
    if role is None:
        raise NotFound(f"No role named {name!r}")
    return role


def roles_with_counts() -> QuerySet[Role]:
    return Role.annotate(user_count=Count("users", distinct=True))


async def create_role(*, name: str, description: str) -> Role:
    async with atomic():
        if await Role.exists(name=name):
            raise Conflict(f"A role named {name!r} exists", code="role_exists")
        return await Role.create(name=name, description=description)


async def update_role(*, name: str, description: str) -> Role:
    role = await get_role(name)
    role.description = description
    await role.save(update_fields=["description"])
    return role


async def delete_role(*, name: str) -> Role:
    async with atomic():
        role = await get_role(name)
        if role.built_in:
            raise Conflict(f"The built-in role {name!r} cannot be deleted", code="built_in_role")
        await role.delete()
    return role
