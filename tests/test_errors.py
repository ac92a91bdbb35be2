"""The error layer: every failure a client can cause is a problem+json body that says what was wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from pydantic import Field
from sanic import Blueprint, HTTPResponse, Request, Sanic
from tortoise.exceptions import ValidationError as OrmValidationError

from backend.api import RequestModel, ResponseModel, body, json_response
from backend.errors import PROBLEM_JSON
from tests.harness import serve_in_process


class EchoIn(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=10)]
    count: Annotated[int, Field(ge=0)] = 0


class EchoOut(ResponseModel):
    name: str
    count: int


def echo_blueprint() -> Blueprint:
    bp = Blueprint("echo", url_prefix="/api/v1/echo")

    @bp.post("/")
    @body(EchoIn)
    async def echo(request: Request, body: EchoIn) -> HTTPResponse:
        return json_response(EchoOut(name=body.name, count=body.count))

    @bp.get("/unchecked")
    async def unchecked(request: Request) -> HTTPResponse:
        raise OrmValidationError("name: Length of 'secret-value' 65 > 64")

    @bp.get("/boom")
    async def boom(request: Request) -> HTTPResponse:
        raise RuntimeError("secret detail /etc/passwd SELECT * FROM user")

    return bp


@pytest.fixture
async def echo(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    app.blueprint(echo_blueprint())
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == status
    assert problem["code"] == code
    assert problem["detail"]
    assert problem["request_id"] == response.headers["x-request-id"]
    return problem


async def test_valid_body_is_parsed(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/api/v1/echo", json={"name": " ann ", "count": 2})
    assert response.status_code == 200
    assert response.json() == {"name": "ann", "count": 2}


async def test_unknown_route_is_404(echo: httpx.AsyncClient) -> None:
    assert_problem(await echo.get("/api/v1/nothing-here"), 404, "not_found")


async def test_wrong_method_is_405(echo: httpx.AsyncClient) -> None:
    assert_problem(await echo.delete("/api/v1/echo"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "content",
    [b'{"name": "a",', b"\xff\xfe{}", b"", b"[" * 5000 + b"]" * 5000],
    ids=["truncated", "invalid-utf8", "empty", "deeply-nested"],
)
async def test_malformed_json_is_400(echo: httpx.AsyncClient, content: bytes) -> None:
    response = await echo.post("/api/v1/echo", content=content, headers={"content-type": "application/json"})
    assert_problem(response, 400, "malformed_request")


async def test_wrong_content_type_is_415(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/api/v1/echo", content=b"name=a", headers={"content-type": "text/plain"})
    assert_problem(response, 415, "unsupported_media_type")


async def test_schema_violation_is_422_naming_the_fields_without_echoing_values(
    echo: httpx.AsyncClient,
) -> None:
    response = await echo.post("/api/v1/echo", json={"name": "x" * 11, "count": -1})
    problem = assert_problem(response, 422, "validation_failed")
    errors = problem["errors"]
    assert isinstance(errors, list)
    assert {tuple(error["loc"]) for error in errors} == {("body", "name"), ("body", "count")}
    assert all(set(error) == {"loc", "msg", "type"} for error in errors)
    assert "xxxxxxxxxxx" not in response.text
    assert "pydantic" not in response.text


async def test_unknown_fields_are_rejected(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/api/v1/echo", json={"name": "a", "is_admin": True})
    problem = assert_problem(response, 422, "validation_failed")
    assert problem["errors"] == [
        {"loc": ["body", "is_admin"], "msg": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]


async def test_a_json_array_is_not_an_object(echo: httpx.AsyncClient) -> None:
    response = await echo.post("/api/v1/echo", json=[1, 2])
    assert_problem(response, 422, "validation_failed")


async def test_oversized_body_is_413(echo: httpx.AsyncClient, app: Sanic) -> None:
    too_big = b'{"name": "' + b"a" * app.ctx.settings.max_body_bytes + b'"}'
    response = await echo.post("/api/v1/echo", content=too_big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_bug_is_500_without_internals(echo: httpx.AsyncClient) -> None:
    response = await echo.get("/api/v1/echo/boom")
    assert_problem(response, 500, "internal_error")
    for leak in ("Traceback", "RuntimeError", "/etc/passwd", "SELECT", ".py"):
        assert leak not in response.text


async def test_a_value_the_orm_refuses_is_422_without_the_value(echo: httpx.AsyncClient) -> None:
    """Client input that reached the ORM unchecked (a missing bound) is still the client's: not a 500."""
    response = await echo.get("/api/v1/echo/unchecked")
    assert_problem(response, 422, "validation_failed")
    assert "secret-value" not in response.text
