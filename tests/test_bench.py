"""The benchmark harness's arithmetic (bench/): same-pass ratios, CPU per request, and verdicts.

No server and no wrk: runs are built by hand, as wrk would have reported them.
"""

from __future__ import annotations

from bench import cpu, report
from bench.scenarios import BASELINE, SETS, Scenario, ScenarioSet
from bench.wrk import WrkResult


def run(rps: float, *, non_2xx: int = 0, socket_errors: int = 0, server_ms: float | None = None) -> WrkResult:
    requests = round(rps * 5)
    use = cpu.Use(server_ms=server_ms) if server_ms is not None else None
    return WrkResult(rps, requests, non_2xx, socket_errors, {50.0: 1.0, 99.0: 2.0}, cpu=use)


CEILING = Scenario("ceiling", "/patient")
READ = Scenario("read", "/api/v1/patients/1", rps_ratio_target=0.20, cpu_ms_target=0.35)


def result(read_runs: list[WrkResult], ceiling_runs: list[WrkResult]) -> report.SetResult:
    scenario_set = ScenarioSet("core", "test", (CEILING, READ), reference="ceiling")
    return report.SetResult(
        scenario_set,
        (report.Row(CEILING, 200, tuple(ceiling_runs)), report.Row(READ, 200, tuple(read_runs))),
    )


def verdicts(measured: report.SetResult) -> dict[str, str]:
    lines = report.targets(measured)
    return {
        "rps": next(line for line in lines if "req/s" in line),
        "cpu": next(line for line in lines if "CPU" in line),
    }


def test_a_ratio_is_the_median_of_same_pass_ratios_not_a_ratio_of_medians() -> None:
    # Medians of the req/s alone would give 300 / 1000 = 0.30; pass by pass the read is 0.25x at best.
    measured = result([run(250), run(300), run(100)], [run(1000), run(1200), run(500)])
    assert measured.rps_ratios(measured.row("read")) == [0.25, 0.25, 0.2]
    assert measured.ratio(measured.row("read")) == 0.25


def test_targets_met_on_clean_runs() -> None:
    measured = result([run(300, server_ms=300.0)] * 3, [run(1000)] * 3)  # 1500 requests: 0.2 ms each
    lines = verdicts(measured)
    assert lines["rps"].endswith("**met**.")
    assert "Measured 0.200 ms" in lines["cpu"]
    assert lines["cpu"].endswith("**met**.")


def test_targets_not_met_when_the_figures_miss_them() -> None:
    measured = result([run(150, server_ms=3000.0)] * 3, [run(1000)] * 3)  # 750 requests: 4 ms each
    lines = verdicts(measured)
    assert lines["rps"].endswith("**not met**.")
    assert "Measured 4.000 ms" in lines["cpu"]
    assert lines["cpu"].endswith("**not met**.")


def test_errors_where_success_was_expected_are_never_met() -> None:
    # Failed requests are cheap and fast: the figures alone would meet both targets.
    fast_failures = [run(900, non_2xx=10, server_ms=100.0)] + [run(900, server_ms=100.0)] * 2
    lines = verdicts(result(fast_failures, [run(1000)] * 3))
    assert all("**not met** (the runs are invalid: read had 10 responses" in line for line in lines.values())
    timeouts = [run(900, socket_errors=3, server_ms=100.0)] * 3
    lines = verdicts(result(timeouts, [run(1000)] * 3))
    assert all("read had 9 socket errors" in line and "**not met**" in line for line in lines.values())


def test_errors_in_the_reference_make_a_ratio_target_not_met() -> None:
    lines = verdicts(result([run(900, server_ms=100.0)] * 3, [run(1000, socket_errors=1)] * 3))
    assert "**not met** (the runs are invalid: ceiling had 3 socket errors)" in lines["rps"]


def test_an_unmetered_run_is_not_met() -> None:
    measured = result([run(900, server_ms=100.0), run(900), run(900, server_ms=100.0)], [run(1000)] * 3)
    line = verdicts(measured)["cpu"]
    assert "CPU was not measured" in line
    assert "**not met**" in line


STAT = "1234 (python -m (x) y) S 1200 1234 1234 0 -1 4194304 10 0 0 0 {} {} {} {} 20 0 3 0 99 0 0"


def stat(pid: int, ppid: int, name: str, ticks: int) -> cpu.ProcStat:
    return cpu.ProcStat(pid=pid, ppid=ppid, name=name, ticks=ticks)


def test_proc_stat_parsing_survives_a_name_with_parentheses_and_spaces() -> None:
    parsed = cpu.parse_stat(STAT.format(7, 3, 100, 20))
    assert parsed == cpu.ProcStat(pid=1234, ppid=1200, name="python -m (x) y", ticks=130)


def test_a_servers_ticks_are_its_tree_and_the_databases_its_named_processes() -> None:
    processes = {
        s.pid: s
        for s in (
            stat(10, 1, "python", 5),  # the server's main process
            stat(11, 10, "python", 100),  # worker
            stat(12, 10, "python", 200),  # worker
            stat(13, 12, "python", 1),  # a worker's child
            stat(20, 1, "python", 1000),  # another server
            stat(30, 1, "postgres", 40),
            stat(31, 30, "postgres", 60),
        )
    }
    assert cpu.tree_ticks(processes, 10) == 306
    assert cpu.tree_ticks(processes, 99) == 0
    assert cpu.named_ticks(processes, "postgres") == 100


def test_cpu_milliseconds_per_request() -> None:
    ticks = cpu.TICKS_PER_SECOND  # one second of CPU
    before = cpu.Sample(server=500, database=50)
    used = cpu.used(before, cpu.Sample(server=500 + ticks, database=50 + ticks // 2))
    assert used == cpu.Use(server_ms=1000.0, database_ms=500.0)
    assert cpu.per_request(used.server_ms, 4000) == 0.25
    assert cpu.per_request(used.server_ms, 0) is None
    assert cpu.used(cpu.Sample(server=0), cpu.Sample(server=ticks)).database_ms is None


def test_a_target_from_the_baseline_names_it() -> None:
    page = Scenario("page", "/api/v1/patients", rps_ratio_target=0.078, baseline_ratio=0.039)
    scenario_set = ScenarioSet("core", "test", (CEILING, page), reference="ceiling")
    measured = report.SetResult(
        scenario_set,
        (report.Row(CEILING, 200, (run(1000),)), report.Row(page, 200, (run(50),))),
    )
    (line,) = report.targets(measured)
    assert "page req/s >= 0.078x ceiling req/s (baseline 0.039x). Measured 0.050x" in line
    assert line.endswith("**not met**.")


def test_the_core_sets_carry_issue_15s_targets() -> None:
    for name, database, read_target in (("core", "sqlite", 0.20), ("core_postgres", "postgres", 0.10)):
        scenarios = {s.name: s for s in SETS[name].scenarios}
        assert scenarios["read"].rps_ratio_target == read_target
        assert scenarios["page"].rps_ratio_target == 2 * BASELINE[database]["page"]
        assert scenarios["create"].rps_ratio_target == 2 * BASELINE[database]["create"]
    assert {s.name: s.cpu_ms_target for s in SETS["core_postgres"].scenarios}["read"] == 0.35


def test_the_core_sets_measure_the_metrics_cost_on_the_read_in_the_same_pass() -> None:
    """Issue 18: the read with metrics on, right after the same read on a server without them,
    at least 0.95x of it."""
    for name in ("core", "core_postgres"):
        scenario_set = SETS[name]
        names = [s.name for s in scenario_set.scenarios]
        scenarios = {s.name: s for s in scenario_set.scenarios}
        off, on = scenarios["read_no_metrics"], scenarios["read_metrics"]
        assert names.index("read_metrics") == names.index("read_no_metrics") + 1
        assert scenario_set.variant_env(off.variant)["METRICS_ENABLED"] == "false"
        assert "METRICS_ENABLED" not in scenario_set.variant_env(on.variant)  # the default: on
        # Each on a server of its own, serving nothing else: the same database state on both.
        assert on.variant not in ("", off.variant)
        assert [s.name for s in scenario_set.scenarios if s.variant in (on.variant, off.variant)] == [
            "read_no_metrics",
            "read_metrics",
        ]
        assert (
            (on.path, on.headers)
            == (off.path, off.headers)
            == (scenarios["read"].path, scenarios["read"].headers)
        )
        assert on.target_reference == "read_no_metrics"
        assert on.rps_ratio_target == 0.95


def test_the_postgres_read_has_its_floor_beside_it() -> None:
    """Issue 15's CPU target is judged against the least the read can cost on this stack, measured
    in the same pass: the floor app, on a database of its own, right after `read`."""
    scenario_set = SETS["core_postgres"]
    names = [s.name for s in scenario_set.scenarios]
    assert names.index("floor") == names.index("read") + 1
    floor = {s.name: s for s in scenario_set.scenarios}["floor"]
    assert scenario_set.variant_modules[floor.variant] == "bench.floor_app"
    assert "floor" not in [s.name for s in SETS["core"].scenarios]
