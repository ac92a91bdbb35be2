"""API keys, pure: making one, reading one back, and its keyed hash. No database.

A key reads `srt_<public id>_<secret>`: `srt_` tells it from a JWT (which starts `eyJ`) without
trying both; `srt_<public id>` is its `prefix`, stored in clear and unique, by which the key's row
is found; the whole key is stored only as HMAC-SHA256 under a key derived from SECRET_KEY, and
compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX = "srt_"
PUBLIC_ID_BYTES = 8  # 16 hex digits
SECRET_BYTES = 32  # 43 base64url characters
KEY_PATTERN = re.compile(r"srt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
DERIVATION_LABEL = b"sanic-rest-template api-key hash v1"


def is_api_key(token: str) -> bool:
    """Whether a Bearer token claims to be an API key (and so is never decoded as a JWT)."""
    return token.startswith(PREFIX)


@dataclass(frozen=True)
class NewKey:
    key: str  # shown to its owner once
    prefix: str


def generate() -> NewKey:
    public_id = secrets.token_hex(PUBLIC_ID_BYTES)
    key = f"{PREFIX}{public_id}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return NewKey(key=key, prefix=f"{PREFIX}{public_id}")


def prefix_of(key: str) -> str | None:
    """The key's prefix, or None when the text cannot be a key of ours (wrong shape, length, characters)."""
    match = KEY_PATTERN.fullmatch(key) if key.isascii() else None
    return f"{PREFIX}{match.group(1)}" if match else None


class KeyHasher:
    """HMAC-SHA256 of keys under a key derived from the application's SECRET_KEY: a stolen database
    alone does not let anyone check guesses, and changing SECRET_KEY invalidates every key."""

    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), DERIVATION_LABEL, hashlib.sha256).digest()

    def digest(self, key: str) -> str:
        return hmac.new(self._key, key.encode(), hashlib.sha256).hexdigest()

    def matches(self, key: str, stored: str) -> bool:
        return hmac.compare_digest(self.digest(key), stored)
