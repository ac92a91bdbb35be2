"""`python -m bench [SET ...] [--runs N] [--duration S] [--connections C] [--workers W]`."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from bench import client, report, wrk
from bench.scenarios import DEFAULT_SETS, SETS, ScenarioSet
from bench.server import Server, running_server

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sets", nargs="*", metavar="SET", help=f"one of {', '.join(SETS)} (default: errors)")
    parser.add_argument("--runs", type=int, default=3, help="passes over every scenario (default 3)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    parser.add_argument(
        "--workers",
        type=int,
        help="server worker processes (default: the set's own, 1 for errors, 2 for auth)",
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per scenario first; 0 skips")
    args = parser.parse_args(argv)
    args.sets = args.sets or list(DEFAULT_SETS)
    unknown = [name for name in args.sets if name not in SETS]
    if unknown:
        parser.error(f"unknown scenario set(s) {', '.join(unknown)}; known: {', '.join(SETS)}")
    if (
        args.runs < 1
        or args.duration < 1
        or args.connections < 1
        or (args.workers is not None and args.workers < 1)
    ):
        parser.error("--runs, --duration, --connections and --workers must be at least 1")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _describe(result: wrk.WrkResult) -> str:
    return (
        f"{result.requests_per_second:,.1f} req/s, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
        f"non-2xx/3xx {result.non_2xx_3xx}, socket errors {result.socket_errors}"
    )


def measure(server: Server, scenario_set: ScenarioSet, args: argparse.Namespace) -> report.SetResult:
    """Passes over the set in order (not one scenario N times) so drift hits every row alike."""
    if scenario_set.setup is not None:
        scenario_set = scenario_set.resolved(scenario_set.setup(server))
        log(f"[{scenario_set.name}] setup done")
    statuses = {s.name: client.scenario_status(server.url, s) for s in scenario_set.scenarios}
    background_statuses = {
        s.name: client.scenario_status(server.url, s.background.scenario)
        for s in scenario_set.scenarios
        if s.background is not None
    }
    for scenario in scenario_set.scenarios:
        log(f"[{scenario_set.name}] {scenario.name}: {scenario.request_line} -> {statuses[scenario.name]}")
        if scenario.background is not None:
            log(
                f"[{scenario_set.name}]   under {scenario.background.connections} connections of "
                f"{scenario.background.scenario.request_line} -> {background_statuses[scenario.name]}"
            )
    if args.warmup > 0:
        for scenario in scenario_set.scenarios:
            wrk.run_under_load(server.url, scenario, duration=args.warmup, connections=args.connections)
    runs: dict[str, list[wrk.WrkResult]] = {s.name: [] for s in scenario_set.scenarios}
    background_runs: dict[str, list[wrk.WrkResult]] = {s.name: [] for s in scenario_set.scenarios}
    for number in range(1, args.runs + 1):
        for scenario in scenario_set.scenarios:
            result, background = wrk.run_under_load(
                server.url, scenario, duration=args.duration, connections=args.connections
            )
            runs[scenario.name].append(result)
            prefix = f"[{scenario_set.name}] pass {number}/{args.runs} {scenario.name}"
            log(f"{prefix}: {_describe(result)}")
            if background is not None:
                background_runs[scenario.name].append(background)
                log(f"{prefix}: background {_describe(background)}")
    rows = (
        report.Row(
            scenario=s,
            observed_status=statuses[s.name],
            runs=tuple(runs[s.name]),
            background_runs=tuple(background_runs[s.name]),
            background_status=background_statuses.get(s.name),
        )
        for s in scenario_set.scenarios
    )
    return report.SetResult(scenario_set, tuple(rows), workers=server.workers)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if shutil.which("wrk") is None:
        log("wrk is not installed: apt-get install -y wrk")
        return 2
    info = report.machine_info(wrk.version())
    results = []
    for name in args.sets:  # a fresh server per set: each set has its own env and worker count
        scenario_set = SETS[name]
        workers = args.workers if args.workers is not None else scenario_set.workers
        with running_server(workers=workers, env_overrides=scenario_set.server_env) as server:
            log(f"[{name}] server at {server.url}, {server.workers} worker(s)")
            results.append(measure(server, scenario_set, args))
    workers = f"{args.workers} server worker(s)" if args.workers else "each set's own server worker count"
    settings = (
        f"{args.runs} run(s) x {args.duration:g}s per scenario (after {args.warmup:g}s warm-up), "
        f"{args.connections} connections, {wrk.THREADS} wrk threads, {workers}; a fresh server per set"
    )
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    print(report.tables(results))
    RESULTS.mkdir(exist_ok=True)
    latest = RESULTS / "latest.md"
    latest.write_text(report.document(results, command=command, settings=settings, info=info))
    log(f"wrote {latest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
