"""What an error response must never show: tracebacks, file paths, SQL, or the names of the libraries
and versions behind the API (ASVS 16.5.1, 13.4.6)."""

from __future__ import annotations

import re

import httpx

LEAKS = {
    "traceback": re.compile(r"Traceback|File \"|line \d+, in ", re.IGNORECASE),
    "file path": re.compile(r"\.py\b|/(?:work|usr|home|opt|tmp|srv|app|site-packages)/|[A-Z]:\\\\"),
    "sql": re.compile(
        r"\b(?:SELECT|INSERT|UPDATE|DELETE)\b.{0,200}\b(?:FROM|INTO|SET|WHERE)\b|\bsyntax error\b|"
        r"\bno such (?:table|column)\b|\bviolates\b.{0,40}\bconstraint\b",
        re.IGNORECASE | re.DOTALL,
    ),
    "library": re.compile(
        r"\b(?:sanic|tortoise|pydantic|asyncpg|aiosqlite|sqlite3?|postgres(?:ql)?|psycopg2?|orjson|pyjwt|"
        r"bcrypt|uvloop|httptools|hypothesis)\b",
        re.IGNORECASE,
    ),
    "exception class": re.compile(r"\b[A-Z][A-Za-z]+(?:Error|Exception)\b"),
    "version": re.compile(r"\bPython/\d|\bv?\d+\.\d+\.\d+\b"),
}


def leaks_in(text: str) -> list[str]:
    return [name for name, pattern in LEAKS.items() if pattern.search(text)]


def assert_no_leak(response: httpx.Response) -> None:
    """An error response: its body and headers reveal nothing of the server's insides."""
    found = leaks_in(response.text)
    assert not found, f"{response.request.method} {response.request.url.path}: {found} in {response.text!r}"
    for header in ("server", "x-powered-by"):
        value = response.headers.get(header, "")
        assert not leaks_in(value), f"{header}: {value!r}"
