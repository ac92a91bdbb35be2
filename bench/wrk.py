"""Running wrk (2 threads) against one scenario and reading its report."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import Scenario

THREADS = 2
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

    @property
    def p50_ms(self) -> float:
        return self.percentiles_ms[50.0]

    @property
    def p99_ms(self) -> float:
        return self.percentiles_ms[99.0]


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


def run(base_url: str, scenario: Scenario, *, duration: float, connections: int) -> WrkResult:
    """One wrk run of `scenario` for `duration` seconds with `connections` keep-alive connections."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        command = [
            "wrk",
            f"--threads={THREADS}",
            f"--connections={max(connections, THREADS)}",
            f"--duration={max(1, round(duration))}s",
            "--latency",
        ]
        if scenario.needs_script:
            script = Path(tmp) / f"{scenario.name}.lua"
            script.write_text(lua_script(scenario))
            command.append(f"--script={script}")
        command.append(base_url + scenario.path)
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=duration + 60)
    if done.returncode != 0:
        raise WrkError(f"wrk exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return parse(done.stdout)
