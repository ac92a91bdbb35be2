"""Audit events: what an admin action did, stored on the access-log row of its request.

An admin action names its target; the row keeps the action and the target in columns of their
own (the audit trail's filters) and the details in `event`, whose keys stay those the access log
has always shown (`target_user_id`, `target_username`, `role`, ...). A login attempt is noted in
`event` only: the access log shows it, the audit trail (admin actions) does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.app_types import AppRequest
from backend.users.models import Role, User

LABEL_LENGTH = 128


@dataclass(frozen=True)
class Target:
    """What an admin action acted on."""

    type: str
    id: str
    label: str
    keys: Mapping[str, object] = field(default_factory=dict)  # how the event's JSON names it


def record_event(request: AppRequest, action: str, target: Target, **details: Any) -> None:
    """Note the admin action `action` (e.g. `user.delete`) on `target`: the audit trail lists it."""
    request.ctx.event = {"action": action, **target.keys, **details}
    request.ctx.audit = {
        "action": action,
        "target_type": target.type,
        "target_id": target.id,
        "target_label": target.label[:LABEL_LENGTH],
    }


def record_note(request: AppRequest, action: str, **details: Any) -> None:
    """Note what a request that is not an admin action did (a login attempt): the access log only."""
    request.ctx.event = {"action": action, **details}


def user_target(user: User) -> Target:
    return Target(
        "user", str(user.id), user.username, {"target_user_id": user.id, "target_username": user.username}
    )


def role_target(role: Role) -> Target:
    return Target("role", role.name, role.name, {"role": role.name})


def event_of(request: AppRequest) -> dict[str, Any] | None:
    return request.ctx.event


def audit_columns(request: AppRequest) -> dict[str, str | None]:
    """The access-log row's audit-trail columns: null unless the request was an admin action."""
    audit = request.ctx.audit or {}
    return {column: audit.get(column) for column in ("action", "target_type", "target_id", "target_label")}
