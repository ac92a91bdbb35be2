"""Typed settings, read from the environment and an optional `.env` file."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from cronsim import CronSim, CronSimError  # aiocron's parser
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_SECRET_BYTES = 32
INSECURE_SECRETS = {"changethis", "secret", "change-me", "changeme"}
DEFAULT_PORTS = {"http": 80, "https": 443}


def exact_origin(value: str) -> str:
    """`scheme://host[:port]` as a browser sends it in `Origin`; wildcards, `null` and paths are refused."""
    refused = ValueError(f"CORS_ORIGINS takes exact origins such as https://app.example, not {value!r}")
    parts = urlsplit(value.lower())
    try:
        port = parts.port
    except ValueError:
        raise refused from None
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or "*" in value
        or parts.username is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise refused
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    suffix = f":{port}" if port is not None and port != DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host}{suffix}"


class AppEnv(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    app_env: AppEnv = AppEnv.development
    database_url: str = "sqlite://data/app.db"
    data_dir: Path = Path("data")
    secret_key: str = ""

    access_token_ttl: Annotated[int, Field(ge=30, le=86_400)] = 900
    refresh_token_ttl: Annotated[int, Field(ge=60, le=365 * 86_400)] = 30 * 86_400
    bcrypt_rounds: Annotated[int, Field(ge=4, le=16)] = 12
    password_min_length: Annotated[int, Field(ge=8, le=128)] = 12

    refresh_reuse_grace_seconds: Annotated[int, Field(ge=0, le=300)] = 10
    cookie_secure: bool = True

    login_throttle_window_seconds: Annotated[int, Field(ge=1)] = 900
    login_failures_per_username: Annotated[int, Field(ge=1)] = 5
    login_failures_per_username_total: Annotated[int, Field(ge=1)] = 30
    login_failures_per_ip: Annotated[int, Field(ge=1)] = 20
    login_backoff_seconds: Annotated[int, Field(ge=1)] = 30
    # Roles whose holders must log in with two-factor (comma-separated; e.g. `admin`).
    mfa_required_roles: Annotated[list[str], NoDecode] = []

    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = []
    metrics_enabled: bool = True
    # Who may read GET /metrics (backend/metrics/routes.py): loopback unless told otherwise.
    metrics_allow: Annotated[list[IPv4Network | IPv6Network], NoDecode] = [
        ip_network("127.0.0.1/32"),
        ip_network("::1/128"),
    ]
    # Where the workers' metrics meet (prometheus_client's multiprocess mode); a fresh temporary
    # directory per server when unset. `serve` empties it at start (backend/metrics/multiprocess.py).
    prometheus_multiproc_dir: Path | None = None
    cors_origins: Annotated[list[str], NoDecode] = []
    access_log_retention_days: Annotated[int, Field(ge=0)] = 0
    access_log_partitions_ahead: Annotated[int, Field(ge=1, le=24)] = 3
    # The access-log list counts its matches up to this many (its `total_exact` says whether all):
    # an exact count of millions of rows costs a database that much work per page.
    access_log_count_limit: Annotated[int, Field(ge=1)] = 10_000
    access_log_mode: Literal["durable", "buffered", "off"] = "durable"
    access_log_exclude: Annotated[list[str], NoDecode] = []
    purge_schedule: str = "17 * * * *"
    revoked_token_retention_days: Annotated[int, Field(ge=0)] = 7
    idempotency_key_retention_hours: Annotated[int, Field(ge=1)] = 24
    api_key_max_days: Annotated[int, Field(ge=1, le=3650)] = 90

    max_body_bytes: Annotated[int, Field(ge=1024)] = 1_000_000
    db_pool_min: Annotated[int, Field(ge=1)] = 1
    db_pool_max: Annotated[int, Field(ge=1)] = 10
    db_timeout_seconds: Annotated[float, Field(gt=0)] = 5.0
    sqlite_synchronous: Literal["OFF", "NORMAL", "FULL"] = "NORMAL"

    initial_admin_username: str = "admin"
    initial_admin_password: str = ""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65_535)] = 8000
    workers: Annotated[int, Field(ge=1, le=64)] = 1
    shutdown_timeout_seconds: Annotated[float, Field(gt=0, le=9)] = 8.0
    frontend_dist: Path = Path("frontend/dist")

    @field_validator("trusted_proxies", "metrics_allow", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        if isinstance(value, str):
            return [ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip()]
        return value

    @field_validator("cors_origins", "access_log_exclude", "mfa_required_roles", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("purge_schedule")
    @classmethod
    def _cron_expression(cls, value: str) -> str:
        """Checked here: in the scheduler's process it fails in a callback, and no purge ever runs."""
        if value:
            try:
                CronSim(value, datetime.now(UTC))
            except CronSimError as error:
                raise ValueError(f"PURGE_SCHEDULE {value!r} is not a cron expression: {error}") from None
        return value

    @field_validator("cors_origins", mode="after")
    @classmethod
    def _exact_origins(cls, value: list[str]) -> list[str]:
        return [exact_origin(origin) for origin in value]

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        weak = len(self.secret_key.encode()) < MIN_SECRET_BYTES or self.secret_key in INSECURE_SECRETS
        if self.app_env is AppEnv.production and weak:
            raise ValueError(
                f"SECRET_KEY must be set to at least {MIN_SECRET_BYTES} random bytes in production"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    def with_secret(self) -> Settings:
        """Outside production, an empty SECRET_KEY is generated once and kept in `data_dir`."""
        if self.secret_key:
            return self
        path = self.data_dir / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return self.model_copy(update={"secret_key": path.read_text().strip()})


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides).with_secret()  # type: ignore[arg-type]
