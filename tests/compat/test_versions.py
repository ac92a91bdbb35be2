"""The guard: the app refuses framework versions the workarounds were not verified on."""

from __future__ import annotations

import logging
from importlib import metadata

import pytest

from backend import compat
from backend.__main__ import main
from backend.app import create_app
from backend.config import Settings


def test_the_installed_frameworks_are_the_verified_versions() -> None:
    """Fails when sanic, sanic-ext, tortoise-orm or aerich is not the version in VERIFIED: install
    from the lock files (make test), or re-verify (docs/production.md) and update VERIFIED."""
    assert compat.unverified() == {}, compat.describe(compat.unverified())
    compat.check_versions()


def fake_versions(monkeypatch: pytest.MonkeyPatch, **versions: str | None) -> None:
    real = metadata.version

    def version(package: str) -> str:
        key = package.replace("-", "_")
        if key in versions:
            if versions[key] is None:
                raise metadata.PackageNotFoundError(package)
            return str(versions[key])
        return real(package)

    monkeypatch.setattr(metadata, "version", version)


def test_a_different_version_is_refused_with_what_to_re_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(compat.OVERRIDE_VARIABLE, raising=False)
    fake_versions(monkeypatch, sanic="25.12.99", tortoise_orm=None)
    with pytest.raises(compat.UnverifiedFrameworkVersion) as refused:
        compat.check_versions()
    message = str(refused.value)
    assert f"sanic 25.12.99, verified on {compat.VERIFIED['sanic']}" in message
    assert "tortoise-orm (not installed)" in message
    assert "backend/compat/sanic_manager.py" in message
    assert "backend/compat/tortoise_sqlite.py" in message
    assert "sanic-ext" not in message.split("Install the locked")[0], "only what differs"
    assert "make lock" in message
    assert compat.OVERRIDE_VARIABLE in message


def test_the_override_starts_anyway_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(compat.OVERRIDE_VARIABLE, "1")
    fake_versions(monkeypatch, aerich="0.11.0")
    with caplog.at_level(logging.WARNING, logger="backend.compat"):
        compat.check_versions()
    assert "aerich 0.11.0, verified on" in caplog.text
    assert f"{compat.OVERRIDE_VARIABLE} is set" in caplog.text


def test_create_app_and_the_command_line_refuse_an_unverified_version(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(compat.OVERRIDE_VARIABLE, raising=False)
    monkeypatch.setattr(compat, "_installed", False)
    fake_versions(monkeypatch, sanic_ext="26.0.0")
    with pytest.raises(compat.UnverifiedFrameworkVersion):
        create_app(settings, name="unverified")
    assert main(["migrate"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: installed framework versions differ")
    assert "Traceback" not in error


def test_install_is_idempotent() -> None:
    compat.install()
    compat.install()
    from sanic.http.http1 import Http

    assert getattr(Http.create_empty_request, "answers_unparsable_urls", False)
    assert not hasattr(Http.create_empty_request.__wrapped__, "answers_unparsable_urls"), "patched once"
