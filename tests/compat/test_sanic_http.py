"""backend/compat/sanic_http.py relies on `Http.create_empty_request` (sanic 25.12.1)."""

from __future__ import annotations

import inspect
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from sanic import Request, Sanic
from sanic.exceptions import BadRequest
from sanic.http.http1 import Http

from backend.compat.sanic_http import answer_unparsable_urls
from tests.compat import changed, source_digest

APP = Sanic(f"compat_http_{uuid.uuid4().hex}")


def stand_in(url: str | None) -> Any:
    http: Any = object.__new__(Http)
    http.url = url
    http.protocol = SimpleNamespace(request_class=Request, transport=None, app=APP)
    return http


def test_create_empty_request_is_as_verified() -> None:
    original = inspect.unwrap(Http.create_empty_request)
    assert list(inspect.signature(original).parameters) == ["self"]
    assert source_digest(original) == "388728b7faf20a89", changed(
        "Http.create_empty_request", "sanic_http.py"
    )


def test_the_upstream_bug_is_still_there_and_the_patch_answers() -> None:
    """Sanic's own method still fails on a URL with a control byte (sanic-org/sanic#2735), and
    builds the stand-in from `*` when the URL is None: the patch's retry."""
    original = inspect.unwrap(Http.create_empty_request)
    with pytest.raises(BadRequest):
        original(stand_in("/a\x01b"))
    fine = stand_in(None)
    original(fine)
    assert fine.request.path == "*"
    answer_unparsable_urls()
    patched = stand_in("/a\x01b")
    Http.create_empty_request(patched)
    assert patched.request.path == "*"
