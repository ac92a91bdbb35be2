"""`/api/v1/users` and `/api/v1/roles`: administration, for role `admin`.

A user's logins (`/api/v1/users/{id}/tokens`) are served by backend/auth/logins.py."""

from __future__ import annotations

from urllib.parse import quote

from sanic import Blueprint, HTTPResponse
from sanic_ext.extensions.openapi import openapi

from backend.api import Problem, body, created, json_response, no_content, query, returns
from backend.app_types import AppRequest
from backend.audit.events import record_event, role_target, user_target
from backend.auth import mfa, throttle
from backend.auth.decorators import require_roles
from backend.pagination import PageParams, page_of, paginate
from backend.users import service
from backend.users.models import Role, User
from backend.users.schemas import (
    PasswordReset,
    RoleCreate,
    RolePage,
    RoleRead,
    RoleUpdate,
    UserCreate,
    UserPage,
    UserQuery,
    UserRead,
    UserUpdate,
    user_read,
)

users = Blueprint("users", url_prefix="/users")
roles = Blueprint("roles", url_prefix="/roles")

USER_SORT = {
    "username": "username_key",
    "created_at": "created_at",
    "last_login_at": "last_login_at",
    "id": "id",
}
ROLE_SORT = {"name": "name", "user_count": "user_count"}


async def read(user: User) -> UserRead:
    roles = (await service.roles_by_user([user.id]))[user.id]
    return user_read(user, roles, mfa_enabled=await mfa.is_enabled(user.id))


@users.get("/")
@require_roles("admin")
@openapi.tag("users")
@query(UserQuery, sort=USER_SORT)
@returns(200, UserPage)
async def list_users(request: AppRequest, query: UserQuery) -> HTTPResponse:
    """Users, filtered by `q` (username contains), `role` and `is_active`."""
    found = service.search_users(q=query.q, role=query.role, is_active=query.is_active)
    page, total = await paginate(found, query, allowed_sort=USER_SORT, default_sort=["username_key", "id"])
    role_names = await service.roles_by_user([user.id for user in page])
    two_factor = await mfa.enabled_among([user.id for user in page])
    items = [user_read(user, role_names[user.id], mfa_enabled=user.id in two_factor) for user in page]
    return json_response(page_of(UserPage, items, total, query))


@users.post("/")
@require_roles("admin")
@openapi.tag("users")
@body(UserCreate)
@returns(201, UserRead)
@returns(409, Problem, "The username is taken")
async def create_user(request: AppRequest, body: UserCreate) -> HTTPResponse:
    """Create a user; by default they must change the password at first login."""
    user = await service.create_user(
        username=body.username,
        password=body.password,
        roles=body.roles,
        hasher=request.app.ctx.hasher,
        is_active=body.is_active,
        password_change_required=body.password_change_required,
        min_password_length=request.app.ctx.settings.password_min_length,
    )
    record_event(request, "user.create", user_target(user), roles=sorted(set(body.roles)))
    return created(await read(user), location=f"/api/v1/users/{user.id}")


@users.get("/<user_id:id>")
@require_roles("admin")
@openapi.tag("users")
@returns(200, UserRead)
@returns(404, Problem)
async def get_user(request: AppRequest, user_id: int) -> HTTPResponse:
    return json_response(await read(await service.get_user(user_id)))


@users.patch("/<user_id:id>")
@require_roles("admin")
@openapi.tag("users")
@body(UserUpdate)
@returns(200, UserRead)
@returns(404, Problem)
@returns(409, Problem, "Self-deactivation, the last active admin, or a taken username")
async def update_user(request: AppRequest, user_id: int, body: UserUpdate) -> HTTPResponse:
    """Change the username, the roles or `is_active`; deactivating ends all the user's logins."""
    before = await read(await service.get_user(user_id))
    user = await service.update_user(
        user_id=user_id,
        acting_user_id=request.ctx.principal.user_id,
        username=body.username,
        roles=body.roles,
        is_active=body.is_active,
    )
    after = await read(user)
    changes = {
        field: {"from": getattr(before, field), "to": getattr(after, field)}
        for field in body.model_fields_set
        if getattr(before, field) != getattr(after, field)
    }
    record_event(request, "user.update", user_target(user), changes=changes)
    return json_response(after)


@users.delete("/<user_id:id>")
@require_roles("admin")
@openapi.tag("users")
@returns(204)
@returns(404, Problem)
@returns(409, Problem, "Yourself, or the last active admin")
async def delete_user(request: AppRequest, user_id: int) -> HTTPResponse:
    user = await service.delete_user(user_id=user_id, acting_user_id=request.ctx.principal.user_id)
    record_event(request, "user.delete", user_target(user))
    return no_content()


@users.put("/<user_id:id>/password")
@require_roles("admin")
@openapi.tag("users")
@body(PasswordReset)
@returns(204)
@returns(404, Problem)
async def reset_password(request: AppRequest, user_id: int, body: PasswordReset) -> HTTPResponse:
    """Set a user's password (by default to be changed at next login); all their logins end."""
    user = await service.get_user(user_id)
    ended = await service.set_password(
        user=user,
        password=body.password,
        hasher=request.app.ctx.hasher,
        password_change_required=body.password_change_required,
        min_password_length=request.app.ctx.settings.password_min_length,
    )
    await throttle.lift_user_lockouts(user.username_key)
    record_event(request, "user.password_reset", user_target(user), logins_ended=ended)
    return no_content()


def role_read(role: Role) -> RoleRead:
    return RoleRead(
        name=role.name,
        description=role.description,
        user_count=getattr(role, "user_count", 0),
        built_in=role.built_in,
    )


@roles.get("/")
@require_roles("admin")
@openapi.tag("roles")
@query(PageParams, sort=ROLE_SORT)
@returns(200, RolePage)
async def list_roles(request: AppRequest, query: PageParams) -> HTTPResponse:
    """Roles with the number of users holding each."""
    page, total = await paginate(
        service.roles_with_counts(), query, allowed_sort=ROLE_SORT, default_sort=["name"]
    )
    items = [role_read(role) for role in page]
    return json_response(page_of(RolePage, items, total, query))


@roles.post("/")
@require_roles("admin")
@openapi.tag("roles")
@body(RoleCreate)
@returns(201, RoleRead)
@returns(409, Problem)
async def create_role(request: AppRequest, body: RoleCreate) -> HTTPResponse:
    role = await service.create_role(name=body.name, description=body.description)
    record_event(request, "role.create", role_target(role))
    return created(role_read(role), location=f"/api/v1/roles/{quote(role.name, safe='')}")


@roles.patch("/<name:name>")
@require_roles("admin")
@openapi.tag("roles")
@body(RoleUpdate)
@returns(200, RoleRead)
@returns(404, Problem)
async def update_role(request: AppRequest, name: str, body: RoleUpdate) -> HTTPResponse:
    role = await service.update_role(name=name, description=body.description)
    record_event(request, "role.update", role_target(role))
    counted = await service.roles_with_counts().get(id=role.id)
    return json_response(role_read(counted))


@roles.delete("/<name:name>")
@require_roles("admin")
@openapi.tag("roles")
@returns(204)
@returns(404, Problem)
@returns(409, Problem, "A built-in role")
async def delete_role(request: AppRequest, name: str) -> HTTPResponse:
    role = await service.delete_role(name=name)
    record_event(request, "role.delete", role_target(role))
    return no_content()


blueprints = [users, roles]
