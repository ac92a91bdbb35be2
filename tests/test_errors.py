"""The error layer: every failure a client can cause is a problem+json body that says what was wrong,
and a failure on the server is told apart: the database out of reach (503, retry) or a bug (500,
its traceback logged)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import Field
from sanic import Blueprint, HTTPResponse, Request, Sanic
from tortoise import connections

from backend.api import RequestModel, ResponseModel, body, json_response
from backend.app import create_app
from backend.config import Settings
from backend.errors import PROBLEM_JSON
from backend.patients.models import Category
from tests.conftest import requires_postgres
from tests.factories import make_user
from tests.harness import serve_in_process
from tests.helpers import assert_problem, bearer, login
from tests.tcp_proxy import TcpProxy


class EchoIn(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=10)]
    count: Annotated[int, Field(ge=0)] = 0


class EchoOut(ResponseModel):
    name: str
    count: int


def echo_blueprint() -> Blueprint:
    bp = Blueprint("echo", url_prefix="/api/v1/echo")

    @bp.post("/")
    @body(EchoIn)
    async def echo(request: Request, body: EchoIn) -> HTTPResponse:
        return json_response(EchoOut(name=body.name, count=body.count))

    @bp.get("/boom")
    async def boom(request: Request) -> HTTPResponse:
        raise RuntimeError("secret detail /etc/passwd SELECT * FROM user")

    @bp.get("/bug/<kind:str>")
    async def bug(request: Request, kind: str) -> HTTPResponse:
        await BUGS[kind]()
        return json_response(EchoOut(name=kind, count=0))

    return bp


async def read_a_missing_file() -> None:
    await asyncio.to_thread(Path("/nonexistent/settings.toml").read_text)


async def refused_permission() -> None:
    raise PermissionError(13, "Permission denied", "/srv/secrets/key.pem")


async def wait_past_a_deadline_of_its_own() -> None:
    await asyncio.wait_for(asyncio.Event().wait(), timeout=0)


async def get_a_row_that_is_not_there() -> None:
    await Category.get(id=0)  # DoesNotExist, a Tortoise OperationalError: the handler forgot its 404


BUGS: dict[str, Callable[[], Awaitable[None]]] = {
    "file-not-found": read_a_missing_file,
    "permission": refused_permission,
    "timeout": wait_past_a_deadline_of_its_own,
    "does-not-exist": get_a_row_that_is_not_there,
}


@pytest.fixture
async def echo(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    app.blueprint(echo_blueprint())
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def test_valid_body_is_parsed(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/api/v1/echo", json={"name": " ann ", "count": 2})
    assert response.status_code == 200
    assert response.json() == {"name": "ann", "count": 2}


async def test_unknown_route_is_404(echo: httpx.AsyncClient) -> None:
    assert_problem(await echo.get("/api/v1/nothing-here"), 404, "not_found")


async def test_wrong_method_is_405(echo: httpx.AsyncClient) -> None:
    assert_problem(await echo.delete("/api/v1/echo"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "content",
    [b'{"name": "a",', b"\xff\xfe{}", b"", b"[" * 5000 + b"]" * 5000],
    ids=["truncated", "invalid-utf8", "empty", "deeply-nested"],
)
async def test_malformed_json_is_400(echo: httpx.AsyncClient, content: bytes) -> None:
    response = await echo.post("/api/v1/echo", content=content, headers={"content-type": "application/json"})
    assert_problem(response, 400, "malformed_request")


async def test_wrong_content_type_is_415(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/api/v1/echo", content=b"name=a", headers={"content-type": "text/plain"})
    assert_problem(response, 415, "unsupported_media_type")


async def test_schema_violation_is_422_naming_the_fields_without_echoing_values(
    echo: httpx.AsyncClient,
) -> None:
    response = await echo.post("/api/v1/echo", json={"name": "x" * 11, "count": -1})
    problem = assert_problem(response, 422, "validation_failed")
    errors = problem["errors"]
    assert isinstance(errors, list)
    assert {tuple(error["loc"]) for error in errors} == {("body", "name"), ("body", "count")}
    assert all(set(error) == {"loc", "msg", "type"} for error in errors)
    assert "xxxxxxxxxxx" not in response.text
    assert "pydantic" not in response.text


async def test_unknown_fields_are_rejected(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/api/v1/echo", json={"name": "a", "is_admin": True})
    problem = assert_problem(response, 422, "validation_failed")
    assert problem["errors"] == [
        {"loc": ["body", "is_admin"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]


async def test_a_json_array_is_not_an_object(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/api/v1/echo", json=[1, 2])
    assert_problem(response, 422, "validation_failed")


async def test_oversized_body_is_413(echo: httpx.AsyncClient, app: Sanic) -> None:
    too_big = b'{"name": "' + b"a" * app.ctx.settings.max_body_bytes + b'"}'
    response = await echo.post("/api/v1/echo", content=too_big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_bug_is_500_without_internals(echo: httpx.AsyncClient) -> None:
    response = await echo.get("/api/v1/echo/boom")
    assert_problem(response, 500, "internal_error")
    for leak in ("Traceback", "RuntimeError", "/etc/passwd", "SELECT", ".py"):
        assert leak not in response.text


def assert_logged_once_with_traceback(logs: pytest.LogCaptureFixture, request_id: str) -> logging.LogRecord:
    """The bug is logged once, as an error naming the request, with its traceback; Sanic adds nothing."""
    tracebacks = [record for record in logs.records if record.exc_info]
    assert len(tracebacks) == 1, [record.getMessage() for record in tracebacks]
    (record,) = tracebacks
    assert record.levelno == logging.ERROR
    assert request_id in record.getMessage()
    assert not [r.getMessage() for r in logs.records if "unavailable" in r.getMessage()]
    return record


@pytest.mark.parametrize("kind", list(BUGS))
async def test_an_error_from_the_code_is_a_bug_not_an_outage(
    echo: httpx.AsyncClient, logs: pytest.LogCaptureFixture, kind: str
) -> None:
    """A file not found, a permission refused, a timeout of the code's own, a row the handler assumed:
    500, and the traceback in the log; never 503 "retry", which would hide the bug behind retries."""
    response = await echo.get(f"/api/v1/echo/bug/{kind}")
    assert_problem(response, 500, "internal_error")
    assert "retry-after" not in response.headers
    assert_logged_once_with_traceback(logs, response.headers["x-request-id"])


PATIENTS = "/api/v1/patients"
PATIENT = {"name": "Harald", "surname": "Meier"}
# An insert, since SQLite reads a quoted name it cannot find in a SELECT as a string ("surname").
SCHEMA_DRIFT = {
    "missing-table": (
        "ALTER TABLE patient RENAME TO patient_away",
        "ALTER TABLE patient_away RENAME TO patient",
    ),
    "missing-column": (
        "ALTER TABLE patient RENAME COLUMN surname TO surname_away",
        "ALTER TABLE patient RENAME COLUMN surname_away TO surname",
    ),
}


@pytest.mark.parametrize("drift", list(SCHEMA_DRIFT))
async def test_a_missing_table_or_column_is_a_bug_not_an_outage(
    client: httpx.AsyncClient, logs: pytest.LogCaptureFixture, drift: str
) -> None:
    """A migration not applied: a real route's query fails on every request, however often it is
    retried. 500 without the SQL, and the database's error in the logged traceback."""
    await make_user("nurse", roles=("user",))
    nurse = bearer((await login(client, "nurse"))["access_token"])
    away, back = SCHEMA_DRIFT[drift]
    connection = connections.get("default")
    await connection.execute_script(away)
    try:
        logs.clear()
        response = await client.post(PATIENTS, json=PATIENT, headers=nurse)
    finally:
        await connection.execute_script(back)
    assert_problem(response, 500, "internal_error")
    for leak in ("SELECT", "patient", "surname", "no such", "does not exist"):
        assert leak not in response.text
    record = assert_logged_once_with_traceback(logs, response.headers["x-request-id"])
    assert record.exc_info is not None
    assert type(record.exc_info[1]).__name__ == "OperationalError"
    assert (await client.post(PATIENTS, json=PATIENT, headers=nurse)).status_code == 201


def assert_logged_as_an_outage(logs: pytest.LogCaptureFixture, request_id: str) -> None:
    """One warning line naming the request, without a traceback, from us or Sanic: an outage is not a
    bug to debug. (asyncpg's pool logs its own retries to reconnect.)"""
    ours = [record for record in logs.records if record.name.split(".")[0] in {"backend", "sanic"}]
    mentions = [record for record in ours if request_id in record.getMessage()]
    assert [(record.levelno, "unavailable" in record.getMessage()) for record in mentions] == [
        (logging.WARNING, True)
    ]
    assert not [record.getMessage() for record in ours if record.exc_info or record.levelno >= logging.ERROR]


async def test_sqlite_still_locked_past_its_busy_timeout_is_503(
    settings: Settings, logs: pytest.LogCaptureFixture
) -> None:
    """Another process holds SQLite's write lock longer than DB_TIMEOUT_SECONDS: 503 with Retry-After."""
    if not settings.is_sqlite:
        pytest.skip("SQLite's write lock; PostgreSQL: the test below")
    quick = settings.model_copy(update={"db_timeout_seconds": 0.05, "access_log_mode": "off"})
    app = create_app(quick, name="sqlite_locked")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        await make_user("nurse", roles=("user",))
        nurse = bearer((await login(http, "nurse"))["access_token"])
        other = sqlite3.connect(quick.database_url.removeprefix("sqlite://"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            logs.clear()
            response = await http.post(PATIENTS, json=PATIENT, headers=nurse)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert_problem(response, 503, "service_unavailable")
        assert response.headers["retry-after"] == "1"
        assert_logged_as_an_outage(logs, response.headers["x-request-id"])
        after = await http.post(PATIENTS, json=PATIENT, headers=nurse)
        assert after.status_code == 201


@requires_postgres
async def test_postgres_out_of_reach_is_503(settings: Settings, logs: pytest.LogCaptureFixture) -> None:
    target = urlsplit(settings.database_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    proxied = target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()
    quick = settings.model_copy(
        update={"database_url": proxied, "db_timeout_seconds": 1.0, "access_log_mode": "off"}
    )
    app = create_app(quick, name="postgres_cut")
    try:
        async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
            await make_user("nurse", roles=("user",))
            nurse = bearer((await login(http, "nurse"))["access_token"])
            await proxy.cut()
            logs.clear()
            response = await http.get(PATIENTS, headers=nurse)
            assert_problem(response, 503, "service_unavailable")
            assert response.headers["retry-after"] == "1"
            assert_logged_as_an_outage(logs, response.headers["x-request-id"])
            await proxy.start()
            assert (await http.get(PATIENTS, headers=nurse)).status_code == 200
    finally:
        await proxy.cut()
