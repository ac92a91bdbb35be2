"""Summarising runs (medians, same-run ratio to the reference) and writing them as markdown."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from bench.scenarios import Scenario, ScenarioSet
from bench.wrk import WrkResult


@dataclass(frozen=True)
class Row:
    scenario: Scenario
    observed_status: int
    runs: tuple[WrkResult, ...]

    @property
    def rps(self) -> float:
        return statistics.median(run.requests_per_second for run in self.runs)

    @property
    def p50_ms(self) -> float:
        return statistics.median(run.p50_ms for run in self.runs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(run.p99_ms for run in self.runs)

    @property
    def requests(self) -> int:
        return round(statistics.median(run.requests for run in self.runs))

    @property
    def non_2xx_3xx(self) -> int:
        return round(statistics.median(run.non_2xx_3xx for run in self.runs))

    @property
    def socket_errors(self) -> int:
        return sum(run.socket_errors for run in self.runs)


@dataclass(frozen=True)
class SetResult:
    scenario_set: ScenarioSet
    rows: tuple[Row, ...]

    @property
    def reference(self) -> Row:
        name = self.scenario_set.reference_scenario.name
        return next(row for row in self.rows if row.scenario.name == name)

    def ratio(self, row: Row) -> float:
        """Median over passes of row's req/s divided by the reference's req/s in the same pass."""
        pairs = zip(row.runs, self.reference.runs, strict=True)
        return statistics.median(
            mine.requests_per_second / ref.requests_per_second if ref.requests_per_second else float("nan")
            for mine, ref in pairs
        )


def _status(row: Row) -> str:
    expected, seen = row.scenario.expected_status, row.observed_status
    return str(seen) if seen == expected else f"**{seen}** (expected {expected})"


def markdown_table(result: SetResult) -> str:
    reference = result.reference
    header = (
        "| scenario | request | status | req/s | ratio vs "
        f"{reference.scenario.name} | p50 ms | p99 ms | requests/run | non-2xx/3xx/run | socket errors |"
    )
    lines = [header, "|" + "---|" * 10]
    for row in result.rows:
        lines.append(
            f"| {row.scenario.name} | `{row.scenario.request_line}` | {_status(row)} | {row.rps:,.0f} "
            f"| {result.ratio(row):.2f} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {row.requests:,} "
            f"| {row.non_2xx_3xx:,} | {row.socket_errors} |"
        )
    return "\n".join(lines)


def tables(results: Sequence[SetResult]) -> str:
    return "\n\n".join(
        f"### {r.scenario_set.name}\n\n{r.scenario_set.description}\n\n{markdown_table(r)}" for r in results
    )


def _git_revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def machine_info(wrk_version: str) -> list[tuple[str, str]]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("nproc", str(len(os.sched_getaffinity(0)))),
        ("load average before the run", load),
        ("python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("platform", platform.platform()),
        ("wrk", wrk_version),
        ("git", _git_revision()),
    ]


def document(
    results: Sequence[SetResult], *, command: str, settings: str, info: list[tuple[str, str]]
) -> str:
    machine = "\n".join(f"- {key}: {value}" for key, value in info)
    return (
        "# Benchmark results\n\n"
        f"Command: `{command}`\n\n"
        f"Settings: {settings}\n\n"
        f"## Machine\n\n{machine}\n\n"
        "## Results\n\n"
        "req/s, p50 and p99 are medians over the runs; the ratio is the median over passes of req/s "
        "divided by the reference scenario's req/s in the same pass.\n\n"
        f"{tables(results)}\n"
    )
