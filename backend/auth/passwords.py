"""bcrypt, always off the event loop.

bcrypt reads at most 72 bytes. Rather than truncate (or raise, as bcrypt 5 does), every
password is first condensed with HMAC-SHA256 into 44 base64 bytes, so passwords of any
length and any script are hashed whole. bcrypt releases the GIL, so running it in a
thread keeps other requests moving during a login storm.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac

import bcrypt

_PREHASH_KEY = b"sanic-rest-template/bcrypt-prehash/v1"


def _prehash(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


class PasswordHasher:
    def __init__(self, rounds: int = 12) -> None:
        self.rounds = rounds
        # Checked against when a user does not exist, so that both cases cost one hash.
        self._dummy_hash = bcrypt.hashpw(_prehash("no such user"), bcrypt.gensalt(rounds))

    def hash_sync(self, password: str) -> str:
        return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self.rounds)).decode("ascii")

    def verify_sync(self, password: str, password_hash: str | None) -> bool:
        hashed = password_hash.encode("ascii") if password_hash else self._dummy_hash
        try:
            matches = bcrypt.checkpw(_prehash(password), hashed)
        except ValueError:
            return False
        return matches and password_hash is not None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self.hash_sync, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        """Check `password`; with no hash (unknown user) do the same work and answer False."""
        return await asyncio.to_thread(self.verify_sync, password, password_hash)
