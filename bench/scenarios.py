"""Scenarios as data: what to request and what the server should answer.

A scenario set names its reference scenario, the one every other row is compared with in the same run.
A set may also say how its server runs (environment overrides, worker count) and have a setup step
that runs against the live server and returns values for `$name` placeholders in headers and bodies.
A scenario may carry a background load: a second wrk process that runs for the whole measurement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from string import Template
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from bench import fixtures

if TYPE_CHECKING:
    from bench.server import Server

JSON = MappingProxyType({"Content-Type": "application/json"})

Setup = Callable[["Server"], Mapping[str, str]]
"""Runs once against the live server before a set is measured; returns the placeholder values."""

Seed = Callable[[Mapping[str, str]], None]
"""Runs once on the migrated database before the server starts; gets the server's env."""

Finish = Callable[["Server", "ScenarioSet"], str]
"""Runs once after the wrk passes (with the resolved set); returns markdown for the report."""


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    expected_status: int = 200
    background: Background | BackgroundCommand | None = None
    p99_ratio_target: float | None = None  # acceptance: p99 at most this many times the reference's
    rps_ratio_target: float | None = None  # acceptance: req/s at least this fraction of the reference's
    p50_ms_target: float | None = None  # acceptance: p50 latency under this many milliseconds
    cpu_ms_target: float | None = None  # acceptance: the server's CPU per request at most this many ms
    baseline_ratio: float | None = None  # req/s vs the reference before the work a target asks for
    variant: str = ""  # which of the set's servers (ScenarioSet.variants) it runs against
    timeout_seconds: float | None = None  # wrk's per-request timeout when not wrk's own 2 s
    wrk: bool = True  # False: too slow for wrk; only the set's finish step requests it (sequentially)
    target_reference: str = ""  # the scenario its targets compare with; the set's reference when empty

    def resolve(self, values: Mapping[str, str]) -> Scenario:
        """This scenario with `$name` placeholders in path, body and headers (and its background's) filled."""

        def fill(text: str) -> str:
            return Template(text).substitute(values)

        background = self.background
        if isinstance(background, Background):
            background = replace(background, scenario=background.scenario.resolve(values))
        return replace(
            self,
            path=fill(self.path),
            body=None if self.body is None else fill(self.body),
            headers=MappingProxyType({k: fill(v) for k, v in self.headers.items()}),
            background=background,
        )

    @property
    def needs_script(self) -> bool:
        """wrk's command line only does GET without a body; anything else takes a Lua script."""
        return self.method != "GET" or self.body is not None or bool(self.headers)

    @property
    def request_line(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Background:
    """A concurrent wrk load that starts before the measured run and ends after it."""

    scenario: Scenario
    connections: int
    threads: int = 1
    timeout_seconds: float = 30.0  # wrk's per-request timeout; slow requests here are expected


@dataclass(frozen=True)
class BackgroundCommand:
    """`python -m backend ARGS` (with the server's env) started before the measured run.

    `prepare` runs before each start, outside any measurement (e.g. to put back the rows the
    command deletes). The command's wall time is reported; it may end before the measured run does.
    """

    args: tuple[str, ...]
    prepare: Callable[[Server], None] | None = None
    lead_seconds: float = 0.5  # the command runs alone this long before the measured run starts
    timeout_seconds: float = 600.0

    @property
    def command_line(self) -> str:
        return "python -m backend " + " ".join(self.args)


@dataclass(frozen=True)
class ScenarioSet:
    name: str
    description: str
    scenarios: tuple[Scenario, ...]
    reference: str = ""  # a scenario's name; the first scenario when empty
    server_env: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )  # overrides of bench.server's defaults, e.g. BCRYPT_ROUNDS
    workers: int = 1  # server worker processes unless --workers is given
    connections: int = 50  # wrk connections unless --connections is given
    setup: Setup | None = None  # per server (per variant), after it is ready
    seed: Seed | None = None  # per server (per variant), after `migrate` and before `serve`
    finish: Finish | None = None  # after the passes, on the first variant's server
    # Servers to start side by side, each on its own database, by name: env overrides on top of
    # server_env. Scenarios pick one with `variant`; passes interleave them, so same-pass ratios
    # compare servers under the same machine conditions. One unnamed server by default.
    variants: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({"": MappingProxyType({})})
    )
    # Variants served by another module's `serve` command than `backend` (the bare ceiling app).
    variant_modules: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # After the passes: the access log's new rows against the requests wrk completed, and the
    # workers' memory sampled through the passes (on the server of variant "").
    audit: bool = False
    # Where the servers of variants served by `backend` keep their data: a SQLite file in a temp
    # dir, or a throwaway database on the PostgreSQL server BENCH_DATABASE_URL names.
    database: Literal["sqlite", "postgres"] = "sqlite"

    def __post_init__(self) -> None:
        names = [scenario.name for scenario in self.scenarios]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: scenario names repeat: {names}")
        if self.reference and self.reference not in names:
            raise ValueError(f"{self.name}: reference {self.reference!r} is not one of {names}")
        if not self.reference_scenario.wrk:
            raise ValueError(f"{self.name}: the reference must be a wrk scenario")
        references = {s.target_reference for s in self.scenarios if s.target_reference}
        if references - set(names):
            raise ValueError(f"{self.name}: unknown target reference(s) {sorted(references - set(names))}")
        unknown = {scenario.variant for scenario in self.scenarios} - set(self.variants)
        if unknown:
            raise ValueError(f"{self.name}: unknown variant(s) {sorted(unknown)}; have {list(self.variants)}")

    def variant_env(self, variant: str) -> dict[str, str]:
        return {**self.server_env, **self.variants[variant]}

    @property
    def reference_scenario(self) -> Scenario:
        name = self.reference or self.scenarios[0].name
        return next(scenario for scenario in self.scenarios if scenario.name == name)

    @property
    def measured(self) -> tuple[Scenario, ...]:
        """The scenarios wrk runs."""
        return tuple(scenario for scenario in self.scenarios if scenario.wrk)

    def resolved(self, values: Mapping[str, Mapping[str, str]]) -> ScenarioSet:
        """Placeholders filled, each scenario from its own variant's setup values."""
        scenarios = tuple(scenario.resolve(values[scenario.variant]) for scenario in self.scenarios)
        return replace(self, scenarios=scenarios)


ERRORS = ScenarioSet(
    name="errors",
    description="Error paths against the cheapest success, /healthz.",
    reference="ok",
    scenarios=(
        Scenario("ok", "/healthz"),
        Scenario("ready", "/readyz"),
        Scenario("not_found", "/api/v1/nope", expected_status=404),
        Scenario("method_not_allowed", "/healthz", method="DELETE", expected_status=405),
        Scenario(
            "malformed_json",
            "/api/v1/auth/login",
            method="POST",
            body='{"username": ',
            headers=JSON,
            expected_status=400,
        ),
        Scenario(
            "schema_violation",
            "/api/v1/auth/login",
            method="POST",
            body='{"username": 1}',
            headers=JSON,
            expected_status=422,
        ),
    ),
)

BEARER = MappingProxyType({"Authorization": "Bearer $access_token"})
LOGIN = Scenario(
    "login",
    "/api/v1/auth/login",
    method="POST",
    body='{"username": "$username", "password": "$password"}',
    headers=JSON,
)

# The login storm measures reads beside bcrypt, not throttling. Throttling counts a password check
# in progress as a place in each of its buckets (5 per username and address by default, so 8
# clients logging in as one user would get 429s), and a check whose client goes away (wrk abandons
# its in-flight logins at the end of every run) never gives its place back in the username's and
# the address's buckets (30 and 20): a few runs fill them. Room for far more than a run needs.
LOGIN_STORM_ENV = MappingProxyType(
    {
        "LOGIN_FAILURES_PER_USERNAME": "10000",
        "LOGIN_FAILURES_PER_USERNAME_TOTAL": "10000",
        "LOGIN_FAILURES_PER_IP": "10000",
    }
)

AUTH = ScenarioSet(
    name="auth",
    description=(
        "Authenticated reads with and without 8 clients logging in continuously, at the real bcrypt "
        "cost (BCRYPT_ROUNDS=12). Target: reads_during_logins p99 at most 2x reads p99."
    ),
    reference="reads",
    server_env=MappingProxyType({"BCRYPT_ROUNDS": "12", **LOGIN_STORM_ENV}),
    workers=2,
    setup=fixtures.user_with_token,
    scenarios=(
        Scenario("reads", "/api/v1/auth/me", headers=BEARER),
        Scenario(
            "reads_during_logins",
            "/api/v1/auth/me",
            headers=BEARER,
            background=Background(LOGIN, connections=8, threads=1),
            p99_ratio_target=2.0,
        ),
    ),
)

NO_PURGE = MappingProxyType({"PURGE_SCHEDULE": ""})  # the server's own purge would change the seeded data
PAGE_MS = 50.0
ME = Scenario("me", "/api/v1/auth/me", headers=BEARER)


def page(name: str, path: str) -> Scenario:
    """An admin page with a p50 target; wrk waits up to 60 s for it (slow pages are measured, not dropped)."""
    return Scenario(name, path, headers=BEARER, p50_ms_target=PAGE_MS, timeout_seconds=60.0)


USERS_100K = ScenarioSet(
    name="users100k",
    description=(
        "Admin pages of users with 100,000 users (role `user`) seeded into SQLite before the server "
        "starts, one connection (latency, not throughput). Target: each page's p50 under 50 ms."
    ),
    reference="me",
    server_env=NO_PURGE,
    workers=1,
    connections=1,
    seed=fixtures.seed_users_100k,
    setup=fixtures.user_with_token,
    finish=fixtures.sequential_latency,
    scenarios=(
        ME,
        page("list", "/api/v1/users"),
        page("newest", "/api/v1/users?sort=-created_at"),
        page("search", "/api/v1/users?q=user9999"),
        page("role_deep_page", "/api/v1/users?role=user&page=2000"),
    ),
)

ACCESS_LOG_PAGES = (
    page("first_page", "/api/v1/access-log"),
    page("username", "/api/v1/access-log?username=user42"),
    page("status_5xx", "/api/v1/access-log?status=5xx"),
    page("path_prefix", "/api/v1/access-log?path=/api/v1/patients"),
    page("one_day", "/api/v1/access-log?since=$week_ago&until=$six_days_ago"),
)

ACCESS_LOG_1M = ScenarioSet(
    name="accesslog1m",
    description=(
        "Access-log pages with 1,000,000 rows over 30 days seeded into SQLite before the server starts, "
        "one connection. Target: a filtered page's p50 under 50 ms. Then the CSV export of every row, "
        "with the workers' memory sampled (target: flat)."
    ),
    reference="me",
    server_env=NO_PURGE,
    workers=1,
    connections=1,
    seed=fixtures.seed_access_log_1m,
    setup=fixtures.admin_with_window,
    finish=fixtures.latency_and_export,
    scenarios=(
        ME,
        *ACCESS_LOG_PAGES,
        # Too slow for wrk runs of a few seconds (about 25 s a request with 1M rows): the finish
        # step times it with single requests instead.
        Scenario(
            "stats_30_days",
            "/api/v1/access-log/stats?bucket=day&since=$month_ago",
            headers=BEARER,
            timeout_seconds=300.0,
            wrk=False,
        ),
    ),
)

ACCESS_LOG_10M = ScenarioSet(
    name="accesslog10m",
    description=(
        "The access log on PostgreSQL, partitioned by month, with 10,000,000 rows over 13 months "
        "(BENCH_ACCESS_LOG_ROWS to try fewer) written by the database itself before the server starts, "
        "one connection. Targets: the first page and each filter's p50 under 50 ms, the 30-day "
        "statistics' under 200 ms. Then dropping the oldest month with reads going on: under 1 s, the "
        "reads' p99 at most 2x what it is without."
    ),
    reference="me",
    server_env=NO_PURGE,
    workers=1,
    connections=1,
    database="postgres",
    seed=fixtures.seed_postgres_access_log,
    setup=fixtures.admin_with_window,
    finish=fixtures.latency_and_partition_drop,
    scenarios=(
        ME,
        *ACCESS_LOG_PAGES,
        page("ip", "/api/v1/access-log?ip=10.1.7.8"),
        Scenario(
            "stats_30_days",
            "/api/v1/access-log/stats?bucket=day&since=$month_ago",
            headers=BEARER,
            p50_ms_target=200.0,
            timeout_seconds=60.0,
        ),
        Scenario(
            "stats_30_days_hourly",
            "/api/v1/access-log/stats?bucket=hour&since=$month_ago",
            headers=BEARER,
            p50_ms_target=200.0,
            timeout_seconds=60.0,
        ),
    ),
)

PURGE_1M = ScenarioSet(
    name="purge1m",
    description=(
        "Authenticated reads alone, then while `python -m backend purge` deletes 1,000,000 expired "
        "logins (put back before each pass, outside the measurement). Target: reads_during_purge p99 "
        "at most 2x reads p99."
    ),
    reference="reads",
    server_env=NO_PURGE,
    workers=2,
    setup=fixtures.admin_with_expired_tokens,
    scenarios=(
        Scenario("reads", "/api/v1/auth/me", headers=BEARER),
        Scenario(
            "reads_during_purge",
            "/api/v1/auth/me",
            headers=BEARER,
            background=BackgroundCommand(("purge",), prepare=fixtures.top_up_expired_tokens),
            p99_ratio_target=2.0,
        ),
    ),
)

LOG_OVERHEAD = ScenarioSet(
    name="log_overhead",
    description=(
        "Authenticated reads on three servers side by side, identical but for ACCESS_LOG_MODE. "
        "Target: durable (the default) req/s at least 0.6x off."
    ),
    reference="off",
    workers=2,
    setup=fixtures.user_with_token,
    variants=MappingProxyType(
        {mode: MappingProxyType({"ACCESS_LOG_MODE": mode}) for mode in ("off", "durable", "buffered")}
    ),
    scenarios=(
        Scenario("off", "/api/v1/auth/me", headers=BEARER, variant="off"),
        Scenario("durable", "/api/v1/auth/me", headers=BEARER, variant="durable", rps_ratio_target=0.6),
        Scenario("buffered", "/api/v1/auth/me", headers=BEARER, variant="buffered", rps_ratio_target=0.6),
    ),
)

PATIENT_BODY = '{"name": "Ada", "surname": "Lovelace", "birthday": "1952-12-10"}'
BAD_BEARER = MappingProxyType({"Authorization": "Bearer not-a-token"})

# Issue 15's targets, as ratios to the ceiling in the same pass.
READ_TARGET = MappingProxyType({"sqlite": 0.20, "postgres": 0.10})
READ_CPU_MS_TARGET_POSTGRES = 0.35  # the server's CPU per read on PostgreSQL
BASELINE_FACTOR = 2.0  # a page of 20 and a create: at least this many times their baseline ratio
# Issue 18: the read with metrics on (the default) at least this fraction of the read with them off.
METRICS_TARGET = 0.95
# The baseline: req/s vs the ceiling, medians over the passes of `python -m bench core core_postgres
# --runs 3 --duration 5` on main's code before issue 15's changes (e89df2a), 2026-12-06 02:00 UTC,
# load average 4.8 on 2 CPUs (docs/benchmarks.md, "Baseline").
BASELINE = MappingProxyType(
    {
        "sqlite": MappingProxyType({"read": 0.056, "page": 0.039, "create": 0.024}),
        "postgres": MappingProxyType({"read": 0.022, "page": 0.047, "create": 0.030}),
    }
)


def _core_scenarios(database: Literal["sqlite", "postgres"]) -> tuple[Scenario, ...]:
    baseline = BASELINE[database]
    cpu_target = READ_CPU_MS_TARGET_POSTGRES if database == "postgres" else None
    return (
        Scenario("ceiling", "/patient", variant="bare"),
        Scenario(
            "read",
            "/api/v1/patients/$patient_id",
            headers=BEARER,
            rps_ratio_target=READ_TARGET[database],
            cpu_ms_target=cpu_target,
            baseline_ratio=baseline["read"],
        ),
        # Right after `read`, its reference: no drift, and no WAL that `create` just grew.
        Scenario(
            "read_during_logins",
            "/api/v1/patients/$patient_id",
            headers=BEARER,
            background=Background(LOGIN, connections=8, threads=1),
            p99_ratio_target=2.0,
            target_reference="read",
        ),
        # The metrics' cost: the read on a server with METRICS_ENABLED=false, then the same read on
        # one with them on, back to back in every pass. Each server answers only its own scenario, so
        # both databases hold the same rows (the main server's access log has grown by every other
        # scenario's requests: comparing against it measured that, 0.85x on SQLite in one run).
        Scenario("read_no_metrics", "/api/v1/patients/$patient_id", headers=BEARER, variant="no_metrics"),
        Scenario(
            "read_metrics",
            "/api/v1/patients/$patient_id",
            headers=BEARER,
            variant="metrics",
            rps_ratio_target=METRICS_TARGET,
            target_reference="read_no_metrics",
        ),
        Scenario(
            "page",
            "/api/v1/patients?per_page=20",
            headers=BEARER,
            rps_ratio_target=BASELINE_FACTOR * baseline["page"],
            baseline_ratio=baseline["page"],
        ),
        Scenario(
            "create",
            "/api/v1/patients",
            method="POST",
            body=PATIENT_BODY,
            headers=BEARER | JSON,
            expected_status=201,
            rps_ratio_target=BASELINE_FACTOR * baseline["create"],
            baseline_ratio=baseline["create"],
        ),
        Scenario("legacy_read", "/api/patient/$patient_id", headers=BEARER),
        # Error paths at least as fast as a success.
        Scenario(
            "bad_token",
            "/api/v1/patients/$patient_id",
            headers=BAD_BEARER,
            expected_status=401,
            rps_ratio_target=1.0,
            target_reference="read",
        ),
        Scenario(
            "not_found", "/api/v1/nope", expected_status=404, rps_ratio_target=1.0, target_reference="read"
        ),
        Scenario(
            "invalid_body",
            "/api/v1/patients",
            method="POST",
            body='{"name": ""}',
            headers=BEARER | JSON,
            expected_status=422,
            rps_ratio_target=1.0,
            target_reference="read",
        ),
    )


# Beside `read`, in the same pass: no statement cache of ours is warmer or colder than its.
FLOOR = Scenario("floor", "/patient", variant="floor")

CORE = ScenarioSet(
    name="core",
    description=(
        "The template's hot paths on 2 workers against the ceiling: a bare Sanic app with the same "
        "server settings answering a small JSON (`bench/bare_app.py`), started side by side. Every "
        "ratio is to that ceiling in the same pass. `read` fetches a patient with one appointment "
        "with two measures. Bcrypt at its real cost (BCRYPT_ROUNDS=12)."
    ),
    reference="ceiling",
    server_env=MappingProxyType({"BCRYPT_ROUNDS": "12", "PURGE_SCHEDULE": "", **LOGIN_STORM_ENV}),
    workers=2,
    setup=fixtures.patients_and_token,
    variants=MappingProxyType(
        {
            "": MappingProxyType({}),
            "bare": MappingProxyType({}),
            "no_metrics": MappingProxyType({"METRICS_ENABLED": "false"}),
            "metrics": MappingProxyType({}),  # the default: metrics on
        }
    ),
    variant_modules=MappingProxyType({"bare": "bench.bare_app"}),
    audit=True,
    scenarios=_core_scenarios("sqlite"),
)

CORE_POSTGRES = replace(
    CORE,
    name="core_postgres",
    description=CORE.description.replace("side by side.", "side by side, on PostgreSQL.", 1)
    + " `floor` is the least such a read can cost on this stack (`bench/floor_app.py`: its three "
    "statements through asyncpg, nothing else).",
    database="postgres",
    variants=MappingProxyType({**CORE.variants, "floor": MappingProxyType({})}),
    variant_modules=MappingProxyType({**CORE.variant_modules, "floor": "bench.floor_app"}),
    scenarios=(*_core_scenarios("postgres")[:2], FLOOR, *_core_scenarios("postgres")[2:]),
)

SETS: Mapping[str, ScenarioSet] = MappingProxyType(
    {
        s.name: s
        for s in (
            CORE,
            CORE_POSTGRES,
            ERRORS,
            AUTH,
            USERS_100K,
            ACCESS_LOG_1M,
            ACCESS_LOG_10M,
            PURGE_1M,
            LOG_OVERHEAD,
        )
    }
)
DEFAULT_SETS = ("core",)  # and core_postgres when BENCH_DATABASE_URL is set (see bench/__main__.py)
