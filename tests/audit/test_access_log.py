"""Every request gets a row, with the right fields, and the log reads back through the admin API."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import uuid
from datetime import timedelta
from ipaddress import ip_network

import httpx
import pytest
from sanic import Sanic
from tortoise import connections
from tortoise.exceptions import ValidationError
from tortoise.transactions import in_transaction

from backend.app import create_app
from backend.audit import queries
from backend.audit.models import AccessLog
from backend.audit.schemas import AccessLogFilters
from backend.audit.writer import insert_rows
from backend.clock import utcnow
from backend.config import Settings
from tests.conftest import requires_postgres
from tests.factories import DEFAULT_PASSWORD, make_access_log_rows, make_user
from tests.harness import eventually, serve_in_process
from tests.helpers import Caller, bearer, login


async def rows() -> list[AccessLog]:
    return await AccessLog.all().order_by("id")


async def test_every_outcome_gets_one_row_with_its_fields(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    tokens = await login(client, "alice")
    await AccessLog.all().delete()
    sent = [
        await client.get(
            "/api/v1/auth/me", headers={**bearer(tokens["access_token"]), "User-Agent": "tests/1"}
        ),
        await client.get("/api/v1/auth/me", headers=bearer("not-a-token")),
        await client.get("/api/v1/nowhere?x=1"),
        await client.delete("/healthz"),
        await client.post("/api/v1/auth/login", json={"username": 3}),
        await client.post("/api/v1/auth/login", content=b"{", headers={"content-type": "application/json"}),
    ]
    logged = await rows()
    assert [(r.method, r.path, r.status) for r in logged] == [
        ("GET", "/api/v1/auth/me", 200),
        ("GET", "/api/v1/auth/me", 401),
        ("GET", "/api/v1/nowhere", 404),
        ("DELETE", "/healthz", 405),
        ("POST", "/api/v1/auth/login", 422),
        ("POST", "/api/v1/auth/login", 400),
    ]
    assert [r.request_id for r in logged] == [response.headers["x-request-id"] for response in sent]
    first = logged[0]
    assert (first.username, first.user_agent, first.ip) == ("alice", "tests/1", "127.0.0.1")
    assert first.user_id is not None
    assert first.duration_ms > 0
    assert logged[1].username is None
    assert logged[2].query == "x=1"


async def test_secret_looking_query_parameters_are_redacted(client: httpx.AsyncClient) -> None:
    await client.get("/healthz?access_token=abc&Password=hunter2&page=2&token=t&refresh_token=r")
    assert (await rows())[-1].query == (
        "access_token=[redacted]&Password=[redacted]&page=2&token=[redacted]&refresh_token=[redacted]"
    )


async def test_a_percent_encoded_secret_parameter_is_redacted_too(client: httpx.AsyncClient) -> None:
    await client.get("/healthz?%70assword=hunter2&access%5Ftoken=abc&q=%70assword")
    assert (await rows())[-1].query == "%70assword=[redacted]&access%5Ftoken=[redacted]&q=%70assword"


async def test_values_are_stored_as_sent_but_bounded(client: httpx.AsyncClient) -> None:
    await client.get("/healthz", headers={"User-Agent": "x" * 5000})
    await client.get("/" + "p" * 3000)
    long_agent, long_path = (await rows())[-2:]
    assert long_agent.user_agent == "x" * 512
    assert len(long_path.path) == 2048


async def test_admin_actions_are_recorded_as_events(client: httpx.AsyncClient, admin: Caller) -> None:
    created = await client.post(
        "/api/v1/users",
        headers=admin.headers,
        json={"username": "bob", "password": "a long enough passphrase"},
    )
    user_id = created.json()["id"]
    await client.patch(f"/api/v1/users/{user_id}", headers=admin.headers, json={"roles": ["admin", "user"]})
    await client.delete(f"/api/v1/users/{user_id}", headers=admin.headers)
    events = [r.event for r in await AccessLog.filter(event__not_isnull=True).order_by("id")]
    assert [e["action"] for e in events if e] == ["auth.login", "user.create", "user.update", "user.delete"]
    update = events[2]
    assert update is not None
    assert update["target_username"] == "bob"
    assert update["changes"] == {"roles": {"from": ["user"], "to": ["admin", "user"]}}
    listed = await client.get("/api/v1/access-log?path=/api/v1/users&method=DELETE", headers=admin.headers)
    assert listed.json()["items"][0]["event"]["action"] == "user.delete"
    assert listed.json()["items"][0]["username"] == "root"


async def test_failed_and_successful_logins_are_recorded(client: httpx.AsyncClient) -> None:
    await make_user("alice")
    await client.post("/api/v1/auth/login", json={"username": "Alice", "password": "wrong password!"})
    await login(client, "alice")
    events = [r.event for r in await rows()]
    assert events == [
        {"action": "auth.login", "username": "alice", "succeeded": False},
        {"action": "auth.login", "username": "alice", "succeeded": True},
    ]


async def test_the_access_log_is_for_admins_only_and_read_only(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    await make_user("plain")
    plain = bearer((await login(client, "plain"))["access_token"])
    for path in ("/api/v1/access-log", "/api/v1/access-log/export", "/api/v1/access-log/stats"):
        assert (await client.get(path, headers=plain)).status_code == 403
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert (await client.request(method, "/api/v1/access-log", headers=admin.headers)).status_code == 405


async def test_filters_sort_and_pages(client: httpx.AsyncClient, admin: Caller) -> None:
    await client.get("/api/v1/missing-a")
    await client.get("/api/v1/missing-b")
    await client.get("/healthz")
    by_class = (
        await client.get("/api/v1/access-log?status=4xx&path=/api/v1/missing", headers=admin.headers)
    ).json()
    assert [item["path"] for item in by_class["items"]] == ["/api/v1/missing-b", "/api/v1/missing-a"]
    exact = (await client.get("/api/v1/access-log?status=200&path=/healthz", headers=admin.headers)).json()
    assert exact["total"] == 1
    mine = (await client.get("/api/v1/access-log?username=ROOT", headers=admin.headers)).json()
    assert mine["total"] >= 1
    assert {item["username"] for item in mine["items"]} == {"root"}
    later = (utcnow() + timedelta(hours=1)).isoformat()
    assert (await client.get("/api/v1/access-log", params={"since": later}, headers=admin.headers)).json()[
        "total"
    ] == 0
    oldest = (await client.get("/api/v1/access-log?sort=timestamp&per_page=1", headers=admin.headers)).json()
    assert oldest["items"][0]["path"] == "/api/v1/auth/login"
    for bad in ("status=4x", "status=600", "sort=user_agent", "since=yesterday", "user_id=abc"):
        assert (await client.get(f"/api/v1/access-log?{bad}", headers=admin.headers)).status_code == 422, bad


async def test_the_export_is_csv_one_line_per_row_whatever_a_client_sent(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    hostile = 'evil"\x1b[31mred\r\nforged,row\t=cmd'
    await client.get("/healthz", headers={"User-Agent": hostile.replace("\r\n", " ")})
    await client.get("/healthz?q=%0D%0Aforged%2Crow")
    await AccessLog.filter(path="/healthz").order_by("-id").first().update(user_agent=hostile)
    response = await client.get("/api/v1/access-log/export?path=/healthz", headers=admin.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.split("\r\n")
    assert lines[0].startswith(
        "id,timestamp,request_id,method,path,query,status,duration_ms,username,user_id,ip,user_agent"
    )
    parsed = list(csv.reader(io.StringIO(response.text)))
    assert len(parsed) == 3
    assert len(lines) == 4  # header, two rows, and the final line break
    agents = [row[11] for row in parsed[1:]]
    assert any("\\x1b[31m" in agent and "\\x0d\\x0a" in agent for agent in agents)
    assert all("\x1b" not in agent for agent in agents)


@pytest.mark.parametrize("share", [0.9, 0.02], ids=["common-prefix", "rare-prefix"])
async def test_a_path_prefix_is_literal_case_sensitive_and_newest_first(
    client: httpx.AsyncClient, admin: Caller, share: float
) -> None:
    """Common and rare prefixes take different query plans on SQLite; both give the same answer."""
    paths = ["/api/v1/patients/7" if n % round(1 / share) == 0 else f"/other/{n}" for n in range(400)] + [
        "/API/V1/PATIENTS/7",
        "/api/v1/patientsX%",
        "/api/v1/patient",
    ]
    await make_access_log_rows(paths)
    matching = sorted(
        ((n, path) for n, path in enumerate(paths) if path.startswith("/api/v1/patients")), reverse=True
    )
    for page in (1, 2):
        listed = await client.get(
            "/api/v1/access-log",
            params={"path": "/api/v1/patients", "per_page": 3, "page": page},
            headers=admin.headers,
        )
        body = listed.json()
        assert body["total"] == len(matching)
        assert [item["request_id"] for item in body["items"]] == [
            f"r{n}" for n, _ in matching[3 * (page - 1) :][:3]
        ]
    literal = await client.get(
        "/api/v1/access-log", params={"path": "/api/v1/patientsX%"}, headers=admin.headers
    )
    assert [item["path"] for item in literal.json()["items"]] == ["/api/v1/patientsX%"]
    wildcard = await client.get(
        "/api/v1/access-log", params={"path": "/api/v1/p_tients%"}, headers=admin.headers
    )
    assert wildcard.json()["total"] == 0


async def test_the_export_streams_every_row(
    client: httpx.AsyncClient, admin: Caller, caplog: pytest.LogCaptureFixture
) -> None:
    now = utcnow()
    await AccessLog.bulk_create(
        [
            AccessLog(
                timestamp=now, request_id=f"r{n}", method="GET", path="/bulk", status=200, duration_ms=1.0
            )
            for n in range(2500)
        ]
    )
    async with client.stream(
        "GET", "/api/v1/access-log/export?path=/bulk", headers=admin.headers
    ) as response:
        chunks = [chunk async for chunk in response.aiter_text()]
    assert sum(chunk.count("\r\n") for chunk in chunks) == 2501
    assert len(chunks) > 1
    assert not [record.message for record in caplog.records if record.levelno >= logging.ERROR]


async def test_stats_give_series_top_lists_and_percentiles(client: httpx.AsyncClient, admin: Caller) -> None:
    for _ in range(3):
        await client.get("/api/v1/nowhere")
    await client.get("/api/v1/auth/me", headers=admin.headers)
    stats = (await client.get("/api/v1/access-log/stats?bucket=minute", headers=admin.headers)).json()
    assert stats["total"] == 5  # the admin's login and /me, and the three misses
    counts = {key: sum(bucket["counts"][key] for bucket in stats["series"]) for key in ("2xx", "4xx")}
    assert counts["4xx"] == 3
    assert counts["2xx"] >= 1
    assert stats["top_paths"][0] == {"name": "/api/v1/nowhere", "count": 3}
    assert stats["top_users"][0]["name"] == "root"
    latency = stats["latency_ms"]
    assert 0 < latency["p50"] <= latency["p90"] <= latency["p99"] <= latency["max"]
    assert all(bucket["start"].endswith("Z") for bucket in stats["series"])
    too_many = await client.get(
        "/api/v1/access-log/stats?bucket=minute&since=2020-01-01T00:00:00Z", headers=admin.headers
    )
    assert too_many.status_code == 422


async def test_many_concurrent_requests_share_commits(client: httpx.AsyncClient, app: Sanic) -> None:
    before = app.ctx.access_log.batches_written
    await asyncio.gather(*(client.get("/healthz") for _ in range(60)))
    assert await AccessLog.filter(path="/healthz").count() == 60
    assert app.ctx.access_log.batches_written - before < 60


async def test_when_the_log_cannot_be_written_requests_fail_closed(
    client: httpx.AsyncClient, logs: pytest.LogCaptureFixture
) -> None:
    await make_user("alice")
    connection = connections.get("default")
    await connection.execute_script("ALTER TABLE access_log RENAME TO access_log_away")
    try:
        response = await client.post(
            "/api/v1/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 503
        assert response.json()["code"] == "access_log_unavailable"
        assert "access_token" not in response.text
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-request-id"]
        # Probes answer about the process, not the log.
        assert (await client.get("/healthz")).status_code == 200
        # A missing table is a bug, not an outage: its traceback is logged.
        failures = [r for r in logs.records if r.getMessage().startswith("access log: could not write")]
        assert failures
        assert all(record.exc_info for record in failures)
    finally:
        await connection.execute_script("ALTER TABLE access_log_away RENAME TO access_log")
    assert (await client.get("/api/v1/nowhere")).status_code == 404


async def test_buffered_mode_answers_first_and_writes_soon_after(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"access_log_mode": "buffered"}), name="buffered")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        await http.get("/healthz")
        await eventually(lambda: AccessLog.exists(path="/healthz"), within=5)


async def test_a_trusted_proxy_names_the_client(settings: Settings) -> None:
    trusted = settings.model_copy(update={"trusted_proxies": [ip_network("127.0.0.1/32")]})
    app = create_app(trusted, name="proxied")
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        await http.get(
            "/healthz", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7", "X-Request-ID": "edge-42"}
        )
        row = await AccessLog.get(path="/healthz")
    assert (row.ip, row.request_id) == ("203.0.113.7", "edge-42")


async def test_an_untrusted_peer_cannot_spoof_its_address(client: httpx.AsyncClient) -> None:
    await client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.7", "Forwarded": "for=1.2.3.4"})
    assert (await AccessLog.get(path="/healthz")).ip == "127.0.0.1"


@requires_postgres
async def test_postgres_finds_a_path_prefix_through_an_index(client: httpx.AsyncClient) -> None:
    """LIKE 'prefix%' can use a btree index only with a pattern operator class under most
    collations; without one, a path filter read the whole log (70-90 ms at 1M rows)."""
    count = queries.filtered(AccessLogFilters(path="/api/v1/users/")).count()
    async with in_transaction("default") as connection:  # one connection for the setting and the plan
        await connection.execute_script("SET LOCAL enable_seqscan = off")
        plan = await connection.execute_query_dict("EXPLAIN " + count.sql(params_inline=True))
        # The log is partitioned by month: each partition has its own copy of the index.
        copies = await connection.execute_query_dict(
            "SELECT i.inhrelid::regclass::text AS name FROM pg_inherits AS i "
            "WHERE i.inhparent = 'idx_access_log_path_prefix'::regclass"
        )
    text = " ".join(row["QUERY PLAN"] for row in plan)
    assert copies
    assert all(copy["name"] in text for copy in copies), plan


async def test_rows_written_in_bulk_read_back_as_the_model_would_store_them(db: None) -> None:
    key = uuid.uuid4()
    moment = utcnow()
    await insert_rows(
        [
            {"timestamp": moment, "request_id": "r1", "method": "GET", "path": "/a", "status": 200,
             "duration_ms": 1 / 3},
            {"timestamp": moment, "request_id": "r2", "method": "DELETE", "path": "/b", "query": "x=1",
             "status": 204, "duration_ms": 2.5, "user_id": 7, "username": "ann", "api_key_id": key,
             "api_key_name": "ci", "ip": "10.0.0.1", "user_agent": "tests/1",
             "event": {"action": "user.delete", "target_username": "bob"}, "action": "user.delete",
             "target_type": "user", "target_id": "9", "target_label": "bob"},
        ]
    )  # fmt: skip
    first, second = await rows()
    assert (first.query, first.ip, first.user_agent, first.event, first.api_key_id) == (
        "",
        "",
        "",
        None,
        None,
    )
    assert first.duration_ms == 1 / 3
    assert first.timestamp == moment
    assert (second.api_key_id, second.event, second.target_label) == (
        key,
        {"action": "user.delete", "target_username": "bob"},
        "bob",
    )


async def test_a_row_the_model_would_refuse_writes_nothing(db: None) -> None:
    too_long = {"timestamp": utcnow(), "request_id": "r", "method": "GET", "path": "/", "status": 200,
                "duration_ms": 1.0, "username": "u" * 65}  # fmt: skip
    with pytest.raises(ValidationError):
        await insert_rows([{**too_long, "username": "ok"}, too_long])
    assert await AccessLog.all().count() == 0
