"""One test module per backend/compat module: each fails when the framework internal that the
workaround relies on changes (a different signature, a missing attribute, a changed source), so
that an upgrade says what to re-verify instead of breaking at run time."""

from __future__ import annotations

import hashlib
import inspect
from typing import Any


def source_digest(function: Any) -> str:
    """The first 16 hex digits of the SHA-256 of a function's source, as installed."""
    return hashlib.sha256(inspect.getsource(inspect.unwrap(function)).encode()).hexdigest()[:16]


def changed(what: str, module: str) -> str:
    return (
        f"{what} changed upstream: re-read it, re-verify backend/compat/{module} against it (and the "
        "tests its docstring names), then update the digest here and VERIFIED in backend/compat"
    )
