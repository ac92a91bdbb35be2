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

That class yields to every process on the host, not only to this server's requests: a backup or
a report pinning the cores would hold logins back for minutes (a 0.5 s hash under six busy
processes on 2 cores did not end in two minutes). So a hash still waiting after a second is
rescued when, over its whole wait, the idle threads got less than 5% of a core and this whole
process less than half of one: the cores went to other processes. It runs again on a thread of
normal priority, the first answer counts, and a run that has not started by then is skipped.
Linux lets no unprivileged thread leave SCHED_IDLE, hence a second pool rather than a change of
class. Rescues are counted in `auth_password_hashes_rescued_total`.

Under this worker's own read flood the idle threads are often starved for a moment, but over a
second they get a fair part of a core. Two earlier rules judged 0.25 s windows: on the idle
threads alone they rescued about every login (the reads' p99 beside logins 7.2x their p99 alone);
with the process's own share added, a few still on PostgreSQL, where the worker shares the cores
with its database (2 of 31 logins in a 10 s flood; the bench's p99 beside logins was 4.4x with that
rule). Judged over the whole wait: none in four 10 s floods, two on each database; 1.67x in the bench.

Measured on 2 workers on 2 cores, bcrypt cost 12 (interleaved rounds against nice 10):
- 50 connections reading while 8 log in: the read's p99 rose 1.71x-2.60x at nice 10 and
  0.99x-1.29x at SCHED_IDLE on SQLite (1.08x-2.60x and 0.98x-1.20x on PostgreSQL), and its req/s
  fell by a quarter to a half against next to nothing; logins went from 3.6 to 2.7 a second.
- 200 connections reading, one login at a time: each took 0.8-2.3 s at nice 10 and 0.9-2.9 s at
  SCHED_IDLE on SQLite, 0.6-4.2 s and 2.1-5.8 s on PostgreSQL: the workers wait on their database
  often enough that the idle threads are slowed, not starved.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

import bcrypt

from backend import metrics
from backend.auth import werkzeug_hashes

P = ParamSpec("P")
R = TypeVar("R")

_PREHASH_KEY = b"sanic-rest-template/bcrypt-prehash/v1"


def _prehash(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


HASH_THREAD_NICENESS = 10  # where SCHED_IDLE is not to be had
# A hash still waiting after RESCUE_AFTER_SECONDS is rescued if, over its whole wait, the idle threads
# got less than STARVED_SHARE of a core and this whole process less than BUSY_SHARE of one: the cores
# went to other processes. Checked every CHECK_EVERY_SECONDS.
RESCUE_AFTER_SECONDS = 1.0
CHECK_EVERY_SECONDS = 0.25
STARVED_SHARE = 0.05
BUSY_SHARE = 0.5


def _lower_thread_priority() -> None:
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: this thread
    except (OSError, AttributeError):
        with contextlib.suppress(OSError, AttributeError):  # Linux sets niceness per thread
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_THREAD_NICENESS)


class _IdleThreads(Executor):
    """`count` threads at the lowest priority, started at first use, whose CPU time the loop reads.

    Daemons, unlike a ThreadPoolExecutor's: a process that exits abandons a starved run (its
    rescue answered it long ago) rather than wait minutes for it."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]] = queue.SimpleQueue()
        self._clocks: list[int] = []
        self._threads: list[threading.Thread] = []
        self._starting = threading.Lock()

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        with self._starting:
            while len(self._threads) < self._count:
                self._threads.append(threading.Thread(target=self._work, name="bcrypt", daemon=True))
                self._threads[-1].start()
        future: Future[R] = Future()
        self._jobs.put((future, functools.partial(fn, *args, **kwargs)))
        return future

    def cpu_seconds(self) -> float:
        return sum(time.clock_gettime(clock) for clock in self._clocks)

    def _work(self) -> None:
        _lower_thread_priority()
        self._clocks.append(time.pthread_getcpuclockid(threading.get_ident()))
        while True:
            future, call = self._jobs.get()
            if future.set_running_or_notify_cancel():  # False: cancelled, its rescue answered
                try:
                    future.set_result(call())
                except BaseException as error:
                    future.set_exception(error)


class PasswordHasher:
    def __init__(self, rounds: int = 12, *, threads: int = 2) -> None:
        self.rounds = rounds
        self._idle = _IdleThreads(threads)
        self._rescue = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="bcrypt-rescue")
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
        return await self._run(functools.partial(self.hash_sync, password))

    async def verify(self, password: str, password_hash: str | None) -> bool:
        """Check `password`; with no hash (unknown user) do the same work and answer False."""
        return await self._run(functools.partial(self.verify_sync, password, password_hash))

    async def _run(self, call: Callable[[], R]) -> R:
        """`call` on an idle thread, or on a rescue thread too if other processes starve the idle ones."""
        loop = asyncio.get_running_loop()
        idle = loop.run_in_executor(self._idle, call)
        started, hashing, working = time.monotonic(), self._idle.cpu_seconds(), time.process_time()
        while not (await asyncio.wait({idle}, timeout=CHECK_EVERY_SECONDS))[0]:
            waited = time.monotonic() - started
            idle_share = (self._idle.cpu_seconds() - hashing) / waited
            own_share = (time.process_time() - working) / waited
            if waited >= RESCUE_AFTER_SECONDS and idle_share < STARVED_SHARE and own_share < BUSY_SHARE:
                metrics.password_hash_rescued()
                rescue = loop.run_in_executor(self._rescue, call)
                done, _ = await asyncio.wait({idle, rescue}, return_when=asyncio.FIRST_COMPLETED)
                idle.cancel()  # skipped if it has not started; a run under way ends unheard
                return done.pop().result()
        return idle.result()
