"""Audit events: what an admin action did, stored on the access-log row of its request."""

from __future__ import annotations

from typing import Any

from sanic import Request


def record_event(request: Request, action: str, **details: Any) -> None:
    """Note `action` (e.g. `user.delete`) and what it acted on; the access-log row carries it."""
    request.ctx.event = {"action": action, **details}


def event_of(request: Request) -> dict[str, Any] | None:
    event: dict[str, Any] | None = getattr(request.ctx, "event", None)
    return event
