from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, _admin_sql, requires_postgres, with_database
from tests.flask_import.template_db import TemplateData, write_postgres, write_sqlite

MakeSource = Callable[[TemplateData], Awaitable[str]]


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=requires_postgres),
    ]
)
async def make_source(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[MakeSource]:
    """Builds the template's database from rows and answers its URL: a SQLite file, or a throwaway
    PostgreSQL database."""
    created: list[str] = []

    async def make(data: TemplateData) -> str:
        if request.param == "sqlite":
            return write_sqlite(tmp_path / f"flask-{uuid.uuid4().hex[:8]}.db", data)
        name = f"flask_src_{uuid.uuid4().hex[:12]}"
        await _admin_sql(TEST_DATABASE_URL, f'CREATE DATABASE "{name}"')
        created.append(name)
        return await write_postgres(with_database(TEST_DATABASE_URL, name), data)

    yield make
    for name in created:
        await _admin_sql(TEST_DATABASE_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
