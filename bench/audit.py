"""What a set with `audit` checks through its passes: one access-log row per request, and the
workers' memory (under a ceiling, not growing from one pass to the next). It also reports how many
password hashes the server rescued from starved idle threads (backend/auth/passwords.py)."""

from __future__ import annotations

import asyncio
import http.client
import sqlite3
import threading
import time
from collections import defaultdict
from contextlib import closing
from typing import Any

import asyncpg
from prometheus_client.parser import text_string_to_metric_families

from bench import client
from bench.fixtures import rss_kib, worker_pids
from bench.server import Server

RSS_LIMIT_MIB = 150.0
GROWTH_SLACK = 1.05  # a pass's peak may exceed the first pass's by 5% (allocator noise), no more
SAMPLE_SECONDS = 0.5
SETTLE_SECONDS = 1.0  # the row count must hold still this long: requests wrk abandoned are done


ERRORS_SQL = (
    "SELECT method, path, status, COUNT(*) FROM access_log WHERE id > {mark} AND status >= 400 "
    "GROUP BY method, path, status ORDER BY COUNT(*) DESC LIMIT 20"
)


async def _postgres_rows(url: str, sql: str, *args: object) -> list[tuple[Any, ...]]:
    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(sql.format(mark="$1"), *args)]
    finally:
        await connection.close()


def _query(server: Server, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Read in the database directly: a request through the API would add a row itself."""
    url = server.env["DATABASE_URL"]
    if url.startswith("sqlite://"):
        with closing(sqlite3.connect(url.removeprefix("sqlite://"), timeout=30.0)) as db:
            return [tuple(row) for row in db.execute(sql.format(mark="?"), args).fetchall()]
    return asyncio.run(_postgres_rows(url, sql, *args))


def access_log_rows(server: Server) -> int:
    return int(_query(server, "SELECT COUNT(*) FROM access_log")[0][0])


def last_access_log_id(server: Server) -> int:
    return int(_query(server, "SELECT COALESCE(MAX(id), 0) FROM access_log")[0][0])


RESCUED_METRIC = "auth_password_hashes_rescued_total"


def rescued_hashes(server: Server) -> str:
    """The server's count of rescued hashes, from its /metrics (absent when metrics are off)."""
    try:
        code, body = client.request(server.url, "/metrics", timeout=10.0)
    except (OSError, http.client.HTTPException):
        code = 0
    if code != 200:
        return "unknown (no /metrics)"
    counts = [
        sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        if sample.name == RESCUED_METRIC
    ]
    return f"{counts[0]:,.0f}" if counts else f"unknown (no {RESCUED_METRIC})"


class Audit:
    def __init__(self, server: Server, variant: str = "") -> None:
        self.server = server
        self.label = f"server `{variant}`" if variant else "the main server"
        self.rows_before = access_log_rows(server)
        self.last_id_before = last_access_log_id(server)
        self.current_pass = 0  # 0: warm-up
        self.peaks: dict[int, dict[int, int]] = defaultdict(dict)  # pass -> worker pid -> max KiB
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            peaks = self.peaks[self.current_pass]
            for pid in worker_pids(self.server.process.pid):
                if (kib := rss_kib(pid)) is not None:
                    peaks[pid] = max(peaks.get(pid, 0), kib)

    def _settled_rows(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        rows, since = access_log_rows(self.server), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = access_log_rows(self.server)
            if now != rows:
                rows, since = now, time.monotonic()
            elif time.monotonic() - since >= SETTLE_SECONDS:
                break
        return rows

    def _errors(self) -> str:
        rows = _query(self.server, ERRORS_SQL, self.last_id_before)
        return (
            "; ".join(f"{method} {path} {status}: {count:,}" for method, path, status, count in rows)
            or "none"
        )

    def report(self, *, completed: int, in_flight_bound: int) -> str:
        """Markdown; `completed` is every request wrk (and the probes) saw answered on this server,
        `in_flight_bound` how many wrk may have left in flight when its runs stopped."""
        self._stop.set()
        self._sampler.join()
        rows = self._settled_rows() - self.rows_before
        extra = rows - completed
        consistent = 0 <= extra <= in_flight_bound
        verdict = "**met**" if consistent else "**not met**"
        lines = [
            f"Access log of {self.label}: one row per request (rows counted in the database before and "
            "after the passes, against the requests wrk reported completed, warm-ups and status probes "
            "included):",
            "",
            f"- new rows {rows:,}; requests answered to wrk and the probes {completed:,}; difference "
            f"{extra:+,} (requests still in flight when a wrk run stopped are answered and logged but "
            f"not counted by wrk: at most {in_flight_bound:,}): {verdict}.",
            "",
            f"Answers of {self.label} at 400 and above, by request, from its access log (the error "
            f"scenarios' own included): {self._errors()}.",
            "",
            f"Password hashes {self.label} rescued from starved idle threads (`{RESCUED_METRIC}`, "
            f"over the server's life): {rescued_hashes(self.server)}.",
            "",
            f"Memory of {self.label}: each worker's peak VmRSS per pass (sampled every 0.5 s; pass 0 is "
            "the warm-up):",
            "",
            "| pass | " + " | ".join(f"worker {n + 1} MiB" for n in range(self.server.workers)) + " |",
            "|---|" + "---|" * self.server.workers,
        ]
        for number, peaks in sorted(self.peaks.items()):
            cells = [f"{kib / 1024:.1f}" for _, kib in sorted(peaks.items())]
            lines.append(f"| {number} | " + " | ".join(cells) + " |")
        everything = [kib / 1024 for peaks in self.peaks.values() for kib in peaks.values()]
        measured = [max(p.values()) / 1024 for n, p in sorted(self.peaks.items()) if n > 0 and p]
        if everything and measured:
            highest = max(everything)
            grows = measured[-1] > measured[0] * GROWTH_SLACK
            lines += [
                "",
                f"- Target: every worker under {RSS_LIMIT_MIB:g} MiB. Highest {highest:.1f} MiB: "
                f"{'**met**' if highest < RSS_LIMIT_MIB else '**not met**'}.",
                f"- Target: no growth from pass to pass. Peak per pass "
                f"{', '.join(f'{m:.1f}' for m in measured)} MiB (last within {GROWTH_SLACK:g}x of the "
                f"first): {'**not met**' if grows else '**met**'}.",
            ]
        return "\n".join(lines)
