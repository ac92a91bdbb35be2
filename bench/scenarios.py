"""Scenarios as data: what to request and what the server should answer.

A scenario set names its reference scenario, the one every other row is compared with in the same run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

JSON = MappingProxyType({"Content-Type": "application/json"})


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    expected_status: int = 200

    @property
    def needs_script(self) -> bool:
        """wrk's command line only does GET without a body; anything else takes a Lua script."""
        return self.method != "GET" or self.body is not None or bool(self.headers)

    @property
    def request_line(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class ScenarioSet:
    name: str
    description: str
    scenarios: tuple[Scenario, ...]
    reference: str = ""  # a scenario's name; the first scenario when empty

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

SETS: Mapping[str, ScenarioSet] = MappingProxyType({s.name: s for s in (ERRORS,)})
DEFAULT_SETS = ("errors",)
