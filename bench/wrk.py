"""Running wrk against one scenario, optionally under a background load or command; reading its report."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bench.cpu import Meter, Use, used
from bench.scenarios import Background, BackgroundCommand, Scenario

THREADS = 2
BACKGROUND_LEAD_SECONDS = 1  # the background load runs alone this long before the measured run starts
BACKGROUND_TAIL_SECONDS = 2  # and this long after it should have ended (wrk takes a moment to stop)
SETTLE_SECONDS = 2.0  # at least this pause after a background load (see run_under_load)
_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-./:,;")
_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}

_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.M)
_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
)


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    percentiles_ms: dict[float, float]
    cpu: Use | None = None  # CPU spent while wrk ran, when the run was metered

    @property
    def p50_ms(self) -> float:
        return self.percentiles_ms[50.0]

    @property
    def p99_ms(self) -> float:
        return self.percentiles_ms[99.0]


@dataclass(frozen=True)
class CommandResult:
    """A background command's run: its wall time and how much of the measured window it covered."""

    seconds: float
    returncode: int
    output: str  # its last line of output
    covered: float  # the fraction of the measured wrk run during which the command was still running


def lua_string(text: str) -> str:
    """A Lua string literal; every byte outside a small safe set as a 3-digit decimal escape."""
    return '"' + "".join(chr(b) if b in _SAFE else f"\\{b:03d}" for b in text.encode()) + '"'


def lua_script(scenario: Scenario) -> str:
    lines = [f"wrk.method = {lua_string(scenario.method)}"]
    if scenario.body is not None:
        lines.append(f"wrk.body = {lua_string(scenario.body)}")
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in scenario.headers.items()]
    return "\n".join(lines) + "\n"


def to_ms(value: str, unit: str) -> float:
    return float(value) * _TO_MS[unit]


def parse(output: str) -> WrkResult:
    rps, total = _RPS.search(output), _TOTAL.search(output)
    if rps is None or total is None:
        raise WrkError(f"no Requests/sec in wrk's output:\n{output}")
    distribution = output.split("Latency Distribution", 1)
    if len(distribution) != 2:
        raise WrkError(f"no latency distribution (was --latency given?):\n{output}")
    percentiles = {float(p): to_ms(v, u) for p, v, u in _PERCENTILE.findall(distribution[1])}
    if not {50.0, 99.0} <= percentiles.keys():
        raise WrkError(f"no 50%/99% latency lines in wrk's output:\n{output}")
    non_2xx = _NON_2XX.search(output)
    errors = _SOCKET_ERRORS.search(output)
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        requests=int(total.group(1)),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        percentiles_ms=percentiles,
    )


def version() -> str:
    """wrk's first --version line, e.g. "wrk debian/4.1.0-3+b2 [epoll]"."""
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    first = (done.stdout + done.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk (unknown version)"


def command(
    base_url: str,
    scenario: Scenario,
    tmp: Path,
    *,
    seconds: int,
    connections: int,
    threads: int = THREADS,
    timeout_seconds: float | None = None,
) -> list[str]:
    """wrk's command line; writes the Lua script into `tmp` when the scenario needs one.

    wrk needs a connection per thread, so fewer connections than threads means fewer threads.
    """
    threads = max(1, min(threads, connections))
    line = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, seconds)}s",
        "--latency",
    ]
    if timeout_seconds is not None:
        line.append(f"--timeout={max(1, round(timeout_seconds))}s")
    if scenario.needs_script:
        script = tmp / f"{scenario.name}.lua"
        script.write_text(lua_script(scenario))
        line.append(f"--script={script}")
    line.append(base_url + scenario.path)
    return line


def _result(returncode: int, stdout: str, stderr: str, what: str) -> WrkResult:
    if returncode != 0:
        raise WrkError(f"wrk ({what}) exited with {returncode}:\n{stdout}{stderr}")
    return parse(stdout)


def run(
    base_url: str,
    scenario: Scenario,
    *,
    duration: float,
    connections: int,
    meter: Meter | None = None,
) -> WrkResult:
    """One wrk run of `scenario` for `duration` seconds with `connections` keep-alive connections;
    with a `meter`, the CPU it read just before wrk started and just after wrk ended."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        line = command(
            base_url,
            scenario,
            Path(tmp),
            seconds=round(duration),
            connections=connections,
            timeout_seconds=scenario.timeout_seconds,
        )
        limit = duration + 60 + (scenario.timeout_seconds or 0)
        before = meter() if meter is not None else None
        done = subprocess.run(line, capture_output=True, text=True, check=False, timeout=limit)
        after = meter() if meter is not None else None
    result = _result(done.returncode, done.stdout, done.stderr, scenario.name)
    if before is None or after is None:
        return result
    return replace(result, cpu=used(before, after))


def run_under_load(
    base_url: str,
    scenario: Scenario,
    *,
    duration: float,
    connections: int,
    meter: Meter | None = None,
) -> tuple[WrkResult, WrkResult | None]:
    """`run`, inside the scenario's background load if it has one; the background's own result second.

    The background wrk starts BACKGROUND_LEAD_SECONDS before the measured run and is due to end
    BACKGROUND_TAIL_SECONDS after it, so it covers the whole measured window; its req/s is over its
    own (longer) run. Afterwards a pause (the background's p99 latency, at least SETTLE_SECONDS) lets
    the server finish the requests wrk abandoned in flight, so they do not slow the next scenario.
    """
    if not isinstance(scenario.background, Background):
        return run(base_url, scenario, duration=duration, connections=connections, meter=meter), None
    background: Background = scenario.background
    seconds = max(1, round(duration)) + BACKGROUND_LEAD_SECONDS + BACKGROUND_TAIL_SECONDS
    with tempfile.TemporaryDirectory(prefix="bench-wrk-bg-") as tmp:
        line = command(
            base_url,
            background.scenario,
            Path(tmp),
            seconds=seconds,
            connections=background.connections,
            threads=background.threads,
            timeout_seconds=background.timeout_seconds,
        )
        with subprocess.Popen(line, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
            try:
                time.sleep(BACKGROUND_LEAD_SECONDS)
                if process.poll() is not None:
                    out, err = process.communicate()
                    raise WrkError(f"background wrk ended early ({process.returncode}):\n{out}{err}")
                measured = run(base_url, scenario, duration=duration, connections=connections, meter=meter)
                out, err = process.communicate(timeout=seconds + 60)
            except BaseException:
                process.kill()
                process.communicate()
                raise
        loaded = _result(process.returncode, out, err, f"background {background.scenario.name}")
    time.sleep(min(max(SETTLE_SECONDS, loaded.p99_ms / 1000), background.timeout_seconds))
    return measured, loaded


def run_during_command(
    base_url: str,
    scenario: Scenario,
    load: BackgroundCommand,
    *,
    env: Mapping[str, str],
    cwd: Path,
    duration: float,
    connections: int,
    meter: Meter | None = None,
) -> tuple[WrkResult, CommandResult]:
    """`run` while `python -m backend ARGS` runs; starts it `load.lead_seconds` before the measured run.

    The command is waited for (up to its timeout) after the measured run, so the next scenario
    does not share the server with it.
    """
    line = [sys.executable, "-m", "backend", *load.args]
    started = time.monotonic()
    with subprocess.Popen(
        line, cwd=cwd, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        finished: list[float] = []
        output: list[str] = []

        def wait() -> None:
            output.append(process.communicate()[0])
            finished.append(time.monotonic())

        waiter = threading.Thread(target=wait, daemon=True)
        waiter.start()
        try:
            time.sleep(load.lead_seconds)
            measured_from = time.monotonic()
            measured = run(base_url, scenario, duration=duration, connections=connections, meter=meter)
            measured_to = time.monotonic()
            waiter.join(timeout=load.timeout_seconds)
            if waiter.is_alive():
                raise WrkError(f"{load.command_line} still running after {load.timeout_seconds:g}s")
        except BaseException:
            process.kill()
            waiter.join()
            raise
    end = finished[0]
    covered = min(1.0, max(0.0, (end - measured_from) / (measured_to - measured_from)))
    lines = output[0].strip().splitlines()
    return measured, CommandResult(
        seconds=end - started,
        returncode=process.returncode,
        output=lines[-1] if lines else "",
        covered=covered,
    )
