"""ASVS 5.0 chapter V2, validation: malformed, hostile and out-of-range input is a 4xx, never a 500 or a
database error (503), on every route that takes it."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.helpers import Caller, raw_http, raw_status

JSON = {"content-type": "application/json"}
MEASURE = '{{"category_id": 1, "marker": "m", "value": {value}, "timestamp": "2024-01-01T00:00:00Z"}}'


def patient_with(measure_value: str) -> bytes:
    measure = MEASURE.format(value=measure_value)
    return (
        '{"name": "a", "surname": "b", "appointments": '
        f'[{{"date": "2024-01-01T00:00:00Z", "measures": [{measure}]}}]}}'
    ).encode()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 10_000 + b"]" * 10_000, id="10k-nested-arrays"),
        pytest.param(b'{"a":' * 10_000 + b"1" + b"}" * 10_000, id="10k-nested-objects"),
        pytest.param(b'{"name": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", id="10k-nested-in-a-field"),
        pytest.param(b'{"name": "\xff\xfe", "surname": "b"}', id="invalid-utf8"),
        pytest.param(b'{"name": "\xc0\xaf", "surname": "b"}', id="overlong-utf8"),
        pytest.param(b'{"name": "a\\ud800", "surname": "b"}', id="lone-surrogate-escape"),
        pytest.param(b'{"name": "a", "surname": "b"', id="truncated"),
        pytest.param(patient_with("1" + "0" * 5000), id="5000-digit-number"),
        pytest.param(b"", id="empty"),
    ],
)
async def test_malformed_json_is_400(client: httpx.AsyncClient, user: Caller, body: bytes) -> None:
    """ASVS 2.2.1, 1.5.3: what does not parse as JSON (deep nesting, bad UTF-8) is 400, cheaply."""
    response = await client.post("/api/v1/patients", content=body, headers={**user.headers, **JSON})
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(patient_with("1e400"), id="float-overflowing-to-infinity"),
        pytest.param(patient_with("1e13"), id="float-above-the-range"),
        pytest.param(patient_with('"NaN"'), id="NaN-as-a-string"),
        pytest.param(patient_with("NaN"), id="NaN"),
        pytest.param(patient_with("Infinity"), id="Infinity"),
        pytest.param(patient_with("-Infinity"), id="-Infinity"),
        pytest.param(
            b'{"name": "a", "surname": "b", "appointments": [{"date": "2024-01-01T00:00:00Z", "measures": '
            b'[{"category_id": 99999999999999999999999, "marker": "m", "value": 1, '
            b'"timestamp": "2024-01-01T00:00:00Z"}]}]}',
            id="id-beyond-the-database-integers",
        ),
        pytest.param(b'{"name": "' + b"n" * 101 + b'", "surname": "b"}', id="too-long"),
        pytest.param(b'{"name": "a", "surname": "b", "birthday": "2999-01-01"}', id="birthday-in-the-future"),
        pytest.param(b'{"name": "a", "surname": "b", "birthday": "0001-01-01"}', id="birthday-before-1850"),
        pytest.param(
            b'{"name": "a", "surname": "b", "appointments": [{"date": "9999-12-31T23:59:59-14:00"}]}',
            id="date-past-year-9999-in-utc",
        ),
        pytest.param(
            b'{"name": "a", "surname": "b", "appointments": [{"date": "0001-01-01T00:00:00+14:00"}]}',
            id="date-before-year-1-in-utc",
        ),
        pytest.param(b'{"name": "a\\u0000b", "surname": "b"}', id="NUL-character"),
        pytest.param(b'{"name": "a", "surname": "b", "comments": "\\u0000"}', id="NUL-in-free-text"),
        pytest.param(b'["name", "surname"]', id="not-an-object"),
        pytest.param(b'{"name": 1, "surname": true}', id="wrong-types"),
    ],
)
async def test_out_of_range_values_are_422(client: httpx.AsyncClient, user: Caller, body: bytes) -> None:
    """ASVS 2.2.1: numbers (NaN and infinities included), dates and text outside what the domain allows
    are 422 naming the field.
    (Dates past 9999 once moved to UTC were a 500, and NUL characters a 503 on PostgreSQL.)"""
    response = await client.post("/api/v1/patients", content=body, headers={**user.headers, **JSON})
    assert response.status_code == 422, response.text
    assert response.json()["errors"]
    assert (await client.get("/api/v1/patients", headers=user.headers)).json()["total"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/patients/99999999999999999999",
        "/api/v1/patients/2147483648",
        "/api/v1/patients/-2147483649",
        "/api/v1/patients/1/appointments/99999999999999999999",
        "/api/v1/patients/1/appointments/1/measures/99999999999999999999",
        "/api/v1/patients/99999999999999999999/measures",
        "/api/patient/99999999999999999999",
    ],
)
async def test_ids_beyond_the_database_integers_are_404(
    client: httpx.AsyncClient, user: Caller, path: str
) -> None:
    """ASVS 2.2.1: a path id the database cannot hold names nothing (it was a 500 on SQLite and a 503
    on PostgreSQL)."""
    assert (await client.get(path, headers=user.headers)).status_code == 404


async def test_user_ids_beyond_the_database_integers_are_404(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    """ASVS 2.2.1, as above, on the admin routes."""
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method,
            "/api/v1/users/99999999999999999999",
            json={} if method == "PATCH" else None,
            headers=admin.headers,
        )
        assert response.status_code == 404


@pytest.mark.parametrize(
    "segment",
    [
        pytest.param("%41" * 160, id="160-escaped-letters"),
        pytest.param("a" * 65, id="65-letters"),
        pytest.param("%C3%A4" * 65, id="65-letters-beyond-ascii"),
        pytest.param("%FF", id="not-utf8"),
        pytest.param("a%C3", id="cut-utf8"),
        pytest.param("%ED%A0%80", id="surrogate"),
        pytest.param("a%00b", id="nul"),
    ],
)
async def test_a_role_name_that_no_role_can_have_is_404_whatever_the_method(
    client: httpx.AsyncClient, admin: Caller, segment: str
) -> None:
    """ASVS 2.2.1: a name longer than the column was a 500 on PATCH and DELETE (the ORM's length
    check) and a 405 on GET; an undecodable one names nothing either."""
    for method in ("GET", "PATCH", "DELETE"):
        response = await client.request(
            method,
            f"/api/v1/roles/{segment}",
            json={"description": "x"} if method == "PATCH" else None,
            headers=admin.headers,
        )
        assert response.status_code == 404, method
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "spellings",
    [
        pytest.param(("+{id}", "%2B{id}", "%20{id}", "{id}%20"), id="sign-or-space"),
        pytest.param(("0{id}", "%30{id}"), id="leading-zero"),
        pytest.param(("0_{id}", "0%5F{id}"), id="underscore"),
    ],
)
async def test_an_id_in_a_path_is_plain_decimal(
    client: httpx.AsyncClient, admin: Caller, spellings: tuple[str, ...]
) -> None:
    """ASVS 2.2.1: Python's int() also reads these, so they were aliases of the caller's own id."""
    for spelling in spellings:
        path = f"/api/v1/users/{spelling.format(id=admin.user_id)}"
        for method in ("GET", "DELETE"):
            assert (await client.request(method, path, headers=admin.headers)).status_code == 404, path


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("{hex}", id="no-hyphens"),
        pytest.param("%7B{uuid}%7D", id="braces"),
        pytest.param("urn:uuid:{uuid}", id="urn"),
    ],
)
async def test_a_uuid_in_a_path_is_in_its_canonical_form(
    client: httpx.AsyncClient, admin: Caller, spelling: str
) -> None:
    """ASVS 2.2.1: Python's UUID() reads these too; the router's own pattern for a UUID does not."""
    login = (await client.get("/api/v1/auth/me/tokens", headers=admin.headers)).json()["items"][0]["id"]
    path = f"/api/v1/tokens/{spelling.format(uuid=login, hex=uuid.UUID(login).hex)}"
    response = await client.patch(path, json={"blocked": False}, headers=admin.headers)
    assert response.status_code == 404


async def test_a_percent_encoded_path_parameter_is_decoded(client: httpx.AsyncClient, admin: Caller) -> None:
    """`%31` is `1` (RFC 3986: an escaped digit or letter is the same URL), for ids and UUIDs alike."""
    user = await client.get(f"/api/v1/users/{escape_all(str(admin.user_id))}", headers=admin.headers)
    assert user.status_code == 200
    assert user.json()["id"] == admin.user_id
    login = (await client.get("/api/v1/auth/me/tokens", headers=admin.headers)).json()["items"][0]["id"]
    token = await client.patch(
        f"/api/v1/tokens/{escape_all(login)}", json={"blocked": False}, headers=admin.headers
    )
    assert token.status_code == 200
    assert token.json()["id"] == login


def escape_all(text: str) -> str:
    return "".join(f"%{byte:02X}" for byte in text.encode())


async def list_routes(client: httpx.AsyncClient) -> list[str]:
    """Every list the OpenAPI document declares (a GET taking `sort`), with ids that need not exist."""
    document = (await client.get("/api/v1/openapi.json")).json()
    return sorted(
        re.sub(r"\{\w+\}", "1", path)
        for path, item in document["paths"].items()
        if any(p["name"] == "sort" for p in item.get("get", {}).get("parameters", []))
    )


@pytest.mark.parametrize(
    "query",
    [
        "sort=password_hash",
        "sort=name;DROP TABLE patient",
        "sort=-",
        "sort=id,",
        "sort=(SELECT 1)",
        "page=0",
        "page=1000001",
        "page=1e3",
        "per_page=101",
        "per_page=-1",
        "page=99999999999999999999999",
        "sort=%00",
    ],
)
async def test_bad_paging_and_sorting_are_422_on_every_list(
    client: httpx.AsyncClient, admin: Caller, query: str
) -> None:
    """ASVS 2.2.1: sorting only by the documented allowlist, pages within bounds, on every list route."""
    patient = {"name": "a", "surname": "b", "appointments": [{"date": "2024-01-01T00:00:00Z"}]}
    created = (await client.post("/api/v1/patients", json=patient, headers=admin.headers)).json()
    assert (created["id"], created["appointments"][0]["id"]) == (1, 1)  # the ids list_routes puts in paths
    lists = await list_routes(client)
    assert len(lists) >= 8, lists
    wrong = []
    for path in lists:
        response = await client.get(f"{path}?{query}", headers=admin.headers)
        if response.status_code != 422:
            wrong.append((path, response.status_code))
    assert wrong == []


# What each list route filters by (besides paging and sorting): per docs/api.md, a query parameter
# a route does not take is ignored, and never filters anything.
SEARCHES = {
    "/api/v1/patients": ("q",),
    "/api/v1/users": ("q", "role"),
    "/api/v1/roles": (),
    "/api/v1/categories": (),
}
NUL = {"q": "a\0b", "role": "\0", "sort": "name\0"}


@pytest.mark.parametrize(
    ("path", "parameter"),
    [(path, name) for path, names in SEARCHES.items() for name in (*names, "sort")],
)
async def test_a_nul_in_a_parameter_the_route_takes_is_422(
    client: httpx.AsyncClient, admin: Caller, path: str, parameter: str
) -> None:
    """ASVS 2.2.1: a NUL character in a filter was a 503 on PostgreSQL."""
    response = await client.get(path, params={parameter: NUL[parameter]}, headers=admin.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", parameter]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [(path, name) for path, names in SEARCHES.items() for name in ("q", "role") if name not in names],
)
async def test_a_parameter_the_route_does_not_take_is_ignored_even_with_a_nul(
    client: httpx.AsyncClient, admin: Caller, path: str, parameter: str
) -> None:
    """docs/api.md: unknown query parameters are ignored; the page is the one asked for without it."""
    await client.post("/api/v1/patients", json={"name": "a", "surname": "b"}, headers=admin.headers)
    await client.post("/api/v1/categories", json={"name": "weight"}, headers=admin.headers)
    unfiltered = await client.get(path, headers=admin.headers)
    assert unfiltered.json()["total"] >= 1
    response = await client.get(path, params={parameter: NUL[parameter]}, headers=admin.headers)
    assert response.status_code == 200
    assert response.json() == unfiltered.json()


BAD_FILTERS = [
    "since=9999-12-31T23:59:59-14:00",
    "until=0001-01-01T00:00:00%2B14:00",
    "since=99999-01-01",
    "status=6xx",
    "status=99999999999999999999",
    "user_id=99999999999999999999",
    "method=%00",
    "path=/a%00b",
    "username=a%00",
    "ip=%00",
]


@pytest.mark.parametrize("query", BAD_FILTERS)
async def test_bad_access_log_filters_are_422_on_the_list_and_the_export(
    client: httpx.AsyncClient, admin: Caller, query: str
) -> None:
    """ASVS 2.2.1: the access-log filters, on the list and the export (which take them all)."""
    for path in ("/api/v1/access-log", "/api/v1/access-log/export"):
        response = await client.get(f"{path}?{query}", headers=admin.headers)
        assert response.status_code == 422, (path, query, response.status_code)


@pytest.mark.parametrize("query", [query for query in BAD_FILTERS if query.startswith(("since", "until"))])
async def test_a_bad_time_window_is_422_on_the_stats(
    client: httpx.AsyncClient, admin: Caller, query: str
) -> None:
    """ASVS 2.2.1: the stats take the window (since, until) of the access-log filters."""
    response = await client.get(f"/api/v1/access-log/stats?{query}", headers=admin.headers)
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "query", [query for query in BAD_FILTERS if not query.startswith(("since", "until"))]
)
async def test_the_stats_ignore_the_filters_they_do_not_take(
    client: httpx.AsyncClient, admin: Caller, query: str
) -> None:
    """docs/api.md: the other filters are unknown to the stats, so ignored: they count every request,
    even where the filter, applied, would have matched none (status 6xx, a NUL in a name)."""
    counted = (await client.get("/api/v1/access-log/stats", headers=admin.headers)).json()["total"]
    assert counted >= 1  # the admin's login at least
    response = await client.get(f"/api/v1/access-log/stats?{query}", headers=admin.headers)
    assert response.status_code == 200
    assert response.json()["total"] >= counted


async def test_a_non_utf8_user_agent_is_served_and_logged(client: httpx.AsyncClient, admin: Caller) -> None:
    """ASVS 2.2.1, 16.3.3: a header that is not UTF-8 is stored with U+FFFD in place of the bad bytes.
    It was a 503 (the access log could not store it), after the handler had already acted."""
    request = (
        b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + admin.access_token.encode()
        + b"\r\nUser-Agent: caf\xc3\xa9 \xff\xfe bot\r\nConnection: close\r\n\r\n"
    )
    assert raw_status(await raw_http(str(client.base_url), request)) == 200
    rows = (await client.get("/api/v1/access-log?path=/api/v1/auth/me", headers=admin.headers)).json()[
        "items"
    ]
    assert rows[0]["user_agent"] == "café \ufffd\ufffd bot"


@pytest.mark.parametrize("where", ["authorization", "cookie"])
async def test_a_non_ascii_token_is_401(client: httpx.AsyncClient, where: str) -> None:
    """ASVS 2.2.1: a token with bytes that are not ASCII (no JWT has any) is refused, not a 500."""
    header = (
        b"Authorization: Bearer abc\xff.def.ghi"
        if where == "authorization"
        else b"Cookie: refresh_token=abc\xff.d.e"
    )
    path = b"/api/v1/auth/me" if where == "authorization" else b"/api/v1/auth/refresh"
    method = b"GET" if where == "authorization" else b"POST"
    request = method + b" " + path + b" HTTP/1.1\r\nHost: x\r\n" + header + b"\r\nConnection: close\r\n\r\n"
    assert raw_status(await raw_http(str(client.base_url), request)) == 401


async def test_a_path_filter_as_long_as_the_column_is_served(
    client: httpx.AsyncClient, admin: Caller
) -> None:
    """ASVS 2.2.1: Schemathesis found a 2048-character `path` filter (the longest allowed) a 500 on the
    list, and a broken stream on the export."""
    prefix = "/" + "p" * 2047
    for route in ("/api/v1/access-log", "/api/v1/access-log/export"):
        response = await client.get(route, params={"path": prefix}, headers=admin.headers)
        assert response.status_code == 200, route
    too_long = await client.get("/api/v1/access-log", params={"path": prefix + "p"}, headers=admin.headers)
    assert too_long.status_code == 422
