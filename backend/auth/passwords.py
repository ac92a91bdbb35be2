"""bcrypt, always off the event loop, and behind everything else.

bcrypt reads at most 72 bytes. Rather than truncate (or raise, as bcrypt 5 does), every
password is first condensed with HMAC-SHA256 into 44 base64 bytes, so passwords of any
length and any script are hashed whole.

bcrypt releases the GIL, so hashing in a thread keeps the event loop free. That is not
enough on a small machine: a few logins at cost 12 fill every core, and reads queue
behind them. So hashes run in a small pool of threads (`threads` per worker) that Linux
schedules as SCHED_IDLE, its lowest class: a request woken up takes the core from them at once,
and while the cores are contended they get about 0.3% of a normal thread's share. When CPU is
short, requests are served first and logins wait; when it is not, logins run at full speed.
Where SCHED_IDLE is refused or missing, the threads run at nice 10.

Measured on 2 workers on 2 cores, bcrypt cost 12 (interleaved rounds against nice 10):
- 50 connections reading while 8 log in: the read's p99 rose 1.71x-2.60x at nice 10 and
  0.99x-1.29x at SCHED_IDLE on SQLite (1.08x-2.60x and 0.98x-1.20x on PostgreSQL), and its req/s
  fell by a quarter to a half against next to nothing; logins went from 3.6 to 2.7 a second.
- 200 connections reading, one login at a time: each took 0.8-2.3 s at nice 10 and 0.9-2.9 s at
  SCHED_IDLE on SQLite, 0.6-4.2 s and 2.1-5.8 s on PostgreSQL. The workers wait on their database
  often enough that logins are slowed, not starved; a server whose cores stayed busy without a
  pause would let them through only as it freed time.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import bcrypt

from backend.auth import werkzeug_hashes

_PREHASH_KEY = b"sanic-rest-template/bcrypt-prehash/v1"


def _prehash(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


HASH_THREAD_NICENESS = 10  # where SCHED_IDLE is not to be had


def _lower_thread_priority() -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: this thread
    except (OSError, AttributeError):
        with contextlib.suppress(OSError, AttributeError):  # Linux sets niceness per thread
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_THREAD_NICENESS)


class PasswordHasher:
    def __init__(self, rounds: int = 12, *, threads: int = 2) -> None:
        self.rounds = rounds
        self._executor = ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="bcrypt", initializer=_lower_thread_priority
        )
        # Checked against when a user does not exist, so that both cases cost one hash.
        self._dummy_hash = bcrypt.hashpw(_prehash("no such user"), bcrypt.gensalt(rounds))

    def hash_sync(self, password: str) -> str:
        return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self.rounds)).decode("ascii")

    def verify_sync(self, password: str, password_hash: str | None) -> bool:
        if password_hash is not None and werkzeug_hashes.is_werkzeug_hash(password_hash):
            return werkzeug_hashes.verify(password, password_hash)  # imported from the Flask template
        hashed = password_hash.encode("ascii") if password_hash else self._dummy_hash
        try:
            matches = bcrypt.checkpw(_prehash(password), hashed)
        except ValueError:
            return False
        return matches and password_hash is not None

    @staticmethod
    def needs_rehash(password_hash: str) -> bool:
        """Whether a hash is not ours (a Flask template's), to be replaced at the next login."""
        return werkzeug_hashes.is_werkzeug_hash(password_hash)

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.hash_sync, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        """Check `password`; with no hash (unknown user) do the same work and answer False."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.verify_sync, password, password_hash)
