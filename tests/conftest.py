"""Each test gets a fresh database: a copy of a migrated SQLite file, or, when TEST_DATABASE_URL
points at PostgreSQL, a throwaway database for the session that is emptied before each test."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from sanic import Sanic
from tortoise import Tortoise

from backend.app import create_app
from backend.config import AppEnv, Settings
from backend.db import tortoise_config
from backend.migrate import apply_migrations
from backend.users.models import BUILT_IN_ROLES
from tests.harness import serve_in_process
from tests.helpers import Caller, caller

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"
APP_TABLES = (
    "user_role", "token", "login_throttle", "access_log", "access_log_rollup", "measure", "appointment",
    "patient", "category", '"user"', "role", "flask_import_row", "api_key", "user_mfa", "mfa_recovery_code",
    "mfa_token_use",
)  # fmt: skip

requires_postgres = pytest.mark.postgres


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On SQLite, skip what needs PostgreSQL. On PostgreSQL, run only what touches the database (the
    `settings` fixtures, or marked `postgres`), and not what is marked `sqlite_only`: the rest runs
    the same in the SQLite pass."""
    if not TEST_DATABASE_URL:
        needs_postgres = pytest.mark.skip(reason="needs TEST_DATABASE_URL (PostgreSQL)")
        for item in items:
            if item.get_closest_marker("postgres"):
                item.add_marker(needs_postgres)
        return
    same_on_both = [
        item
        for item in items
        if item.get_closest_marker("sqlite_only")
        or (
            "migrated_database" not in getattr(item, "fixturenames", ())
            and not item.get_closest_marker("postgres")
        )
    ]
    if same_on_both:
        config.hook.pytest_deselected(items=same_on_both)
        dropped = set(same_on_both)
        items[:] = [item for item in items if item not in dropped]


def base_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_env": AppEnv.test,
        "database_url": f"sqlite://{tmp_path / 'app.db'}",
        "data_dir": tmp_path / "data",
        "secret_key": TEST_SECRET,
        "bcrypt_rounds": 4,
        "frontend_dist": tmp_path / "no-frontend",
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


def with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with every migration applied, made once per session: a file, or a PostgreSQL URL."""
    if TEST_DATABASE_URL:
        name = f"srt_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_admin_sql(TEST_DATABASE_URL, f'CREATE DATABASE "{name}"'))
        url = with_database(TEST_DATABASE_URL, name)
        asyncio.run(apply_migrations(Settings(database_url=url)))
        yield url
        asyncio.run(_admin_sql(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        asyncio.run(apply_migrations(Settings(database_url=f"sqlite://{path}")))
        yield str(path)


async def _admin_sql(url: str, sql: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _empty_postgres(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f"TRUNCATE {', '.join(APP_TABLES)} RESTART IDENTITY CASCADE")
        await connection.executemany(
            "INSERT INTO role (name, description, built_in, created_at) VALUES ($1, $2, TRUE, now())",
            list(BUILT_IN_ROLES.items()),
        )
    finally:
        await connection.close()


@pytest.fixture
async def settings(tmp_path: Path, migrated_database: str) -> Settings:
    if TEST_DATABASE_URL:
        await _empty_postgres(migrated_database)
        return base_settings(tmp_path, database_url=migrated_database)
    shutil.copyfile(migrated_database, tmp_path / "app.db")
    return base_settings(tmp_path)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[None]:
    """The ORM, for tests that call services directly."""
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)
    yield
    await Tortoise.close_connections()


@pytest.fixture
def app(settings: Settings) -> Sanic:
    return create_app(settings, name=f"test_{uuid.uuid4().hex}")


@pytest.fixture
async def client(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to `app`, served on a free port in this test's event loop."""
    async with serve_in_process(app) as base_url, httpx.AsyncClient(base_url=base_url) as http:
        yield http


@pytest.fixture
def logs(
    app: Sanic, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> pytest.LogCaptureFixture:
    """caplog, seeing our loggers too (`backend` has a handler of its own and does not propagate, see
    backend/logs.py; `app` first, since creating it sets that up)."""
    monkeypatch.setattr(logging.getLogger("backend"), "propagate", True)
    caplog.set_level(logging.INFO)
    return caplog


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> Caller:
    """`root`, holding the roles admin and user, logged in."""
    return await caller(client, "root", ("admin", "user"))


@pytest.fixture
async def user(client: httpx.AsyncClient) -> Caller:
    """`nurse`, holding the role user, logged in."""
    return await caller(client, "nurse", ("user",))


@pytest.fixture
async def nobody(client: httpx.AsyncClient) -> Caller:
    """`no-roles`: logged in, but holding no role at all."""
    return await caller(client, "no-roles", ())
