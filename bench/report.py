"""Summarising runs (medians, same-run ratios to the reference) and writing them as markdown."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.scenarios import Scenario, ScenarioSet
from bench.wrk import WrkResult


@dataclass(frozen=True)
class Row:
    scenario: Scenario
    observed_status: int
    runs: tuple[WrkResult, ...]
    background_runs: tuple[WrkResult, ...] = ()  # the background load's result per run, if it has one
    background_status: int | None = None

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
    workers: int = 1

    @property
    def reference(self) -> Row:
        name = self.scenario_set.reference_scenario.name
        return next(row for row in self.rows if row.scenario.name == name)

    def _ratios(self, row: Row, value: Callable[[WrkResult], float]) -> list[float]:
        pairs = zip(row.runs, self.reference.runs, strict=True)
        return [value(mine) / value(ref) if value(ref) else float("nan") for mine, ref in pairs]

    def ratio(self, row: Row) -> float:
        """Median over passes of row's req/s divided by the reference's req/s in the same pass."""
        return statistics.median(self._ratios(row, lambda run: run.requests_per_second))

    def p99_ratios(self, row: Row) -> list[float]:
        """Per pass: row's p99 divided by the reference's p99 in the same pass."""
        return self._ratios(row, lambda run: run.p99_ms)

    def p99_ratio(self, row: Row) -> float:
        return statistics.median(self.p99_ratios(row))


def _status(row: Row) -> str:
    expected, seen = row.scenario.expected_status, row.observed_status
    return str(seen) if seen == expected else f"**{seen}** (expected {expected})"


def markdown_table(result: SetResult) -> str:
    reference = result.reference.scenario.name
    header = (
        f"| scenario | request | status | req/s | ratio vs {reference} | p50 ms | p99 ms "
        f"| p99 vs {reference} | requests/run | non-2xx/3xx/run | socket errors |"
    )
    lines = [header, "|" + "---|" * 11]
    for row in result.rows:
        lines.append(
            f"| {row.scenario.name} | `{row.scenario.request_line}` | {_status(row)} | {row.rps:,.0f} "
            f"| {result.ratio(row):.2f} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {result.p99_ratio(row):.2f} "
            f"| {row.requests:,} | {row.non_2xx_3xx:,} | {row.socket_errors} |"
        )
    return "\n".join(lines)


def background_table(result: SetResult) -> str:
    """The background loads' own numbers (req/s over the whole background run), or "" when none ran."""
    rows = [row for row in result.rows if row.scenario.background is not None and row.background_runs]
    if not rows:
        return ""
    lines = [
        "| during | background request | connections | status | req/s | p50 ms | p99 ms | requests/run "
        "| non-2xx/3xx/run | socket errors |",
        "|" + "---|" * 10,
    ]
    for row in rows:
        load = row.scenario.background
        assert load is not None
        own = Row(load.scenario, row.background_status or 0, row.background_runs)
        lines.append(
            f"| {row.scenario.name} | `{load.scenario.request_line}` | {load.connections} | {_status(own)} "
            f"| {own.rps:,.1f} | {own.p50_ms:.2f} | {own.p99_ms:.2f} | {own.requests:,} "
            f"| {own.non_2xx_3xx:,} | {own.socket_errors} |"
        )
    return "\n".join(lines)


def targets(result: SetResult) -> list[str]:
    """One line per scenario with a p99 target: met or not, on the median and per pass."""
    lines = []
    reference = result.reference.scenario.name
    for row in result.rows:
        target = row.scenario.p99_ratio_target
        if target is None:
            continue
        ratio = result.p99_ratio(row)
        passes = ", ".join(f"{r:.2f}" for r in result.p99_ratios(row))
        verdict = "**met**" if ratio <= target else "**not met**"
        lines.append(
            f"- Target: {row.scenario.name} p99 <= {target:g}x {reference} p99. Measured {ratio:.2f}x "
            f"(median over passes; per pass {passes}): {verdict}."
        )
    return lines


def section(result: SetResult) -> str:
    scenario_set = result.scenario_set
    env = ", ".join(f"{k}={v}" for k, v in scenario_set.server_env.items())
    server = f"Server: {result.workers} worker(s)" + (f", {env}" if env else "") + "."
    parts = [f"### {scenario_set.name}", scenario_set.description, server, markdown_table(result)]
    if background := background_table(result):
        parts += ["Background load (measured by its own wrk, over its whole run):", background]
    if lines := targets(result):
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def tables(results: Sequence[SetResult]) -> str:
    return "\n\n".join(section(r) for r in results)


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
        "req/s, p50 and p99 are medians over the runs; the ratio (and p99 vs the reference) is the median "
        "over passes of req/s (p99) divided by the reference scenario's req/s (p99) in the same pass.\n\n"
        f"{tables(results)}\n"
    )
