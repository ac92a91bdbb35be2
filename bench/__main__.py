"""`python -m bench [SET ...] [--runs N] [--duration S] [--connections C] [--workers W]`."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from bench import client, cpu, report, wrk
from bench.audit import Audit
from bench.scenarios import DEFAULT_SETS, SETS, Background, BackgroundCommand, Scenario, ScenarioSet
from bench.server import LOCAL_POSTGRES_URL, ROOT, Server, postgres_admin_url, running_server

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "sets",
        nargs="*",
        metavar="SET",
        help=(
            f"one of {', '.join(SETS)} (default: core, and core_postgres when BENCH_DATABASE_URL is set "
            f"or PostgreSQL answers at {LOCAL_POSTGRES_URL})"
        ),
    )
    parser.add_argument("--runs", type=int, default=3, help="passes over every scenario (default 3)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run (default 10)")
    parser.add_argument(
        "--connections",
        type=int,
        help="wrk connections (default: the set's own, 50 unless it says otherwise)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="server worker processes (default: the set's own, 1 for errors, 2 for auth)",
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per scenario first; 0 skips")
    args = parser.parse_args(argv)
    args.sets = args.sets or [*DEFAULT_SETS, *(["core_postgres"] if postgres_admin_url() else [])]
    unknown = [name for name in args.sets if name not in SETS]
    if unknown:
        parser.error(f"unknown scenario set(s) {', '.join(unknown)}; known: {', '.join(SETS)}")
    if (
        args.runs < 1
        or args.duration < 1
        or (args.connections is not None and args.connections < 1)
        or (args.workers is not None and args.workers < 1)
    ):
        parser.error("--runs, --duration, --connections and --workers must be at least 1")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _describe(result: wrk.WrkResult) -> str:
    text = (
        f"{result.requests_per_second:,.1f} req/s, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
        f"non-2xx/3xx {result.non_2xx_3xx}, socket errors {result.socket_errors}"
    )
    if result.cpu is not None:
        server = cpu.per_request(result.cpu.server_ms, result.requests)
        database = cpu.per_request(result.cpu.database_ms, result.requests)
        text += f", server CPU {report.cpu_cell(server)} ms/req"
        if result.cpu.database_ms is not None:
            text += f", database CPU {report.cpu_cell(database)} ms/req"
    return text


def _warmup_scenario(scenario: Scenario) -> Scenario:
    """Warm-ups skip background commands: those change the data (a purge deletes what it purges)."""
    return (
        replace(scenario, background=None) if isinstance(scenario.background, BackgroundCommand) else scenario
    )


class Ledger:
    """Per server variant: requests wrk (and the status probes) saw answered, and how many wrk may
    have left in flight (answered and logged by the server, but not counted by wrk)."""

    def __init__(self) -> None:
        self.completed: dict[str, int] = defaultdict(int)
        self.in_flight_bound: dict[str, int] = defaultdict(int)

    def add(self, variant: str, result: wrk.WrkResult | None, connections: int) -> None:
        if result is not None:
            self.completed[variant] += result.requests
            self.in_flight_bound[variant] += connections

    def add_runs(
        self, scenario: Scenario, runs: tuple[wrk.WrkResult, wrk.WrkResult | None], connections: int
    ) -> None:
        result, background = runs
        self.add(scenario.variant, result, connections)
        if isinstance(scenario.background, Background):
            self.add(scenario.variant, background, scenario.background.connections)


def measure(
    servers: Mapping[str, Server], scenario_set: ScenarioSet, args: argparse.Namespace, connections: int
) -> report.SetResult:
    """Passes over the set in order (not one scenario N times) so drift hits every row alike."""
    name = scenario_set.name
    if scenario_set.setup is not None:
        scenario_set = scenario_set.resolved({v: scenario_set.setup(server) for v, server in servers.items()})
        log(f"[{name}] setup done")

    def url(scenario: Scenario) -> str:
        return servers[scenario.variant].url

    measured = scenario_set.measured
    database_process = "postgres" if scenario_set.database == "postgres" else None
    meters = {variant: cpu.meter(server.process.pid, database_process) for variant, server in servers.items()}
    audits = {
        variant: Audit(server, variant)
        for variant, server in servers.items()
        if scenario_set.audit and server.app_module == "backend"
    }
    ledger = Ledger()
    first_requests = {s.name: client.scenario_status(url(s), s) for s in measured}
    statuses = {name: code for name, (code, _) in first_requests.items()}
    background_statuses = {
        s.name: client.scenario_status(url(s), s.background.scenario)[0]
        for s in measured
        if isinstance(s.background, Background)
    }
    for s in measured:  # the status probes are requests too
        ledger.completed[s.variant] += 1 + isinstance(s.background, Background)
    for scenario in measured:
        where = f" ({scenario.variant})" if scenario.variant else ""
        code, seconds = first_requests[scenario.name]
        log(f"[{name}] {scenario.name}{where}: {scenario.request_line} -> {code} in {seconds * 1000:.0f} ms")
        if isinstance(scenario.background, Background):
            log(
                f"[{name}]   under {scenario.background.connections} connections of "
                f"{scenario.background.scenario.request_line} -> {background_statuses[scenario.name]}"
            )
        elif isinstance(scenario.background, BackgroundCommand):
            log(f"[{name}]   while {scenario.background.command_line} runs")
    if args.warmup > 0:
        for scenario in measured:
            warm = _warmup_scenario(scenario)
            ledger.add_runs(
                warm,
                wrk.run_under_load(url(scenario), warm, duration=args.warmup, connections=connections),
                connections,
            )
    runs: dict[str, list[wrk.WrkResult]] = {s.name: [] for s in measured}
    background_runs: dict[str, list[wrk.WrkResult]] = {s.name: [] for s in measured}
    command_runs: dict[str, list[wrk.CommandResult]] = {s.name: [] for s in measured}
    for number in range(1, args.runs + 1):
        for audit in audits.values():
            audit.current_pass = number
        for scenario in measured:
            prefix = f"[{name}] pass {number}/{args.runs} {scenario.name}"
            background: wrk.WrkResult | None = None
            if isinstance(scenario.background, BackgroundCommand):
                load = scenario.background
                server = servers[scenario.variant]
                if load.prepare is not None:
                    load.prepare(server)
                result, command = wrk.run_during_command(
                    server.url,
                    scenario,
                    load,
                    env=server.env,
                    cwd=ROOT,
                    duration=args.duration,
                    connections=connections,
                    meter=meters[scenario.variant],
                )
                command_runs[scenario.name].append(command)
                log(
                    f"{prefix}: {load.command_line} took {command.seconds:.1f}s (exit {command.returncode}, "
                    f"covered {command.covered:.0%} of the measured run): {command.output}"
                )
            else:
                result, background = wrk.run_under_load(
                    url(scenario),
                    scenario,
                    duration=args.duration,
                    connections=connections,
                    meter=meters[scenario.variant],
                )
                ledger.add_runs(scenario, (result, background), connections)
            runs[scenario.name].append(result)
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
            command_runs=tuple(command_runs[s.name]),
        )
        for s in measured
    )
    extra = ""
    for variant, audit in audits.items():
        text = audit.report(
            completed=ledger.completed[variant], in_flight_bound=ledger.in_flight_bound[variant]
        )
        log(text)
        extra += text + "\n\n"
    if scenario_set.finish is not None:
        log(f"[{name}] final measurements")
        extra += scenario_set.finish(next(iter(servers.values())), scenario_set)
        log(extra)
    first = next(iter(servers.values()))
    return report.SetResult(
        scenario_set, tuple(rows), workers=first.workers, connections=connections, extra=extra
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if shutil.which("wrk") is None:
        log("wrk is not installed: apt-get install -y wrk")
        return 2
    if not postgres_admin_url() and any(SETS[name].database == "postgres" for name in args.sets):
        log(
            "a PostgreSQL set needs BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) "
            f"or a server answering at {LOCAL_POSTGRES_URL}"
        )
        return 2
    info = report.machine_info(wrk.version())
    results = []
    workers = f"{args.workers} server worker(s)" if args.workers else "each set's own server worker count"
    connections = f"{args.connections} connections" if args.connections else "each set's own connections"
    settings = (
        f"{args.runs} run(s) x {args.duration:g}s per scenario (after {args.warmup:g}s warm-up), "
        f"{connections}, {wrk.THREADS} wrk threads, {workers}; fresh server(s) per set"
    )
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    RESULTS.mkdir(exist_ok=True)
    for name in args.sets:  # fresh servers per set: each set has its own env, worker count and data
        scenario_set = SETS[name]
        set_workers = args.workers if args.workers is not None else scenario_set.workers
        with ExitStack() as stack:
            servers: dict[str, Server] = {}
            for variant in scenario_set.variants:
                label = f"[{name}{'/' + variant if variant else ''}]"
                log(f"{label} starting a server" + (" (seeding first)" if scenario_set.seed else ""))
                server = stack.enter_context(
                    running_server(
                        workers=set_workers,
                        env_overrides=scenario_set.variant_env(variant),
                        seed=scenario_set.seed,
                        app_module=scenario_set.variant_modules.get(variant, "backend"),
                        database=scenario_set.database,
                    )
                )
                log(f"{label} server at {server.url}, {server.workers} worker(s)")
                servers[variant] = server
            result = measure(servers, scenario_set, args, args.connections or scenario_set.connections)
        results.append(result)
        own = RESULTS / f"{name}.md"
        after = [*info, ("load average after the set", report.load_average())]
        own.write_text(report.document([result], command=command, settings=settings, info=after))
        log(f"wrote {own}")
    print(report.tables(results))
    latest = RESULTS / "latest.md"
    after = [*info, ("load average after the run", report.load_average())]
    latest.write_text(report.document(results, command=command, settings=settings, info=after))
    log(f"wrote {latest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
