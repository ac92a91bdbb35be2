"""Setup steps for scenario sets: run once against the live server, return `$name` placeholder values."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from bench import client, seed
from bench.server import ROOT, ServerError, backend

if TYPE_CHECKING:
    from bench.scenarios import ScenarioSet
    from bench.server import Server

BENCH_USERNAME = "bench-user"


def user_with_token(server: Server) -> Mapping[str, str]:
    """Create a user with the CLI (the server's env, so its BCRYPT_ROUNDS) and log it in once.

    Returns `username`, `password` (hex, so safe inside a JSON string) and `access_token`.
    """
    password = secrets.token_hex(16)
    backend(server.env, "create-admin", "--username", BENCH_USERNAME, "--password", password)
    body = json.dumps({"username": BENCH_USERNAME, "password": password})
    status, answer = client.request(
        server.url,
        "/api/v1/auth/login",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
        timeout=30.0,
    )
    if status != 200:
        raise ServerError(f"setup login answered {status}: {answer[:500]!r}")
    token = json.loads(answer).get("access_token")
    if not isinstance(token, str) or not token:
        raise ServerError(f"setup login answered no access_token: {answer[:500]!r}")
    return {"username": BENCH_USERNAME, "password": password, "access_token": token}


def _iso(moment: dt.datetime) -> str:
    """A URL-safe UTC timestamp for query strings: `2026-11-17T05:00:00Z`."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def admin_with_window(server: Server) -> Mapping[str, str]:
    """`user_with_token`, plus `month_ago`, `week_ago` and `six_days_ago` for time filters."""
    now = dt.datetime.now(dt.UTC)
    return {
        **user_with_token(server),
        "month_ago": _iso(now - dt.timedelta(days=30)),
        "week_ago": _iso(now - dt.timedelta(days=7)),
        "six_days_ago": _iso(now - dt.timedelta(days=6)),
    }


def top_up_expired_tokens(server: Server) -> None:
    """Put back the expired logins of the bench user up to 1M (a purge deletes them)."""
    seed.seed_expired_tokens(server.env, seed.user_id(server.env, BENCH_USERNAME))


def admin_with_expired_tokens(server: Server) -> Mapping[str, str]:
    """`user_with_token`, then 1M expired logins of that user straight into the database."""
    values = user_with_token(server)
    top_up_expired_tokens(server)
    return values


def _bearer(scenario_set: ScenarioSet) -> dict[str, str]:
    return dict(scenario_set.reference_scenario.headers)


def sequential_latency(server: Server, scenario_set: ScenarioSet, requests: int = 10) -> str:
    """Each scenario requested `requests` times one after another (a new connection each).

    Scenarios too slow for wrk (`wrk=False`) get 3 requests, with their own timeout.
    """
    lines = [
        f"Single requests, {requests} in sequence per scenario (3 for those too slow for wrk; "
        "a new connection each, http.client):",
        "",
        "| scenario | status | min ms | median ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for scenario in scenario_set.scenarios:
        if scenario.background is not None:
            continue
        timings, statuses = [], set()
        for _ in range(requests if scenario.wrk else 3):
            started = time.perf_counter()
            code, _ = client.request(
                server.url,
                scenario.path,
                method=scenario.method,
                headers=scenario.headers,
                timeout=scenario.timeout_seconds or 60.0,
            )
            timings.append((time.perf_counter() - started) * 1000)
            statuses.add(code)
        lines.append(
            f"| {scenario.name} | {', '.join(map(str, sorted(statuses)))} | {min(timings):.1f} "
            f"| {statistics.median(timings):.1f} | {max(timings):.1f} |"
        )
    return "\n".join(lines)


def worker_pids(main_pid: int) -> list[int]:
    """The Sanic server workers: children of the main process with SANIC_WORKER_NAME=Sanic-Server-*."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == main_pid and b"SANIC_WORKER_NAME=Sanic-Server-" in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return sorted(found)


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def export_memory(server: Server, scenario_set: ScenarioSet) -> str:
    """Stream the whole CSV export with httpx, sampling the workers' RSS every 0.5 s meanwhile."""
    pids = worker_pids(server.process.pid)
    samples: dict[int, list[int]] = {pid: [] for pid in pids}
    stop = threading.Event()

    def sample() -> None:
        while True:
            for pid in pids:
                if (kib := rss_kib(pid)) is not None:
                    samples[pid].append(kib)
            if stop.wait(0.5):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    lines = size = 0
    started = time.perf_counter()
    sampler.start()
    try:
        with httpx.stream(
            "GET", server.url + "/api/v1/access-log/export", headers=_bearer(scenario_set), timeout=120.0
        ) as response:
            status = response.status_code
            for line in response.iter_lines():
                lines += 1
                size += len(line)
    finally:
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
    rows = max(0, lines - 1)  # the header line
    table = [
        "CSV export of every row (`GET /api/v1/access-log/export`, streamed with httpx), "
        "server workers' VmRSS sampled every 0.5 s:",
        "",
        "| status | rows | seconds | rows/s | MiB of CSV | worker | RSS samples | RSS min MiB "
        "| RSS max MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for pid, kib in samples.items():
        low, high = (f"{min(kib) / 1024:.1f}", f"{max(kib) / 1024:.1f}") if kib else ("-", "-")
        table.append(
            f"| {status} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} | {size / 2**20:.1f} "
            f"| pid {pid} | {len(kib)} | {low} | {high} |"
        )
    return "\n".join(table)


def latency_and_export(server: Server, scenario_set: ScenarioSet) -> str:
    return sequential_latency(server, scenario_set) + "\n\n" + export_memory(server, scenario_set)


def seed_users_100k(env: Mapping[str, str]) -> None:
    seed.seed_users(env)


def seed_access_log_1m(env: Mapping[str, str]) -> None:
    seed.seed_access_log(env)


READER_USERNAME = "bench-reader"
PATIENTS = 50  # made by setup, so that a page of 20 is full


def _login(server: Server, username: str, password: str) -> str:
    body = json.dumps({"username": username, "password": password})
    status, answer = client.request(
        server.url,
        "/api/v1/auth/login",
        method="POST",
        body=body,
        headers={"Content-Type": "application/json"},
        timeout=30.0,
    )
    token = json.loads(answer).get("access_token") if status == 200 else None
    if not isinstance(token, str) or not token:
        raise ServerError(f"setup login of {username} answered {status}: {answer[:500]!r}")
    return token


def _post(server: Server, path: str, token: str, payload: Mapping[str, object]) -> dict[str, object]:
    status, answer = client.request(
        server.url,
        path,
        method="POST",
        body=json.dumps(payload),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        timeout=30.0,
    )
    if status != 201:
        raise ServerError(f"setup POST {path} answered {status}: {answer[:500]!r}")
    answered: dict[str, object] = json.loads(answer)
    return answered


# The record `read` fetches: a patient with one appointment with two measures, as the issue's
# comparison read it (and as a client's patient usually is), not a bare patient row.
READ_RECORD_CATEGORY = {"name": "blood pressure"}


def read_record(category_id: int) -> dict[str, object]:
    """The body that creates the patient `read` fetches: one appointment with two measures."""
    measure = {"category_id": category_id, "timestamp": "2026-11-30T09:35:00Z"}
    return {
        "name": "Grace",
        "surname": "Hopper",
        "birthday": "1906-12-09",
        "appointments": [
            {
                "date": "2026-11-30T09:30:00Z",
                "notes": "Check-up",
                "measures": [
                    {**measure, "marker": "systolic", "value": 120.0},
                    {**measure, "marker": "diastolic", "value": 80.0},
                ],
            }
        ],
    }


def _check_read_record(server: Server, token: str, path: str) -> None:
    """`read` must fetch what it claims to: the patient with one appointment with two measures."""
    status, answer = client.request(server.url, path, headers={"Authorization": f"Bearer {token}"})
    appointments = json.loads(answer).get("appointments") if status == 200 else None
    if (
        not isinstance(appointments, list)
        or len(appointments) != 1
        or len(appointments[0].get("measures", [])) != 2
    ):
        raise ServerError(f"setup: GET {path} is not one appointment with two measures: {answer[:500]!r}")


def patients_and_token(server: Server) -> Mapping[str, str]:
    """A user with only the role `user` (created by the admin of `user_with_token`), logged in, and
    PATIENTS patients, the first with one appointment with two measures (in a category the admin
    creates). `username`, `password` and `access_token` are that user's; `patient_id` the first
    patient's. Nothing for a server that is not ours (the bare ceiling app needs no setup)."""
    if server.app_module != "backend":
        return {}
    admin = user_with_token(server)
    password = secrets.token_hex(16)
    user = {"username": READER_USERNAME, "password": password, "roles": ["user"]}
    _post(server, "/api/v1/users", admin["access_token"], {**user, "password_change_required": False})
    token = _login(server, READER_USERNAME, password)
    category = _post(server, "/api/v1/categories", admin["access_token"], READ_RECORD_CATEGORY)
    patient = _post(server, "/api/v1/patients", token, read_record(int(str(category["id"]))))
    _check_read_record(server, token, f"/api/v1/patients/{patient['id']}")
    for number in range(1, PATIENTS):  # a full page of 20 to list, and more
        _post(
            server,
            "/api/v1/patients",
            token,
            {"name": f"Patient {number}", "surname": f"Bench {number:03}", "birthday": "1970-01-01"},
        )
    return {
        "username": READER_USERNAME,
        "password": password,
        "access_token": token,
        "patient_id": str(patient["id"]),
    }


def seed_postgres_access_log(env: Mapping[str, str]) -> None:
    seed.seed_postgres_access_log(env)


DROP_SECONDS_TARGET = 1.0
DROP_P99_RATIO_TARGET = 2.0
READERS = 2  # threads reading while the month is dropped, each one request after another


def _read_latencies(server: Server, path: str, headers: Mapping[str, str], seconds: float) -> list[float]:
    """Milliseconds of each read by READERS threads, each requesting `path` in a loop for `seconds`."""
    timings: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def read() -> None:
        with httpx.Client(base_url=server.url, headers=dict(headers), timeout=60.0) as http:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                http.get(path).raise_for_status()
                with lock:
                    timings.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=read) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def _p99(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=100)[98]


def partition_drop(server: Server, scenario_set: ScenarioSet, seconds: float = 10.0) -> str:
    """Reads of the log's first page alone, then while the oldest month's partition is dropped
    (`python -m bench.partition_drop`, the application's own code, started 1 s into the reads)."""
    headers, path = _bearer(scenario_set), "/api/v1/access-log"
    alone = _read_latencies(server, path, headers, seconds)
    result: dict[str, object] = {}

    def drop() -> None:
        time.sleep(1.0)
        answer = subprocess.run(
            [sys.executable, "-m", "bench.partition_drop"],
            env=dict(server.env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        result.update(json.loads(answer.stdout))

    dropper = threading.Thread(target=drop)
    dropper.start()
    during = _read_latencies(server, path, headers, seconds)
    dropper.join()
    took, ratio = float(str(result["seconds"])), _p99(during) / _p99(alone)
    verdict = {True: "**met**", False: "**not met**"}
    return "\n".join(
        [
            f"Dropping the oldest month (`{result['partition']}`, {int(str(result['rows'])):,} rows) through "
            f"backend/audit/partitions.py while {READERS} clients read `GET {path}`, one request after "
            f"another ({seconds:g} s of reads alone, then {seconds:g} s with the drop 1 s in):",
            "",
            "| reads | requests | p50 ms | p99 ms |",
            "|---|---|---|---|",
            f"| alone | {len(alone)} | {statistics.median(alone):.1f} | {_p99(alone):.1f} |",
            f"| during the drop | {len(during)} | {statistics.median(during):.1f} | {_p99(during):.1f} |",
            "",
            f"- Target: dropping a month under {DROP_SECONDS_TARGET:g} s: {took:.3f} s, "
            f"{verdict[took < DROP_SECONDS_TARGET]}.",
            f"- Target: reads' p99 during the drop at most {DROP_P99_RATIO_TARGET:g}x alone: {ratio:.2f}x, "
            f"{verdict[ratio <= DROP_P99_RATIO_TARGET]}.",
        ]
    )


def latency_and_partition_drop(server: Server, scenario_set: ScenarioSet) -> str:
    return sequential_latency(server, scenario_set) + "\n\n" + partition_drop(server, scenario_set)
