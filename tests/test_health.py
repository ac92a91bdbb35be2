from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from tortoise import connections

from backend import db
from backend.app import create_app
from backend.config import Settings
from tests.conftest import requires_postgres
from tests.harness import serve_in_process
from tests.tcp_proxy import TcpProxy


async def test_healthz_answers_while_serving(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_readyz_notices_a_wedged_sqlite_connection(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    """Reads skip the worker's aiosqlite connection on SQLite; readiness must not, or a worker whose
    writes are all stuck (a transaction that never ends) would still look ready."""
    if not settings.is_sqlite:
        pytest.skip("SQLite's connection lock; PostgreSQL's pool: test_faults.py")
    lock = connections.get("default")._lock
    async with lock:  # as a transaction that never ends holds it
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert (await client.get("/readyz")).status_code == 200


async def test_readyz_answers_a_bug_with_a_500_not_a_503(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not ready either way, but a 503 would pass for an outage and hide the bug from the logs."""

    async def misconfigured() -> None:
        raise FileNotFoundError(2, "No such file or directory", "/etc/app/ca.pem")

    monkeypatch.setattr(db, "ping", misconfigured)
    response = await client.get("/readyz")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"


async def test_every_response_carries_a_request_id_and_security_headers(client: httpx.AsyncClient) -> None:
    first, second = await client.get("/healthz"), await client.get("/nowhere")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert second.json()["request_id"] == second.headers["x-request-id"]
    for response in (first, second):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "server" not in response.headers


async def test_a_client_cannot_choose_its_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "forged-id"})
    assert response.headers["x-request-id"] != "forged-id"


@requires_postgres
async def test_readyz_is_503_while_postgres_is_unreachable_and_recovers_without_restart(
    settings: Settings,
) -> None:
    target = urlsplit(settings.database_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    proxied = target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}").geturl()
    app = create_app(
        settings.model_copy(update={"database_url": proxied, "db_timeout_seconds": 1.0}), name="outage"
    )
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        assert (await http.get("/readyz")).status_code == 200
        await proxy.cut()
        down = await http.get("/readyz")
        assert down.status_code == 503
        assert down.headers["content-type"] == "application/problem+json"
        assert (await http.get("/healthz")).status_code == 200
        await proxy.start()
        assert (await http.get("/readyz")).status_code == 200
    await proxy.cut()
