"""Workarounds of Sanic, sanic-ext and Tortoise internals, in one place, under exact versions.

Each module here patches, subclasses or calls something private of a framework. It opens with
the upstream behaviour it works around, the upstream issue where there is one, the versions it
was verified on and what it relies on; tests/compat/ has a test per module that fails when what
it relies on changes, beside the behavioural tests the module names.

`install()` (called by `create_app` and by the command line) refuses to go on when an installed
framework is not the version in `VERIFIED`: a patch release can change an internal without
notice. After re-verifying (see docs/production.md, "Upgrading the framework"), update
`VERIFIED` and the lock files (`make lock`). ALLOW_UNVERIFIED_FRAMEWORK_VERSIONS=1 starts anyway,
with a warning.
"""

from __future__ import annotations

import logging
import os
from importlib import metadata

from backend.compat.sanic_http import answer_unparsable_urls
from backend.compat.sanic_manager import use_stoppable_worker_manager

logger = logging.getLogger("backend.compat")

OVERRIDE_VARIABLE = "ALLOW_UNVERIFIED_FRAMEWORK_VERSIONS"

# The versions the workarounds below were verified on: exactly these, as requirements/*.txt pin.
VERIFIED: dict[str, str] = {
    "sanic": "25.12.1",
    "sanic-ext": "25.12.0",
    "tortoise-orm": "1.1.9",
    "aerich": "0.10.1",
}

# What to re-verify when each package changes: the modules and tests that rely on its internals.
RELIES_ON: dict[str, tuple[str, ...]] = {
    "sanic": (
        "backend/compat/sanic_manager.py",
        "backend/compat/sanic_listeners.py",
        "backend/compat/sanic_http.py",
        "backend/compat/sanic_watchdog.py",
        "backend/compat/sanic_startup.py",
    ),
    "sanic-ext": (
        "backend/compat/sanic_startup.py",
        "backend/docs.py (SpecificationBuilder, OperationStore, Schema, OpenAPIExtension)",
    ),
    "tortoise-orm": (
        "backend/compat/tortoise_sqlite.py",
        "backend/compat/tortoise_postgres.py",
        "backend/compat/tortoise_transactions.py",
        "backend/migrate.py (Tortoise._reset_apps)",
    ),
    "aerich": ("backend/migrate.py and the migrations (tests/test_migrations.py)",),
}


class UnverifiedFrameworkVersion(RuntimeError):
    """An installed framework is not a version the workarounds were verified on."""


def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def unverified() -> dict[str, str | None]:
    """The packages whose installed version is not the verified one: name -> installed (or None)."""
    found: dict[str, str | None] = {}
    for package, verified in VERIFIED.items():
        installed = installed_version(package)
        if installed != verified:
            found[package] = installed
    return found


def describe(found: dict[str, str | None]) -> str:
    lines = ["installed framework versions differ from those backend/compat was verified on:"]
    for package, installed in found.items():
        shown = installed or "(not installed)"
        lines.append(f"  {package} {shown}, verified on {VERIFIED[package]}: re-verify")
        lines.extend(f"    {target}" for target in RELIES_ON.get(package, ()))
    lines.append(
        "Install the locked versions (make run / make test install requirements/*.txt), or re-verify "
        "as docs/production.md says (tests/compat and the tests each module names), then update "
        "VERIFIED in backend/compat/__init__.py and run `make lock`. "
        f"{OVERRIDE_VARIABLE}=1 starts anyway, with this as a warning."
    )
    return "\n".join(lines)


def check_versions() -> None:
    """Raise `UnverifiedFrameworkVersion` unless every framework is a verified version (or the
    override is set: then log a warning)."""
    found = unverified()
    if not found:
        return
    message = describe(found)
    if os.environ.get(OVERRIDE_VARIABLE, "").strip().lower() in {"1", "true", "yes"}:
        logger.warning("%s (%s is set: starting anyway)", message, OVERRIDE_VARIABLE)
        return
    raise UnverifiedFrameworkVersion(message)


_installed = False


def install() -> None:
    """Check the versions, then apply the process-wide patches (once per process)."""
    global _installed
    if _installed:
        return
    check_versions()
    answer_unparsable_urls()
    use_stoppable_worker_manager()
    _installed = True
