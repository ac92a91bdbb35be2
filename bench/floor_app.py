"""The floor for `core_postgres`' read: the least an authorized nested read can cost on Sanic and
asyncpg, with no ORM, no middleware, no validation and no metrics. Each `GET /patient` runs the three
statements our read cannot do without (issue 15 forbids caching logins unless every host drops
them before a revoking request answers): the login's row by its key, the patient with its
appointment and two measures as one JSON document, and the access-log row, committed before the
response (rows of concurrent requests in one INSERT, as ours). The answer is the database's JSON
text as it comes.

If this app's server CPU per request, in the same pass, is above a target for ours, no change to
ours that keeps the three statements reaches it. It keeps its own tables (`floor_*`), made and
filled at startup in the set's throwaway database.

`python -m bench.floor_app serve --port P --workers W` (DATABASE_URL: a PostgreSQL database)
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace

import asyncpg
from sanic import HTTPResponse, Request, Sanic, json
from sanic.config import Config

from bench.bare_app import serve

LOGIN_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
SCHEMA = """
CREATE TABLE IF NOT EXISTS floor_user (id serial PRIMARY KEY, username text NOT NULL,
    password_change_required boolean NOT NULL DEFAULT false, blocked_at timestamptz);
CREATE TABLE IF NOT EXISTS floor_role (user_id int NOT NULL REFERENCES floor_user, role text NOT NULL);
CREATE TABLE IF NOT EXISTS floor_login (id uuid PRIMARY KEY, user_id int NOT NULL REFERENCES floor_user,
    expires_at timestamptz NOT NULL, revoked_at timestamptz, last_used_at timestamptz, ip text);
CREATE TABLE IF NOT EXISTS floor_patient (id serial PRIMARY KEY, name text NOT NULL, surname text NOT NULL,
    birthday date NOT NULL, comments text NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS floor_appointment (id serial PRIMARY KEY,
    patient_id int NOT NULL REFERENCES floor_patient,
    date timestamptz NOT NULL, comments text NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS floor_measure (id serial PRIMARY KEY,
    appointment_id int NOT NULL REFERENCES floor_appointment,
    category text NOT NULL, value double precision NOT NULL);
CREATE INDEX IF NOT EXISTS floor_appointment_patient ON floor_appointment (patient_id);
CREATE INDEX IF NOT EXISTS floor_measure_appointment ON floor_measure (appointment_id);
CREATE TABLE IF NOT EXISTS floor_log (id bigserial PRIMARY KEY, "timestamp" timestamptz NOT NULL,
    request_id text NOT NULL, method text NOT NULL, path text NOT NULL, query text, status int NOT NULL,
    duration_ms double precision NOT NULL, username text, user_id int, ip text, user_agent text);
CREATE INDEX IF NOT EXISTS floor_log_timestamp ON floor_log ("timestamp");
"""
SEED = """
INSERT INTO floor_user (username) VALUES ('bench-reader');
INSERT INTO floor_role VALUES (1, 'user');
INSERT INTO floor_login (id, user_id, expires_at) VALUES ($1, 1, now() + interval '1 day');
INSERT INTO floor_patient (name, surname, birthday) VALUES ('Ada', 'Lovelace', '1815-12-10');
INSERT INTO floor_appointment (patient_id, date) VALUES (1, now());
INSERT INTO floor_measure (appointment_id, category, value) VALUES (1, 'weight', 61.5), (1, 'height', 1.65);
"""
LOGIN = """SELECT l.expires_at, l.revoked_at, l.last_used_at, l.ip, u.id, u.username,
    u.password_change_required, u.blocked_at, r.role
FROM floor_login l JOIN floor_user u ON u.id = l.user_id LEFT JOIN floor_role r ON r.user_id = u.id
WHERE l.id = $1"""
PATIENT = """SELECT json_build_object('id', p.id, 'name', p.name, 'surname', p.surname,
    'birthday', p.birthday, 'comments', p.comments, 'appointments', COALESCE((
        SELECT json_agg(json_build_object('id', a.id, 'date', a.date, 'comments', a.comments,
            'measures', COALESCE((SELECT json_agg(json_build_object('id', m.id, 'category', m.category,
                'value', m.value) ORDER BY m.id) FROM floor_measure m WHERE m.appointment_id = a.id), '[]')
        ) ORDER BY a.date, a.id) FROM floor_appointment a WHERE a.patient_id = p.id), '[]'))::text
FROM floor_patient p WHERE p.id = $1"""
LOG_COLUMNS = (
    '"timestamp", request_id, method, path, query, status, duration_ms, username, user_id, ip, user_agent'
)


class GroupCommit:
    """Rows of concurrent requests in one INSERT, as ours does (backend/audit/writer.py): each
    request waits for its row's commit; rows that arrive during a write go in the next one."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.queue: asyncio.Queue[tuple[tuple[object, ...], asyncio.Future[None]]] = asyncio.Queue()
        self.task = asyncio.create_task(self._run())

    async def write(self, row: tuple[object, ...]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((row, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty():
                batch.append(self.queue.get_nowait())
            rows = [row for row, _ in batch]
            try:
                await self.pool.execute(*_insert(rows))
            except Exception as error:  # the requests fail with it; the writer goes on
                for _, done in batch:
                    if not done.done():  # a request cancelled (its client gone) no longer waits
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)


def _insert(rows: list[tuple[object, ...]]) -> list[object]:
    width = len(rows[0])
    numbers = iter(range(1, width * len(rows) + 1))
    tuples = ", ".join("(" + ", ".join(f"${next(numbers)}" for _ in range(width)) + ")" for _ in rows)
    sql = f"INSERT INTO floor_log ({LOG_COLUMNS}) VALUES {tuples}"  # noqa: S608 (placeholders only)
    return [sql, *(value for row in rows for value in row)]


async def _prepare_database(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(SCHEMA)
        if not await connection.fetchval("SELECT count(*) FROM floor_user"):
            async with connection.transaction():
                for statement in filter(str.strip, SEED.split(";")):
                    await connection.execute(statement, *([LOGIN_ID] if "$1" in statement else []))
    finally:
        await connection.close()


def create_app() -> Sanic[Config, SimpleNamespace]:
    app = Sanic("bench_floor")
    url = os.environ["DATABASE_URL"]

    @app.before_server_start
    async def connect(app: Sanic[Config, SimpleNamespace]) -> None:
        app.ctx.pool = await asyncpg.create_pool(url, min_size=2, max_size=10)
        app.ctx.log = GroupCommit(await asyncpg.create_pool(url, min_size=1, max_size=1))

    @app.after_server_stop
    async def disconnect(app: Sanic[Config, SimpleNamespace]) -> None:
        await app.ctx.pool.close()

    @app.get("/healthz")
    async def healthz(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    @app.get("/patient")
    async def patient(request: Request) -> HTTPResponse:
        started = datetime.now(UTC)
        async with app.ctx.pool.acquire() as connection:
            login = await connection.fetch(LOGIN, LOGIN_ID)
            if not login or login[0]["revoked_at"] is not None or login[0]["blocked_at"] is not None:
                return json({"title": "Unauthorized"}, status=401)
            body = await connection.fetchval(PATIENT, 1)
        duration = (datetime.now(UTC) - started).total_seconds() * 1000
        await app.ctx.log.write((
            started, str(uuid.uuid4()), "GET", request.path, None, 200, duration,
            login[0]["username"], login[0]["id"], request.ip, request.headers.get("user-agent"),
        ))  # fmt: skip
        return HTTPResponse(body, content_type="application/json")

    return app


def main(argv: Sequence[str] | None = None) -> int:
    asyncio.run(_prepare_database(os.environ["DATABASE_URL"]))
    return serve(create_app, "python -m bench.floor_app", argv)


if __name__ == "__main__":
    sys.exit(main())
