"""backend/compat/sanic_startup.py relies on `Sanic._startup` and `Sanic._server_event`
(sanic 25.12.1, sanic-ext 25.12.0); `python -m backend openapi` builds on it."""

from __future__ import annotations

import inspect

import pytest
from sanic import Sanic

from backend.app import create_app
from backend.config import Settings
from backend.docs import build_document


def test_the_private_startup_methods_are_as_verified() -> None:
    assert inspect.iscoroutinefunction(Sanic._startup)
    assert list(inspect.signature(Sanic._startup).parameters) == ["self"]
    assert inspect.iscoroutinefunction(Sanic._server_event)
    assert list(inspect.signature(Sanic._server_event).parameters) == ["self", "concern", "action", "loop"]


async def test_the_document_is_built_without_serving(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Outside test mode `_startup` rewrites Sanic's Http methods for good (TouchUp), and the
    # test clients' later startups in this process then fail: the command line starts one app only.
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = create_app(settings.model_copy(update={"purge_schedule": ""}), name="compat_startup")
    document = await build_document(app)
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/users" in document["paths"]
    assert "/api/v1/auth/login" in document["paths"]
