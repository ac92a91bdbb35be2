"""A Flask template database, built the way its migrations and code write it (see
/work/shared/seed/flask_template_database.md): on SQLite, or on a throwaway PostgreSQL database."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

# The facts file's vectors: both are the password 123456, as the template's migration seeds it.
SCRYPT_123456 = (
    "scrypt:32768:8:1$cEaidT6pfaJxuswH$89486e3ddfdd501435d00b669088e45e5c8dde386715fbf655521d02e175541f"
    "c46b478b6185e7ca55ae90d9089bdc3d9e35afae1568baba0656bf2d6d7af644"
)
PBKDF2_123456 = (
    "pbkdf2:sha256:600000$Xq3bLr9TtQ1wZ8pN$fe1675b64c8dd4e43cb8cde553c3f036557a949789f6e22a8728cd2df7911eb1"
)
REVISION = "56b37927bb2a"

SQLITE_SCHEMA = """
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
CREATE TABLE user (id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(50) NOT NULL UNIQUE,
    password_hash VARCHAR(256));
CREATE TABLE role (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) UNIQUE);
CREATE TABLE user_role (role_id INTEGER REFERENCES role (id), user_id INTEGER REFERENCES user (id));
CREATE TABLE refresh_token (id INTEGER NOT NULL PRIMARY KEY, jti VARCHAR(36) NOT NULL, blocked BOOLEAN,
    user_id INTEGER NOT NULL REFERENCES user (id), expire_date FLOAT NOT NULL);
CREATE TABLE access_token (id INTEGER NOT NULL PRIMARY KEY, jti VARCHAR(36) NOT NULL,
    expire_date FLOAT NOT NULL, refresh_token_id INTEGER NOT NULL REFERENCES refresh_token (id));
CREATE TABLE category (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(68));
CREATE TABLE patient (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(68), surname VARCHAR(68),
    _birthday FLOAT, comments TEXT);
CREATE TABLE appointment (id INTEGER NOT NULL PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patient (id), _date FLOAT);
CREATE TABLE measure (id INTEGER NOT NULL PRIMARY KEY, marker VARCHAR(68), value FLOAT, _timestamp FLOAT,
    appointment_id INTEGER NOT NULL REFERENCES appointment (id),
    category_id INTEGER NOT NULL REFERENCES category (id));
CREATE TABLE access_log (id INTEGER NOT NULL PRIMARY KEY, path VARCHAR(128) NOT NULL, method VARCHAR(10),
    username VARCHAR(36) NOT NULL, response_code INTEGER, remote_addr VARCHAR(36), timestamp DATETIME);
"""

# PostgreSQL: the same, with its types; foreign keys are enforced there, so no row refers to a gone one.
POSTGRES_SCHEMA = (
    SQLITE_SCHEMA.replace("CREATE TABLE user ", 'CREATE TABLE "user" ')
    .replace("REFERENCES user ", 'REFERENCES "user" ')
    .replace("INTEGER NOT NULL PRIMARY KEY", "SERIAL PRIMARY KEY")
    .replace("FLOAT", "DOUBLE PRECISION")
    .replace("DATETIME", "TIMESTAMP WITHOUT TIME ZONE")
)

COLUMNS = {
    "user": ("id", "username", "password_hash"),
    "role": ("id", "name"),
    "user_role": ("role_id", "user_id"),
    "category": ("id", "name"),
    "patient": ("id", "name", "surname", "_birthday", "comments"),
    "appointment": ("id", "patient_id", "_date"),
    "measure": ("id", "marker", "value", "_timestamp", "appointment_id", "category_id"),
    "access_log": ("id", "path", "method", "username", "response_code", "remote_addr", "timestamp"),
}


def werkzeug_scrypt(password: str, salt: str = "s4ltS4ltS4ltS4lt", n: int = 2**14) -> str:
    digest = hashlib.scrypt(
        password.encode(), salt=salt.encode(), n=n, r=8, p=1, dklen=64, maxmem=132 * n * 8
    )
    return f"scrypt:{n}:8:1${salt}${digest.hex()}"


def werkzeug_pbkdf2(password: str, salt: str = "pbkdfSaltpbkdfSa", iterations: int = 1000) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2:sha256:{iterations}${salt}${digest.hex()}"


def local_seconds(text: str, zone: str) -> float:
    """What the template stored for a time written without a zone, its server running in `zone`."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp()


@dataclass
class TemplateData:
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, *rows: tuple[Any, ...]) -> TemplateData:
        self.rows.setdefault(table, []).extend(rows)
        return self


def _sqlite_value(value: Any) -> Any:
    """SQLAlchemy's text for a DATETIME on SQLite."""
    return value.isoformat(" ") if isinstance(value, datetime) else value


def write_sqlite(path: Path, data: TemplateData) -> str:
    with sqlite3.connect(path) as connection:
        connection.executescript(SQLITE_SCHEMA)
        connection.execute("INSERT INTO alembic_version VALUES (?)", (REVISION,))
        for table, rows in data.rows.items():
            marks = ", ".join("?" for _ in COLUMNS[table])
            names = ", ".join(f'"{c}"' for c in COLUMNS[table])
            as_text = [tuple(_sqlite_value(value) for value in row) for row in rows]
            connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', as_text)  # noqa: S608
    connection.close()
    return str(path)


async def write_postgres(url: str, data: TemplateData) -> str:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(POSTGRES_SCHEMA)
        await connection.execute("INSERT INTO alembic_version VALUES ($1)", REVISION)
        for table, rows in data.rows.items():
            marks = ", ".join(f"${i}" for i in range(1, len(COLUMNS[table]) + 1))
            names = ", ".join(f'"{c}"' for c in COLUMNS[table])
            await connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608
    finally:
        await connection.close()
    return url
