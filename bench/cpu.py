"""CPU time per request: clock ticks read from /proc before and after a measured wrk run.

Far steadier than req/s on a shared machine: a request costs the same CPU whether or not another
process takes turns on the cores. The server's figure is its main process and every descendant
(the Sanic workers); the database's, for PostgreSQL, every process named `postgres` (the server is
local: its backends, and what other clients of the same server cost meanwhile, are all counted).
A process's cutime/cstime holds its reaped children's time, so a backend or a worker that exits
mid-run is still counted (by its parent) rather than lost.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    name: str  # `comm`: the executable's name, at most 15 characters
    ticks: int  # utime + stime + cutime + cstime


@dataclass(frozen=True)
class Sample:
    """Cumulative ticks at one moment: the server's, and the database server's (None: not measured)."""

    server: int
    database: int | None = None


@dataclass(frozen=True)
class Use:
    """CPU milliseconds spent during a measured run."""

    server_ms: float
    database_ms: float | None = None


Meter = Callable[[], Sample]


def parse_stat(text: str) -> ProcStat:
    """One /proc/<pid>/stat line. `comm` sits in parentheses and may itself hold spaces or `)`."""
    head, _, rest = text.rpartition(")")
    pid, _, name = head.partition(" (")
    fields = rest.split()
    # fields[0] is field 3 of proc(5) (state): ppid is field 4, utime..cstime fields 14-17.
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return ProcStat(pid=int(pid), ppid=int(fields[1]), name=name, ticks=utime + stime + cutime + cstime)


def snapshot(proc: Path = PROC) -> dict[int, ProcStat]:
    """Every process's stat now; processes that exit while being read are skipped."""
    found = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = parse_stat((entry / "stat").read_text())
        except (OSError, ValueError, IndexError):
            continue
        found[stat.pid] = stat
    return found


def tree_ticks(processes: Mapping[int, ProcStat], root: int) -> int:
    """Ticks of `root` and all its descendants (0 if `root` is gone)."""
    children: dict[int, list[int]] = {}
    for stat in processes.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    total, todo = 0, [root] if root in processes else []
    while todo:
        pid = todo.pop()
        total += processes[pid].ticks
        todo += children.get(pid, [])
    return total


def named_ticks(processes: Mapping[int, ProcStat], name: str) -> int:
    return sum(stat.ticks for stat in processes.values() if stat.name == name)


def meter(server_pid: int, database_process: str | None = None) -> Meter:
    """A Meter of the server process tree rooted at `server_pid` and, if named, the database's processes."""

    def sample() -> Sample:
        processes = snapshot()
        database = named_ticks(processes, database_process) if database_process else None
        return Sample(server=tree_ticks(processes, server_pid), database=database)

    return sample


def ms(ticks: int) -> float:
    return ticks * 1000.0 / TICKS_PER_SECOND


def used(before: Sample, after: Sample) -> Use:
    database = None
    if before.database is not None and after.database is not None:
        database = ms(after.database - before.database)
    return Use(server_ms=ms(after.server - before.server), database_ms=database)


def per_request(milliseconds: float | None, requests: int) -> float | None:
    """CPU milliseconds per answered request; None when unmeasured or nothing was answered."""
    if milliseconds is None or requests <= 0:
        return None
    return milliseconds / requests
