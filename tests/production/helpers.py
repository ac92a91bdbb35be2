from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.factories import DEFAULT_PASSWORD


async def request(url: str, method: str, path: str, body: object = None, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return await http.request(method, path, json=body, headers=headers)


async def log_in(url: str, username: str, password: str = DEFAULT_PASSWORD) -> dict[str, Any]:
    response = await request(url, "POST", "/api/v1/auth/login", {"username": username, "password": password})
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def serving_workers(main_pid: int) -> list[int]:
    """`worker_pids`, skipping a child that is gone (a killed worker not yet reaped has no environ)."""
    pids = []
    for child in Path(f"/proc/{main_pid}/task/{main_pid}/children").read_text().split():
        try:
            environment = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
        except (ProcessLookupError, FileNotFoundError):
            continue
        if any(entry.startswith(b"SANIC_WORKER_NAME=Sanic-Server-") for entry in environment):
            pids.append(int(child))
    return pids
