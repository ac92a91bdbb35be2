"""Setup steps for scenario sets: run once against the live server, return `$name` placeholder values."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bench import client
from bench.server import ServerError, backend

if TYPE_CHECKING:
    from bench.server import Server

BENCH_USERNAME = "bench-user"


def user_with_token(server: Server) -> Mapping[str, str]:
    """Create a user with the CLI (the server's env, so its BCRYPT_ROUNDS) and log it in once.

    Returns `username`, `password` (hex, so safe inside a JSON string) and `access_token`.
    """
    password = secrets.token_hex(16)
    backend(server.env, "create-admin", "--username", BENCH_USERNAME, "--password", password)
    body = json.dumps({"username": BENCH_USERNAME, "password": password})
    status, answer = client.request(
        server.url,
        "/api/v1/auth/login",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
        timeout=30.0,
    )
    if status != 200:
        raise ServerError(f"setup login answered {status}: {answer[:500]!r}")
    token = json.loads(answer).get("access_token")
    if not isinstance(token, str) or not token:
        raise ServerError(f"setup login answered no access_token: {answer[:500]!r}")
    return {"username": BENCH_USERNAME, "password": password, "access_token": token}
