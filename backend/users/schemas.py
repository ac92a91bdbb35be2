from __future__ import annotations

from datetime import datetime

from backend.api import ResponseModel
from backend.users.models import User


class UserRead(ResponseModel):
    """A user as the API shows it: never the password hash."""

    id: int
    username: str
    roles: list[str]
    is_active: bool
    password_change_required: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    async def of(cls, user: User) -> UserRead:
        roles = sorted(await user.roles.all().values_list("name", flat=True))
        return cls(
            id=user.id,
            username=user.username,
            roles=[str(role) for role in roles],
            is_active=user.is_active,
            password_change_required=user.password_change_required,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )
