"""Tortoise configuration, per-worker setup, and the migrations that go with each dialect.

aerich writes SQL for one dialect at a time, so each dialect keeps its own folder of
migrations (`migrations/sqlite`, `migrations/postgres`), generated from the same models.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url

from backend.app_types import App
from backend.compat.sanic_listeners import run_once
from backend.config import Settings
from backend.domains import DOMAINS

# backend.flask_import serves no routes, so it is not a domain, but its table is migrated like theirs.
MODEL_MODULES = [*(f"{domain}.models" for domain in DOMAINS), "backend.flask_import.models", "aerich.models"]


def _migrations_root() -> Path:
    """MIGRATIONS_DIR, else the checkout's `migrations/`, else `./migrations` (an installed package)."""
    if configured := os.environ.get("MIGRATIONS_DIR"):
        return Path(configured).resolve()
    beside_package = Path(__file__).resolve().parent.parent / "migrations"
    return beside_package if beside_package.is_dir() else Path("migrations").resolve()


MIGRATIONS_ROOT = _migrations_root()
# Tortoise imports an engine module and uses its `client_class`.
SQLITE_ENGINE = "backend.compat.tortoise_sqlite"
POSTGRES_ENGINE = "backend.compat.tortoise_postgres"

Dialect = Literal["sqlite", "postgres"]


def dialect_of(database_url: str) -> Dialect:
    scheme = urlsplit(database_url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in {"postgres", "postgresql", "asyncpg"}:
        return "postgres"
    raise ValueError(f"unsupported DATABASE_URL scheme {scheme!r}: use sqlite:// or postgres://")


def migrations_location(database_url: str) -> Path:
    return MIGRATIONS_ROOT / dialect_of(database_url)


def tortoise_config(settings: Settings) -> dict[str, Any]:
    url = settings.database_url
    if dialect_of(url) == "sqlite":
        connection = _sqlite_connection(url, settings)
    else:
        connection = _postgres_connection(url, settings)
    return {
        # The access log writes through a connection of its own, so that its inserts never
        # queue the requests' queries behind them (SQLite: one connection per worker each).
        "connections": {"default": connection, ACCESS_LOG_CONNECTION: _small(connection)},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


ACCESS_LOG_CONNECTION = "access_log"


def _small(connection: dict[str, Any]) -> dict[str, Any]:
    credentials = dict(connection["credentials"])
    if "maxsize" in credentials:
        credentials.update(minsize=1, maxsize=2)
    return {**connection, "credentials": credentials}


def _sqlite_connection(url: str, settings: Settings) -> dict[str, Any]:
    connection = expand_db_url(url)
    credentials = connection["credentials"]
    path = Path(credentials["file_path"])
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    credentials.setdefault("journal_mode", "WAL")
    credentials.setdefault("busy_timeout", int(settings.db_timeout_seconds * 1000))
    credentials.setdefault("synchronous", settings.sqlite_synchronous)
    credentials.setdefault("foreign_keys", "ON")
    connection["engine"] = SQLITE_ENGINE
    return connection


def _postgres_connection(url: str, settings: Settings) -> dict[str, Any]:
    connection = expand_db_url(url)
    credentials = connection["credentials"]
    credentials.setdefault("minsize", settings.db_pool_min)
    credentials.setdefault("maxsize", settings.db_pool_max)
    # DB_TIMEOUT_SECONDS bounds the wait for a new connection and for a free one from the pool;
    # a statement may run longer, up to `command_timeout`. Past either, the request gets a 503.
    credentials.setdefault("timeout", settings.db_timeout_seconds)
    credentials.setdefault("acquire_timeout", settings.db_timeout_seconds)
    credentials.setdefault("command_timeout", max(settings.db_timeout_seconds * 6, 30.0))
    # What the database itself writes as text (the JSON of backend/nested.py) reads back as the ORM's
    # values, whatever the server's defaults: timestamps in UTC, every double in full (PostgreSQL
    # 12+ writes the shortest exact form for any value above 0). Startup settings, not a `SET`.
    server_settings = credentials.setdefault("server_settings", {})
    server_settings.setdefault("timezone", "UTC")
    server_settings.setdefault("extra_float_digits", "1")
    connection["engine"] = POSTGRES_ENGINE
    return connection


def register_database(app: App, settings: Settings) -> None:
    """Open this worker's connections before it serves, close them after."""

    @app.before_server_start
    async def open_database(app: App) -> None:
        await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)

    @app.after_server_stop
    @run_once
    async def close_database(app: App) -> None:
        await Tortoise.close_connections()


async def ping() -> None:
    """Raise if the database does not answer a trivial query on the connection that writes.

    A script, not a query: SQLite's loop-thread reader takes queries only, and readiness must
    notice a wedged aiosqlite connection, which reads skip.
    """
    await connections.get("default").execute_script("SELECT 1")


# The config aerich's command line reads (see aerich.ini and aerich-postgres.ini).
# Generating migrations needs no running database (`--offline`).
def _aerich_config(default_url: str) -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", default_url)
    if dialect_of(url) != dialect_of(default_url):
        url = default_url
    return tortoise_config(Settings(database_url=url))


_AERICH_DEFAULTS = {
    "TORTOISE_ORM_SQLITE": "sqlite://data/app.db",
    "TORTOISE_ORM_POSTGRES": "postgres://postgres@127.0.0.1:5432/postgres",
}


def __getattr__(name: str) -> dict[str, Any]:
    if name in _AERICH_DEFAULTS:
        return _aerich_config(_AERICH_DEFAULTS[name])
    raise AttributeError(name)
