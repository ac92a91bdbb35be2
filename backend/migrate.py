"""Applying and generating aerich migrations, one folder per dialect."""

from __future__ import annotations

from aerich import Command
from tortoise import Tortoise

from backend.config import Settings
from backend.db import MIGRATIONS_ROOT, Dialect, migrations_location, tortoise_config

APP = "models"
DIALECT_URLS: dict[Dialect, str] = {
    "sqlite": "sqlite://:memory:",
    "postgres": "postgres://postgres@127.0.0.1:5432/postgres",
}


async def apply_migrations(settings: Settings) -> list[str]:
    """Bring the database at DATABASE_URL up to date; answer the migrations applied."""
    command = Command(
        tortoise_config(settings), app=APP, location=str(migrations_location(settings.database_url))
    )
    try:
        await command.init()
        return await command.upgrade(run_in_transaction=True)
    finally:
        await _close()


async def make_migrations(name: str, dialect: Dialect, *, location: str | None = None) -> str | None:
    """Write a migration for `dialect` from the difference between the models and the last one.

    Needs no database. Answers the new file's name, or None when nothing changed.
    """
    settings = Settings(database_url=DIALECT_URLS[dialect])
    command = Command(tortoise_config(settings), app=APP, location=location or str(MIGRATIONS_ROOT / dialect))
    try:
        await command.init(offline=True)
        return await command.migrate(name, no_input=True, offline=True) or None
    finally:
        await _close()


async def _close() -> None:
    """Close and forget the models' binding, so that another dialect can be set up in this process."""
    await Tortoise.close_connections()
    await Tortoise._reset_apps()
