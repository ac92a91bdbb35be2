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

from bench.cpu import per_request
from bench.scenarios import Background, BackgroundCommand, Scenario, ScenarioSet
from bench.wrk import CommandResult, WrkResult


def _median(values: Sequence[float | None]) -> float | None:
    """The median of the values measured; None when any is missing (a run that was not metered)."""
    present = [value for value in values if value is not None]
    return statistics.median(present) if present and len(present) == len(values) else None


@dataclass(frozen=True)
class Row:
    scenario: Scenario
    observed_status: int
    runs: tuple[WrkResult, ...]
    background_runs: tuple[WrkResult, ...] = ()  # the background load's result per run, if it has one
    background_status: int | None = None
    command_runs: tuple[CommandResult, ...] = ()  # the background command's run per pass, if it has one

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

    def cpu_ms_runs(self) -> list[float | None]:
        """Per pass: the server's CPU milliseconds over the requests the measured wrk run had answered."""
        return [per_request(run.cpu.server_ms if run.cpu else None, run.requests) for run in self.runs]

    def database_cpu_ms_runs(self) -> list[float | None]:
        """Per pass: the database server's CPU milliseconds over the same requests."""
        return [per_request(run.cpu.database_ms if run.cpu else None, run.requests) for run in self.runs]

    @property
    def cpu_ms(self) -> float | None:
        return _median(self.cpu_ms_runs())

    @property
    def database_cpu_ms(self) -> float | None:
        return _median(self.database_cpu_ms_runs())


@dataclass(frozen=True)
class SetResult:
    scenario_set: ScenarioSet
    rows: tuple[Row, ...]
    workers: int = 1
    connections: int = 50
    extra: str = ""  # markdown from the set's finish step

    @property
    def reference(self) -> Row:
        name = self.scenario_set.reference_scenario.name
        return next(row for row in self.rows if row.scenario.name == name)

    def row(self, name: str) -> Row:
        return next(row for row in self.rows if row.scenario.name == name)

    def target_reference(self, row: Row) -> Row:
        """What `row`'s targets compare it with: its own `target_reference`, else the set's reference."""
        return self.row(row.scenario.target_reference) if row.scenario.target_reference else self.reference

    def _ratios(self, row: Row, value: Callable[[WrkResult], float], against: Row | None) -> list[float]:
        pairs = zip(row.runs, (against or self.reference).runs, strict=True)
        return [value(mine) / value(ref) if value(ref) else float("nan") for mine, ref in pairs]

    def ratio(self, row: Row, against: Row | None = None) -> float:
        """Median over passes of row's req/s divided by the reference's req/s in the same pass."""
        return statistics.median(self.rps_ratios(row, against))

    def p99_ratios(self, row: Row, against: Row | None = None) -> list[float]:
        """Per pass: row's p99 divided by the reference's p99 in the same pass."""
        return self._ratios(row, lambda run: run.p99_ms, against)

    def p99_ratio(self, row: Row, against: Row | None = None) -> float:
        return statistics.median(self.p99_ratios(row, against))

    def rps_ratios(self, row: Row, against: Row | None = None) -> list[float]:
        return self._ratios(row, lambda run: run.requests_per_second, against)


def _status(row: Row) -> str:
    expected, seen = row.scenario.expected_status, row.observed_status
    return str(seen) if seen == expected else f"**{seen}** (expected {expected})"


def cpu_cell(milliseconds: float | None) -> str:
    return "-" if milliseconds is None else f"{milliseconds:.3f}"


BACKGROUND_MARK = " (b)"
CPU_NOTE = (
    "CPU ms/req: CPU time over the requests the measured wrk run had answered, median over the passes; "
    "server: the server's main process and its workers; database: every process named `postgres` on "
    "this machine, so other clients of that server count too (the ceiling's row, which sends the "
    "database nothing, shows how much). "
)
BACKGROUND_NOTE = "(b): with a background load, whose CPU is counted too but whose requests are not."


def markdown_table(result: SetResult) -> str:
    reference = result.reference.scenario.name
    header = (
        f"| scenario | request | status | req/s | ratio vs {reference} | p50 ms | p99 ms "
        f"| p99 vs {reference} | server CPU ms/req | database CPU ms/req | requests/run "
        "| non-2xx/3xx/run | socket errors |"
    )
    lines = [header, "|" + "---|" * 13]
    for row in result.rows:
        mark = BACKGROUND_MARK if row.scenario.background is not None else ""
        database = cpu_cell(row.database_cpu_ms) + (mark if row.database_cpu_ms is not None else "")
        lines.append(
            f"| {row.scenario.name} | `{row.scenario.request_line}` | {_status(row)} | {row.rps:,.0f} "
            f"| {result.ratio(row):.3f} | {row.p50_ms:.2f} | {row.p99_ms:.2f} | {result.p99_ratio(row):.2f} "
            f"| {cpu_cell(row.cpu_ms)}{mark if row.cpu_ms is not None else ''} | {database} "
            f"| {row.requests:,} | {row.non_2xx_3xx:,} | {row.socket_errors} |"
        )
    if any(row.cpu_ms is not None for row in result.rows):
        marked = any(row.scenario.background is not None for row in result.rows)
        lines += ["", CPU_NOTE + (BACKGROUND_NOTE if marked else "")]
    return "\n".join(lines)


def background_table(result: SetResult) -> str:
    """The background loads' own numbers (req/s over the whole background run), or "" when none ran."""
    rows = [
        row for row in result.rows if isinstance(row.scenario.background, Background) and row.background_runs
    ]
    if not rows:
        return ""
    lines = [
        "| during | background request | connections | status | req/s | p50 ms | p99 ms | requests/run "
        "| non-2xx/3xx/run | socket errors |",
        "|" + "---|" * 10,
    ]
    for row in rows:
        load = row.scenario.background
        assert isinstance(load, Background)
        own = Row(load.scenario, row.background_status or 0, row.background_runs)
        lines.append(
            f"| {row.scenario.name} | `{load.scenario.request_line}` | {load.connections} | {_status(own)} "
            f"| {own.rps:,.1f} | {own.p50_ms:.2f} | {own.p99_ms:.2f} | {own.requests:,} "
            f"| {own.non_2xx_3xx:,} | {own.socket_errors} |"
        )
    return "\n".join(lines)


def command_table(result: SetResult) -> str:
    """The background commands' runs, one line per scenario that has one, or "" when none ran."""
    rows = [row for row in result.rows if isinstance(row.scenario.background, BackgroundCommand)]
    if not rows:
        return ""
    lines = [
        "| during | command | wall s per pass | exit codes | measured run covered | last output line |",
        "|" + "---|" * 6,
    ]
    for row in rows:
        load = row.scenario.background
        assert isinstance(load, BackgroundCommand)
        runs = row.command_runs
        lines.append(
            f"| {row.scenario.name} | `{load.command_line}` | {', '.join(f'{r.seconds:.1f}' for r in runs)} "
            f"| {', '.join(str(r.returncode) for r in runs)} | {', '.join(f'{r.covered:.0%}' for r in runs)} "
            f"| {runs[-1].output if runs else ''} |"
        )
    return "\n".join(lines)


def _verdict(met: bool, problems: Sequence[str] = ()) -> str:
    if problems:
        return f"**not met** (the runs are invalid: {'; '.join(problems)})"
    return "**met**" if met else "**not met**"


def problems(row: Row) -> list[str]:
    """Why `row`'s runs cannot support a verdict: the figures of failed or refused requests say
    nothing about the scenario (a run whose requests all timed out has a p99 of 0).

    wrk counts a timeout only when a late answer finally arrives: requests a stalled server never
    answers are not errors to it, just missing. So a run that completed no request at all is
    invalid too, and so are the background load's own failures (a load that failed loaded nothing).
    """
    found = _run_problems(row.scenario.name, row.scenario.expected_status, row.observed_status, row.runs)
    load = row.scenario.background
    if isinstance(load, Background) and row.background_runs:
        observed = row.background_status if row.background_status is not None else 0
        name = f"{row.scenario.name}'s background {load.scenario.name}"
        found += _run_problems(name, load.scenario.expected_status, observed, row.background_runs)
    return found


def _run_problems(name: str, expected: int, observed: int, runs: Sequence[WrkResult]) -> list[str]:
    found = []
    if observed != expected:
        found.append(f"{name} answered {observed}, not {expected}")
    if errors := sum(run.socket_errors for run in runs):
        found.append(f"{name} had {errors} socket errors")
    if empty := [number for number, run in enumerate(runs, 1) if run.requests == 0]:
        found.append(f"{name} completed no request in pass(es) {', '.join(map(str, empty))}")
    succeeds = expected < 400
    unexpected = sum(run.non_2xx_3xx if succeeds else run.requests - run.non_2xx_3xx for run in runs)
    if unexpected:
        found.append(f"{name} had {unexpected} responses with an unexpected status class")
    return found


def targets(result: SetResult) -> list[str]:
    """One line per scenario target: met or not, on the median and per pass."""
    lines = []
    for row in result.rows:
        name = row.scenario.name
        against = result.target_reference(row)
        reference = against.scenario.name
        invalid = problems(row) + (problems(against) if row is not against else [])
        if (target := row.scenario.p99_ratio_target) is not None:
            ratio = result.p99_ratio(row, against)
            passes = ", ".join(f"{r:.2f}" for r in result.p99_ratios(row, against))
            lines.append(
                f"- Target: {name} p99 <= {target:g}x {reference} p99. Measured {ratio:.2f}x "
                f"(median over passes; per pass {passes}): {_verdict(ratio <= target, invalid)}."
            )
        if (target := row.scenario.rps_ratio_target) is not None:
            ratio = result.ratio(row, against)
            passes = ", ".join(f"{r:.3f}" for r in result.rps_ratios(row, against))
            baseline = row.scenario.baseline_ratio
            was = f" (baseline {baseline:.3f}x)" if baseline is not None else ""
            lines.append(
                f"- Target: {name} req/s >= {target:.3g}x {reference} req/s{was}. Measured {ratio:.3f}x "
                f"(median over passes; per pass {passes}): {_verdict(ratio >= target, invalid)}."
            )
        if (target := row.scenario.cpu_ms_target) is not None:
            lines.append(_cpu_target(row, target, invalid))
        if (target := row.scenario.p50_ms_target) is not None:
            passes = ", ".join(f"{run.p50_ms:.1f}" for run in row.runs)
            lines.append(
                f"- Target: {name} p50 < {target:g} ms. Measured {row.p50_ms:.1f} ms "
                f"(median over passes; per pass {passes}): {_verdict(row.p50_ms < target, invalid)}."
            )
    return lines


def _cpu_target(row: Row, target: float, invalid: Sequence[str]) -> str:
    runs = row.cpu_ms_runs()
    measured = row.cpu_ms
    unmeasured = [f"{row.scenario.name}'s CPU was not measured"] if measured is None else []
    passes = ", ".join(cpu_cell(value) for value in runs)
    figure = f"{measured:.3f} ms" if measured is not None else "nothing"
    met = measured is not None and measured <= target
    return (
        f"- Target: {row.scenario.name} server CPU <= {target:g} ms per request. Measured {figure} "
        f"(median over passes; per pass {passes}): {_verdict(met, [*invalid, *unmeasured])}."
    )


def section(result: SetResult) -> str:
    scenario_set = result.scenario_set
    env = ", ".join(f"{k}={v}" for k, v in scenario_set.server_env.items())
    server = (
        f"Server: {result.workers} worker(s)"
        + (f", {env}" if env else "")
        + f"; wrk: {result.connections} connection(s)."
    )
    if len(scenario_set.variants) > 1:
        each = "; ".join(
            f"`{name}`: " + (", ".join(f"{k}={v}" for k, v in overrides.items()) or "no overrides")
            for name, overrides in scenario_set.variants.items()
        )
        server += f" One server per variant, side by side, each on its own database ({each})."
    parts = [f"### {scenario_set.name}", scenario_set.description, server, markdown_table(result)]
    if background := background_table(result):
        parts += ["Background load (measured by its own wrk, over its whole run):", background]
    if commands := command_table(result):
        parts += ["Background command (started before the measured run, waited for after it):", commands]
    if lines := targets(result):
        parts.append("\n".join(lines))
    if result.extra:
        parts.append(result.extra)
    return "\n\n".join(parts)


def tables(results: Sequence[SetResult]) -> str:
    return "\n\n".join(section(r) for r in results)


def _git_revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def load_average() -> str:
    """1, 5 and 15 minutes: how many processes wanted a CPU (nproc of them can have one)."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


LOADED = (
    "**the machine is loaded** (1-minute load average above nproc): ratios to the ceiling and CPU per "
    "request move with load, so compare them only with a baseline measured under similar load"
)


def machine_info(wrk_version: str) -> list[tuple[str, str]]:
    nproc = len(os.sched_getaffinity(0))
    loaded = [("warning", LOADED)] if os.getloadavg()[0] > nproc else []
    return [
        ("date", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("nproc", str(nproc)),
        ("load average before the run", load_average()),
        *loaded,
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
