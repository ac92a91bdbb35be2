from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from backend.api import RequestModel, ResponseModel
from backend.pagination import Page, PageParams
from backend.users.models import USERNAME_PATTERN, User

Username = Annotated[str, StringConstraints(pattern=USERNAME_PATTERN)]
Password = Annotated[str, StringConstraints(strip_whitespace=False), Field(min_length=1, max_length=1024)]
RoleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,63}$")]
Description = Annotated[str, Field(max_length=255)]


class UserRead(ResponseModel):
    """A user as the API shows it: never the password hash."""

    id: int
    username: str
    roles: list[str]
    is_active: bool
    password_change_required: bool
    mfa_enabled: bool
    created_at: datetime
    last_login_at: datetime | None


class UserPage(Page[UserRead]):
    pass


class UserCreate(RequestModel):
    username: Username
    password: Password
    roles: Annotated[list[RoleName], Field(max_length=50)] = ["user"]
    is_active: bool = True
    password_change_required: bool = Field(
        default=True, description="An admin who sets someone's password hands out a temporary one"
    )


class UserUpdate(RequestModel):
    username: Username | None = None
    roles: Annotated[list[RoleName], Field(max_length=50)] | None = None
    is_active: bool | None = None


class PasswordReset(RequestModel):
    password: Password
    password_change_required: bool = True


class UserQuery(PageParams):
    q: Annotated[str | None, Field(max_length=64, description="Username contains (any case)")] = None
    role: Annotated[str | None, Field(max_length=64)] = None
    is_active: bool | None = None


class RoleRead(ResponseModel):
    name: str
    description: str
    user_count: int
    built_in: bool


class RolePage(Page[RoleRead]):
    pass


class RoleCreate(RequestModel):
    name: RoleName
    description: Description = ""


class RoleUpdate(RequestModel):
    description: Description


def user_read(user: User, roles: list[str], *, mfa_enabled: bool) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        roles=roles,
        is_active=user.is_active,
        password_change_required=user.password_change_required,
        mfa_enabled=mfa_enabled,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )
