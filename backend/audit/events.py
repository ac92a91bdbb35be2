"""Audit events: what an admin action did, stored on the access-log row of its request."""

from __future__ import annotations

from typing import Any

from backend.app_types import AppRequest
from backend.users.models import User


def record_event(request: AppRequest, action: str, **details: Any) -> None:
    """Note `action` (e.g. `user.delete`) and what it acted on; the access-log row carries it."""
    request.ctx.event = {"action": action, **details}


def user_target(user: User) -> dict[str, object]:
    """How an event names the user it acted on."""
    return {"target_user_id": user.id, "target_username": user.username}


def event_of(request: AppRequest) -> dict[str, Any] | None:
    return request.ctx.event
