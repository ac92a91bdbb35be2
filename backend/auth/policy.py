"""The password policy: long enough, not too long, not common, not the username.

The common-password list is the one Django ships (20,000 entries, compiled by Royce Williams).
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().casefold() for line in lines if line.strip())


def password_problems(password: str, *, username: str, min_length: int) -> list[str]:
    """What is wrong with `password`, in words a user can act on; empty when it is acceptable."""
    problems = []
    if len(password) < min_length:
        problems.append(f"Password must be at least {min_length} characters long")
    if len(password) > MAX_LENGTH:
        problems.append(f"Password must be at most {MAX_LENGTH} characters long")
    if password.casefold() in common_passwords():
        problems.append("Password is too common")
    if username and password.casefold() == username.casefold():
        problems.append("Password must not be the username")
    return problems
