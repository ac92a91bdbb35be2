"""What `make fuzz` (Schemathesis with random seeds and its stateful phase) found, one test each, so
that no seed has to find it again. The seed that found each is in its docstring; a few were
found by hand, probing the same way."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.helpers import assert_problem, caller, raw_http, raw_status


@pytest.mark.parametrize("where", ["query", "header"])
async def test_an_oversized_url_or_header_is_431_not_a_body_too_large(
    client: httpx.AsyncClient, where: str
) -> None:
    """FUZZ_SEED=521580411: a 100 kB query string answered 413 "Request body too large", which no
    operation documents (and a GET has no body)."""
    long = "a" * 9000
    if where == "query":
        response = await client.get("/api/v1/access-log", params={"ip": long})
    else:
        response = await client.get("/api/v1/access-log", headers={"X-Long": long})
    assert_problem(response, 431, "request_header_fields_too_large")


async def test_every_operation_documents_the_431(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    operations = [operation for item in document["paths"].values() for operation in item.values()]
    assert operations
    assert all("431" in operation["responses"] for operation in operations)


@pytest.mark.parametrize("target", [b"/a\x01b", b"/api/v1/patients\x7f", b"/\x00"])
async def test_a_control_byte_in_the_url_is_a_400_not_silence(
    client: httpx.AsyncClient, logs: pytest.LogCaptureFixture, target: bytes
) -> None:
    """Found by hand, probing raw request targets: Sanic answered nothing at all and logged two
    tracebacks per request (backend/compat/sanic_http.py)."""
    answer = await raw_http(str(client.base_url), b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert raw_status(answer) == 400
    assert b"application/problem+json" in answer
    assert not [record for record in logs.records if record.levelno >= logging.ERROR]


async def test_a_query_value_over_its_maximum_is_refused_even_with_spaces_to_strip(
    client: httpx.AsyncClient,
) -> None:
    """FUZZ_SEED=1109429670: `?username=` of 257 characters, the first a form feed, was stripped to
    256 and accepted, although the document says at most 256 (the length is now checked as sent)."""
    admin = await caller(client, "fuzz-admin", ("admin",))
    too_long = "\x0c" + "a" * 256
    response = await client.get("/api/v1/lockouts", params={"username": too_long}, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "username"]
    at_most = " " + "a" * 254 + " "
    response = await client.get("/api/v1/lockouts", params={"username": at_most}, headers=admin.headers)
    assert response.status_code == 200
