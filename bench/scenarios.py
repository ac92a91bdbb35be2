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
from typing import TYPE_CHECKING

from bench import fixtures

if TYPE_CHECKING:
    from bench.server import Server

JSON = MappingProxyType({"Content-Type": "application/json"})

Setup = Callable[["Server"], Mapping[str, str]]
"""Runs once against the live server before a set is measured; returns the placeholder values."""


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    expected_status: int = 200
    background: Background | None = None
    p99_ratio_target: float | None = None  # acceptance: p99 at most this many times the reference's

    def resolve(self, values: Mapping[str, str]) -> Scenario:
        """This scenario with `$name` placeholders in path, body and headers (and its background's) filled."""

        def fill(text: str) -> str:
            return Template(text).substitute(values)

        background = self.background
        if background is not None:
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
class ScenarioSet:
    name: str
    description: str
    scenarios: tuple[Scenario, ...]
    reference: str = ""  # a scenario's name; the first scenario when empty
    server_env: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )  # overrides of bench.server's defaults, e.g. BCRYPT_ROUNDS
    workers: int = 1  # server worker processes unless --workers is given
    setup: Setup | None = None

    def __post_init__(self) -> None:
        names = [scenario.name for scenario in self.scenarios]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: scenario names repeat: {names}")
        if self.reference and self.reference not in names:
            raise ValueError(f"{self.name}: reference {self.reference!r} is not one of {names}")

    @property
    def reference_scenario(self) -> Scenario:
        name = self.reference or self.scenarios[0].name
        return next(scenario for scenario in self.scenarios if scenario.name == name)

    def resolved(self, values: Mapping[str, str]) -> ScenarioSet:
        return replace(self, scenarios=tuple(scenario.resolve(values) for scenario in self.scenarios))


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

AUTH = ScenarioSet(
    name="auth",
    description=(
        "Authenticated reads with and without 8 clients logging in continuously, at the real bcrypt "
        "cost (BCRYPT_ROUNDS=12). Target: reads_during_logins p99 at most 2x reads p99."
    ),
    reference="reads",
    server_env=MappingProxyType({"BCRYPT_ROUNDS": "12"}),
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

SETS: Mapping[str, ScenarioSet] = MappingProxyType({s.name: s for s in (ERRORS, AUTH)})
DEFAULT_SETS = ("errors",)
