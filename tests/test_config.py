from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest

from backend.config import AppEnv, Settings, load_settings


def test_production_refuses_to_start_without_a_strong_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    for weak in ("", "changethis", "short-secret"):
        monkeypatch.setenv("SECRET_KEY", weak)
        with pytest.raises(ValueError, match="SECRET_KEY"):
            Settings()
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    assert Settings().app_env is AppEnv.production


def test_development_generates_a_secret_once_and_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    first, second = load_settings(), load_settings()
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16,::1")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    settings = Settings()
    assert settings.trusted_proxies == [
        ip_network("10.0.0.1"),
        ip_network("192.168.0.0/16"),
        ip_network("::1"),
    ]
    assert settings.cors_origins == ["https://a.example", "https://b.example"]


def test_a_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCESS_TOKEN_TTL", "forever")
    with pytest.raises(ValueError, match="access_token_ttl"):
        Settings()


def test_a_purge_schedule_that_is_not_a_cron_expression_is_refused() -> None:
    for wrong in ("every hour", "61 * * * *", "* * *"):
        with pytest.raises(ValueError, match="PURGE_SCHEDULE"):
            Settings(purge_schedule=wrong)
    for right in ("", "17 * * * *", "*/30 * * * * *"):
        assert Settings(purge_schedule=right).purge_schedule == right
