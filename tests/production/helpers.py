from __future__ import annotations

from typing import Any

import httpx

from tests.factories import DEFAULT_PASSWORD
from tests.helpers import login


async def request(url: str, method: str, path: str, body: object = None, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return await http.request(method, path, json=body, headers=headers)


async def log_in(url: str, username: str, password: str = DEFAULT_PASSWORD) -> dict[str, Any]:
    """`login` against a server at `url`, on a connection of its own."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        return await login(http, username, password)
