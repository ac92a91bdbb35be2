from __future__ import annotations

import httpx


async def test_healthz_answers_while_serving(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


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
