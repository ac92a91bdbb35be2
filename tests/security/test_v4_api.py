"""ASVS 5.0 chapter V4, API and web service: framing, methods, content types, body limits and the
headers that only a trusted proxy may set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from ipaddress import ip_network

import httpx
import pytest

from backend.config import Settings
from tests.helpers import Caller, raw_http, raw_status
from tests.security.conftest import serving

PROBLEM = "application/problem+json"
SPOOFING_HEADERS = {
    "X-Forwarded-For": "203.0.113.9",
    "Forwarded": "for=203.0.113.9",
    "X-Envoy-External-Address": "203.0.113.9",
    "X-Real-IP": "203.0.113.9",
    "X-Request-ID": "forged-request-id",
}


async def test_every_response_declares_its_content_type(client: httpx.AsyncClient, user: Caller) -> None:
    """ASVS 4.1.1: JSON is application/json, every error application/problem+json, whatever raised it."""
    answers = {
        "ok": await client.get("/api/v1/patients", headers=user.headers),
        "400": await client.post(
            "/api/v1/patients", content=b"{", headers={**user.headers, "content-type": "application/json"}
        ),
        "401": await client.get("/api/v1/patients"),
        "403": await client.get("/api/v1/users", headers=user.headers),
        "404": await client.get("/api/v1/no-such-thing"),
        "405": await client.put("/api/v1/patients", headers=user.headers),
        "415": await client.post("/api/v1/patients", content=b"x", headers=user.headers),
        "422": await client.post("/api/v1/patients", json={}, headers=user.headers),
    }
    assert answers.pop("ok").headers["content-type"] == "application/json"
    for status, response in answers.items():
        assert str(response.status_code) == status
        assert response.headers["content-type"] == PROBLEM, status
        assert response.json()["status"] == response.status_code


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "CONNECT", "FOO"])
async def test_unsupported_methods_are_refused(client: httpx.AsyncClient, user: Caller, method: str) -> None:
    """ASVS 4.1.4: only the methods a route declares are served; TRACE never echoes the request."""
    response = await client.request(method, "/api/v1/patients", headers=user.headers)
    assert response.status_code in {400, 405}
    assert user.access_token not in response.text


async def test_conflicting_framing_is_refused(client: httpx.AsyncClient) -> None:
    """ASVS 4.2.1: a body framed both by Content-Length and Transfer-Encoding (request smuggling), or by
    two different lengths, is refused rather than guessed at."""
    base = str(client.base_url)
    both = (
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"0\r\n\r\nGET /api/v1/users HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    twice = (
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{}"
    )
    for request in (both, twice):
        answer = await raw_http(base, request)
        assert raw_status(answer) == 400, answer[:200]
        assert answer.count(b"HTTP/1.1 ") == 1, "a second, smuggled request was served"


async def test_an_oversized_body_is_413_problem_json(settings: Settings) -> None:
    """ASVS 4.2.1, 15.2.2: MAX_BODY_BYTES bounds every body, whether its length is announced or chunked."""
    async with serving(settings, max_body_bytes=4096) as client:
        announced = await client.post(
            "/api/v1/auth/login", content=b"x" * 5000, headers={"content-type": "application/json"}
        )

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b"x" * 1000

        chunked = await client.post(
            "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
        )
        small = await client.post(
            "/api/v1/auth/login", content=b"x" * 3000, headers={"content-type": "application/json"}
        )
    for response in (announced, chunked):
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "payload_too_large"
    assert small.status_code == 400  # under the limit: parsed, and refused as the garbage it is


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "text/json",
    ],
)
async def test_a_body_that_is_not_json_is_415(client: httpx.AsyncClient, content_type: str | None) -> None:
    """ASVS 4.1.1 (and 1.5.3: one parser, JSON, for every body): other media types are not guessed at."""
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(
        "/api/v1/auth/login", content=b'{"username": "a", "password": "b"}', headers=headers
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


async def test_spoofed_forwarding_headers_from_an_untrusted_peer_are_ignored(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    """ASVS 4.1.3: without TRUSTED_PROXIES, X-Forwarded-For and its kin cannot change the address the
    access log and the login list record, and X-Request-ID cannot be chosen by the client."""
    response = await client.get("/api/v1/auth/me/tokens", headers={**admin.headers, **SPOOFING_HEADERS})
    assert response.headers["x-request-id"] != "forged-request-id"
    assert [login["ip"] for login in response.json()["items"]] == ["127.0.0.1"]
    rows = (await client.get("/api/v1/access-log", headers=admin.headers)).json()["items"]
    spoofed = next(row for row in rows if row["request_id"] == response.headers["x-request-id"])
    assert spoofed["ip"] == "127.0.0.1"
    assert all(row["ip"] == "127.0.0.1" for row in rows)


async def test_rotating_x_forwarded_for_does_not_evade_throttling(settings: Settings) -> None:
    """ASVS 4.1.3, 6.3.1: an attacker sending a new X-Forwarded-For with every guess is one address."""
    async with serving(settings, login_failures_per_ip=3, login_failures_per_username=100) as client:
        statuses = [
            (
                await client.post(
                    "/api/v1/auth/login",
                    json={"username": f"guess-{n}", "password": "wrong password"},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"},
                )
            ).status_code
            for n in range(4)
        ]
    assert statuses == [401, 401, 401, 429]


async def test_the_control_a_trusted_proxy_is_believed(settings: Settings) -> None:
    """The control for the two tests above: behind a trusted proxy the same headers are honoured."""
    async with serving(settings, trusted_proxies=[ip_network("127.0.0.1/32")]) as client:
        response = await client.get("/healthz", headers=SPOOFING_HEADERS)
    assert response.headers["x-request-id"] == "forged-request-id"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/patients", "GET, POST"),
        ("/api/v1/patients/1", "GET, PATCH, DELETE"),
        ("/api/v1/users/1/tokens", "GET, DELETE"),
    ],
)
async def test_405_names_the_allowed_methods(client: httpx.AsyncClient, path: str, allowed: str) -> None:
    """ASVS 4.1.4 (RFC 9110): a 405 carries Allow, on paths with ids too (Schemathesis found it missing)."""
    response = await client.request("TRACE", path)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == set(allowed.split(", "))
