"""ASVS 5.0 chapter V16, security logging and error handling: what is logged cannot forge log lines,
security events are recorded, and errors tell the client nothing about the server's insides."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.helpers import Caller, raw_http, raw_status
from tests.security.conftest import ERROR_BODIES_SCANNED
from tests.security.leaks import leaks_in

FORGED = "2026-01-01T00:00:00Z,forged,GET,/api/v1/users,,200"


async def export_rows(client: httpx.AsyncClient, admin: Caller) -> tuple[str, list[list[str]]]:
    response = await client.get("/api/v1/access-log/export", headers=admin.headers)
    assert response.status_code == 200
    return response.text, list(csv.reader(io.StringIO(response.text)))


async def test_cr_lf_and_escapes_cannot_forge_access_log_lines(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    """ASVS 16.4.1: a login attempt with CR/LF, ANSI escapes and a formula in the username, and a
    request whose User-Agent holds escapes, each stay one line of the CSV export, their control
    characters written as \\xNN."""
    for username in (f"evil\r\n{FORGED}", "\x1b[2J\x1b[31mred", '=HYPERLINK("http://x")'):
        await client.post("/api/v1/auth/login", json={"username": username, "password": "whatever 123"})
    agent = b"bot\x1b[2J\x1b]0;title\x07 " + FORGED.encode()
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: " + agent + b"\r\nConnection: close\r\n\r\n"
    assert raw_status(await raw_http(str(client.base_url), request)) == 200
    text, rows = await export_rows(client, admin)
    lines = text.splitlines()
    assert len(lines) == len(rows), "a cell spans lines"
    assert not any(line.startswith(FORGED[:20]) for line in lines)
    assert "\x1b" not in text
    assert "\r" not in text.replace("\r\n", "\n")
    assert any("\\x1b[2J" in cell for row in rows for cell in row)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


async def test_spoofed_request_ids_cannot_carry_escapes_into_the_logs(client: httpx.AsyncClient) -> None:
    """ASVS 16.4.1: the request id, written in every server log line, is never the client's text."""
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: \x1b[31mforged\r\nConnection: close\r\n\r\n"
    answer = await raw_http(str(client.base_url), request)
    assert b"forged" not in answer
    assert b"\x1b" not in answer


async def test_authentication_and_authorization_failures_are_recorded(
    client: httpx.AsyncClient, admin: Caller, user: Caller
) -> None:
    """ASVS 16.3.1, 16.3.2: every login (who, and whether it worked) and every refused request (who,
    what, which status) is in the access log."""
    await client.post(
        "/api/v1/auth/login", json={"username": user.username.upper(), "password": "wrong password"}
    )
    await client.get("/api/v1/users", headers=user.headers)
    await client.get("/api/v1/patients", headers={"Authorization": "Bearer forged"})
    rows = (await client.get("/api/v1/access-log?per_page=100", headers=admin.headers)).json()["items"]
    logins = [row["event"] for row in rows if row["event"] and row["event"]["action"] == "auth.login"]
    assert {"action": "auth.login", "username": user.username, "succeeded": False} in logins
    assert {"action": "auth.login", "username": user.username, "succeeded": True} in logins
    refused = {(row["path"], row["status"], row["username"]) for row in rows}
    assert ("/api/v1/users", 403, user.username) in refused
    assert ("/api/v1/patients", 401, None) in refused


@pytest.mark.parametrize(
    "body",
    [
        'Traceback (most recent call last):\n  File "/app/backend/api.py", line 3, in parse',
        "sqlite3.OperationalError: no such column: x",
        'duplicate key value violates unique constraint "user_username_key"',
        "tortoise.exceptions.IntegrityError",
        "Sanic/25.12.0",
        "pydantic_core._pydantic_core.ValidationError",
        "SELECT * FROM patient WHERE id = 1",
    ],
)
def test_the_leak_scanner_sees_leaks(body: str) -> None:
    """The control for every error body the suite scans (conftest.scan_errors): it does see leaks."""
    assert leaks_in(body)


async def test_errors_are_generic_problems(client: httpx.AsyncClient, user: Caller) -> None:
    """ASVS 16.5.1: a sweep of every kind of error the API answers; each body is scanned for traces,
    SQL, paths and library names by the client's hook, and each is a problem with a generic detail."""
    before = len(ERROR_BODIES_SCANNED)
    json_headers = {**user.headers, "content-type": "application/json"}
    responses = [
        await client.post("/api/v1/patients", content=b"{", headers=json_headers),
        await client.get("/api/v1/patients"),
        await client.get("/api/v1/users", headers=user.headers),
        await client.get("/api/v1/patients/999", headers=user.headers),
        await client.get("/api/v1/nothing"),
        await client.delete("/api/v1/patients", headers=user.headers),
        await client.post("/api/v1/patients", content=b"x", headers=user.headers),
        await client.post("/api/v1/patients", json={"name": 1}, headers=user.headers),
        await client.get("/api/v1/patients?sort=nope", headers=user.headers),
        await client.get("/api/v1/patients/99999999999", headers=user.headers),
        await client.post("/api/v1/auth/refresh", json={"refresh_token": "x.y.z"}),
    ]
    assert [r.status_code for r in responses] == [400, 401, 403, 404, 404, 405, 415, 422, 422, 404, 401]
    assert len(ERROR_BODIES_SCANNED) - before == len(responses)
    for response in responses:
        body = response.json()
        assert set(body) <= {"type", "title", "status", "detail", "code", "request_id", "errors"}
        assert body["request_id"] == response.headers["x-request-id"]
