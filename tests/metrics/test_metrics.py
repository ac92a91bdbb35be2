"""GET /metrics in the test's own process (values in memory): who may read it, what it counts, and
its text parsing as Prometheus' format. Workers adding up: tests/metrics/test_metrics_live.py."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import ip_network
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sanic.compat import Header

from backend.app import create_app
from backend.audit import writer
from backend.config import Settings
from backend.metrics.routes import may_scrape
from tests.factories import DEFAULT_PASSWORD
from tests.harness import ROOT, serve_in_process
from tests.helpers import LOGIN, Caller, assert_problem, caller

PATIENT_ROUTE = "/api/v1/patients/<patient_id:id>"
PATIENT = {"name": "Ada", "surname": "Lovelace", "birthday": "1952-12-10"}
LOOPBACK = [ip_network("127.0.0.1/32"), ip_network("::1/128")]
PROXY = [ip_network("10.0.0.0/8")]

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample of the exposition by name and labels (the parser raises on a malformed text)."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse(response.text)


@asynccontextmanager
async def serving(settings: Settings, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=overrides), name=f"test_{uuid.uuid4().hex}")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def test_requests_are_counted_and_timed_by_route_template_method_and_status_class(
    client: httpx.AsyncClient, user: Caller
) -> None:
    ids = []
    for _ in range(2):
        created = await client.post("/api/v1/patients", json=PATIENT, headers=user.headers)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    for patient_id in ids:
        assert (await client.get(f"/api/v1/patients/{patient_id}", headers=user.headers)).status_code == 200
    assert (await client.get(f"/api/v1/patients/{ids[-1] + 1}", headers=user.headers)).status_code == 404
    assert (await client.get("/api/v1/nope")).status_code == 404
    assert (await client.request("BREW", "/api/v1/nope")).status_code in {404, 405}

    samples = await scrape(client)
    ok = {"route": PATIENT_ROUTE, "method": "GET"}
    assert value(samples, "http_requests_total", **ok, status="2xx") == 2  # two patients, one series
    assert value(samples, "http_requests_total", **ok, status="4xx") == 1
    assert value(samples, "http_request_duration_seconds_count", **ok) == 3
    assert value(samples, "http_request_duration_seconds_bucket", **ok, le="+Inf") == 3
    assert value(samples, "http_request_duration_seconds_sum", **ok) > 0
    created = {"route": "/api/v1/patients", "method": "POST", "status": "2xx"}
    assert value(samples, "http_requests_total", **created) == 2
    assert value(samples, "http_requests_total", route="unmatched", method="GET", status="4xx") == 1
    assert value(samples, "http_requests_total", route="unmatched", method="OTHER", status="4xx") == 1
    routes = {dict(labels)["route"] for (name, labels) in samples if name == "http_requests_total"}
    assert routes == {"/api/v1/auth/login", "/api/v1/patients", PATIENT_ROUTE, "unmatched"}
    assert value(samples, "access_log_batch_rows_count") > 0


async def test_logins_refreshes_and_revocations_are_counted(settings: Settings) -> None:
    async with serving(settings, login_failures_per_username=2) as client:
        alice = await caller(client, "alice", ("user",))
        statuses = []
        for _ in range(4):  # wrong passwords: refused, then throttled
            sent = {"username": "alice", "password": "wrong-password-1"}
            statuses.append((await client.post(LOGIN, json=sent)).status_code)
        assert statuses[0] == 401, statuses
        assert 429 in statuses, statuses
        refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": alice.refresh_token})
        assert refreshed.status_code == 200, refreshed.text
        assert (await client.post("/api/v1/auth/logout", headers=alice.headers)).status_code == 204

        samples = await scrape(client)
    assert value(samples, "auth_logins_total", outcome="succeeded") == 1
    assert value(samples, "auth_logins_total", outcome="failed") == statuses.count(401)
    assert value(samples, "auth_logins_total", outcome="throttled") == statuses.count(429)
    assert value(samples, "auth_tokens_refreshed_total") == 1
    assert value(samples, "auth_tokens_revoked_total", reason="logout") == 1


async def test_a_response_replaced_by_the_access_logs_503_is_counted_as_sent(
    client: httpx.AsyncClient, user: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(rows: Any) -> None:
        raise ConnectionRefusedError("the database is down")

    with monkeypatch.context() as patched:
        patched.setattr(writer, "insert_rows", refuse)
        refused = await client.get("/api/v1/auth/me", headers=user.headers)
    assert_problem(refused, 503, "access_log_unavailable")

    samples = await scrape(client)
    me = {"route": "/api/v1/auth/me", "method": "GET"}
    assert value(samples, "http_requests_total", **me, status="5xx") == 1
    assert value(samples, "http_requests_total", **me, status="2xx") == 0
    assert value(samples, "access_log_write_failures_total") == 1
    assert value(samples, "access_log_failed_rows_total") == 1


async def test_an_address_not_allowed_gets_the_404_of_a_path_that_names_nothing(settings: Settings) -> None:
    async with serving(settings, metrics_allow=[ip_network("192.0.2.1/32")]) as client:
        nothing = assert_problem(await client.get("/nope-nothing-here"), 404, "not_found")
        for method in ("GET", "POST", "DELETE"):
            response = await client.request(method, "/metrics")
            assert assert_problem(response, 404, "not_found")["detail"] == nothing["detail"]
            assert "allow" not in response.headers


async def test_an_allowed_address_gets_405_for_another_method(client: httpx.AsyncClient) -> None:
    response = await client.post("/metrics")
    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET"


async def test_metrics_switched_off_are_not_served(settings: Settings) -> None:
    async with serving(settings, metrics_enabled=False) as client:
        assert_problem(await client.get("/metrics"), 404, "not_found")
        assert (
            await client.post(LOGIN, json={"username": "x", "password": DEFAULT_PASSWORD})
        ).status_code == 401


def request(peer: str, **headers: str) -> Any:
    return SimpleNamespace(ip=peer, headers=Header({k.replace("_", "-"): v for k, v in headers.items()}))


@pytest.mark.parametrize(
    ("peer", "headers", "trusted", "allowed"),
    [
        ("127.0.0.1", {}, [], True),
        ("::1", {}, [], True),
        ("::ffff:127.0.0.1", {}, [], True),  # an IPv4 client of a server listening on ::
        ("203.0.113.9", {}, [], False),
        # A proxy on this host that is not trusted: its clients must not pass for loopback.
        ("127.0.0.1", {"x_forwarded_for": "203.0.113.9"}, [], False),
        ("127.0.0.1", {"forwarded": "for=127.0.0.1"}, [], False),
        # A client cannot name itself into the list.
        ("203.0.113.9", {"x_forwarded_for": "127.0.0.1"}, PROXY, False),
        # Behind a trusted proxy, the client it names is the one judged.
        ("10.0.0.2", {"x_forwarded_for": "127.0.0.1"}, PROXY, True),
        ("10.0.0.2", {"x_forwarded_for": "203.0.113.9"}, PROXY, False),
        ("10.0.0.2", {}, PROXY, False),  # the proxy itself is not in METRICS_ALLOW
    ],
)
def test_who_may_scrape(peer: str, headers: dict[str, str], trusted: list[Any], allowed: bool) -> None:
    assert may_scrape(request(peer, **headers), LOOPBACK, trusted) is allowed


async def test_the_grafana_dashboard_uses_only_metrics_the_server_exports(client: httpx.AsyncClient) -> None:
    dashboard = json.loads((ROOT / "docs" / "grafana-dashboard.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
        for name in re.findall(r"([a-z_]+)\{", target["expr"])
    }
    response = await client.get("/metrics")
    exported = {
        family.name + suffix
        for family in text_string_to_metric_families(response.text)
        for suffix in ("", "_total", "_bucket", "_sum", "_count")
    }
    assert len(used) >= 12
    assert used <= exported, used - exported
