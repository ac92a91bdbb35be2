"""A one-off plain HTTP request to the server under test (loopback http only)."""

from __future__ import annotations

import http.client
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bench.scenarios import Scenario


def request(
    base_url: str,
    path: str,
    *,
    method: str = "GET",
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
) -> tuple[int, bytes]:
    """The status and body `method path` answers; raises OSError when the server does not answer at all."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname is None:
        raise ValueError(f"expected an http:// base URL, got {base_url!r}")
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request(
            method, path, body=body.encode() if body is not None else None, headers=dict(headers or {})
        )
        response = connection.getresponse()
        return int(response.status), response.read()
    finally:
        connection.close()


def status(
    base_url: str,
    path: str,
    *,
    method: str = "GET",
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
) -> int:
    """The status `method path` answers; raises OSError when the server does not answer at all."""
    code, _ = request(base_url, path, method=method, body=body, headers=headers, timeout=timeout)
    return code


def scenario_status(base_url: str, scenario: Scenario) -> tuple[int, float]:
    """The status the server answers `scenario` with, from one request before measuring, and its seconds."""
    started = time.perf_counter()
    code = status(
        base_url,
        scenario.path,
        method=scenario.method,
        body=scenario.body,
        headers=scenario.headers,
        timeout=max(5.0, scenario.timeout_seconds or 0.0),
    )
    return code, time.perf_counter() - started
