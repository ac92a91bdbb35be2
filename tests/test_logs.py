"""LOG_FORMAT=json: every line one JSON object, from our loggers and Sanic's; the readable line stays
the default. Assertions are on what is written, never on which handlers are attached (pytest's
caplog adds its own)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import uuid
from contextlib import redirect_stderr
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from backend.app import create_app
from backend.config import Settings
from backend.logs import JsonFormatter
from tests.factories import make_user
from tests.harness import (
    json_lines,
    live_server,
    serve_in_process,
    server_env,
    stop,
    wait_for_log,
    worker_pids,
)

FIELDS = {"time", "level", "logger", "message", "pid"}


def assert_well_formed(entry: dict[str, Any]) -> None:
    assert entry.keys() >= FIELDS, entry
    assert entry["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
    when = datetime.fromisoformat(entry["time"])
    assert when.utcoffset() == timedelta(0), entry["time"]
    assert isinstance(entry["pid"], int)
    assert "\x1b" not in entry["message"], "no terminal colours"


def failing_blueprint() -> Blueprint:
    bp = Blueprint(f"failing_{uuid.uuid4().hex}", url_prefix="/failing")

    @bp.get("/")
    async def fail(request: Request) -> HTTPResponse:
        raise RuntimeError("the bug under test")

    return bp


async def get_failing(settings: Settings) -> tuple[httpx.Response, str]:
    """A request to a handler that raises, on an app created here; what it wrote to stderr."""
    with redirect_stderr(io.StringIO()) as stderr:  # not in a fixture: pytest resets sys.stderr after those
        app = create_app(settings, name=f"logs_{uuid.uuid4().hex}")
        app.blueprint(failing_blueprint())
        async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/failing/")
    return response, stderr.getvalue()


async def test_a_bug_is_one_json_line_with_its_request_id_and_traceback(settings: Settings) -> None:
    response, stderr = await get_failing(settings.model_copy(update={"log_format": "json"}))

    assert response.status_code == 500
    entries = json_lines(stderr)
    for entry in entries:
        assert_well_formed(entry)
    [bug] = [entry for entry in entries if "exception" in entry]
    assert bug["level"] == "ERROR"
    assert bug["logger"] == "backend.errors"
    assert bug["request_id"] == response.headers["x-request-id"]
    assert bug["pid"] == os.getpid()
    assert bug["exception"].startswith("Traceback (most recent call last):")
    assert bug["exception"].rstrip().endswith("RuntimeError: the bug under test")
    assert "in fail" in bug["exception"], "the frames, not only the last line"


async def test_the_readable_line_stays_the_default(settings: Settings) -> None:
    assert Settings().log_format == "text"
    response, text = await get_failing(settings)

    request_id = response.headers["x-request-id"]
    line = re.compile(
        rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d,\d{{3}} ERROR backend\.errors \[{os.getpid()}\]: "
        rf"request {request_id}: unhandled RuntimeError$",
        re.MULTILINE,
    )
    assert line.search(text), text
    assert "RuntimeError: the bug under test" in text
    assert not [raw for raw in text.splitlines() if raw.startswith("{")]


def test_other_log_formats_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="log_format"):
        Settings()


def test_fields_passed_with_a_record_are_kept_as_sanics_access_lines_pass_theirs() -> None:
    record = logging.getLogger("sanic.access").makeRecord(
        "sanic.access",
        logging.INFO,
        __file__,
        1,
        "",
        (),
        None,
        extra={"status": 200, "byte": 17, "host": "127.0.0.1:5000", "request": "GET /healthz"},
    )
    entry = json.loads(JsonFormatter().format(record))

    assert_well_formed(entry)
    assert entry["logger"] == "sanic.access"
    assert (entry["status"], entry["request"], entry["host"]) == (200, "GET /healthz", "127.0.0.1:5000")
    assert "request_id" not in entry, "outside a request"


@pytest.mark.live
@pytest.mark.usefixtures("db")
async def test_a_served_process_writes_only_json_lines_from_every_process(
    settings: Settings, tmp_path: Path
) -> None:
    """`serve` with two workers and the scheduler: Sanic's lines, ours, a request's warning with
    its request id, all JSON, each naming its process."""
    await make_user("alice")
    env = {**server_env(settings), "LOG_FORMAT": "json", "TRUSTED_PROXIES": "127.0.0.1"}
    log = tmp_path / "server.log"
    with live_server(env, workers=2, log=log) as (url, process):
        # Both workers up: one still starting when SIGTERM comes dies with Python's own traceback.
        wait_for_log(log, process, lambda text: text.count('"Worker ready') == 2)
        workers = set(worker_pids(process.pid))
        async with httpx.AsyncClient(base_url=url) as http:
            for n in range(3):  # one username guessed from 3 addresses: a security warning
                body = {"username": "alice", "password": "not her password"}
                answer = await http.post(
                    "/api/v1/auth/login", json=body, headers={"X-Forwarded-For": f"198.51.100.{n}"}
                )
                assert answer.status_code == 401
        stop(process)
    assert process.returncode == 0

    entries = json_lines(log.read_text())
    for entry in entries:
        assert_well_formed(entry)
    loggers = {entry["logger"] for entry in entries}
    assert {"backend.cli", "backend.jobs", "sanic.server", "sanic.root"} <= loggers, loggers
    started = {entry["pid"] for entry in entries if entry["message"].startswith("Worker ready")}
    assert started == workers
    assert {entry["worker"] for entry in entries if entry["pid"] in workers} == {
        "Sanic-Server-0-0",
        "Sanic-Server-1-0",
    }
    [warning] = [entry for entry in entries if entry["message"].startswith("security:")]
    assert warning["level"] == "WARNING"
    assert warning["logger"] == "backend.auth"
    assert warning["request_id"] == answer.headers["x-request-id"]
    assert warning["pid"] in workers
    assert entries[-1]["message"] == "Server Stopped"
