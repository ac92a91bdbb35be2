"""The OpenAPI document at /api/v1/openapi.json and its browsable UI at /api/v1/docs.

sanic-ext collects the operations from the routes; the schemas are pydantic's own JSON
Schema, registered as components, so the document says exactly what the API validates.
The document is OpenAPI 3.1, whose schema dialect is pydantic's (JSON Schema 2020-12).

The UI is Swagger UI 5 (npm's swagger-ui-dist, pinned in frontend/package.json), built with the
console into frontend/dist/docs.html and hashed files under assets/: the server asks nothing of
any other origin (the docs work on a network without internet), and the page carries the
console's strict Content-Security-Policy. Without a build, /api/v1/docs is a 404 whose small
HTML page (no script, no style, nothing from elsewhere) says how to build it and links the
document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sanic import Blueprint, HTTPResponse
from sanic.response import file, html, json
from sanic_ext import Extend
from sanic_ext.extensions.openapi import openapi
from sanic_ext.extensions.openapi.builders import OperationStore, SpecificationBuilder
from sanic_ext.extensions.openapi.extension import OpenAPIExtension
from sanic_ext.extensions.openapi.types import Schema

from backend.app_types import App, AppRequest
from backend.compat.sanic_startup import started_without_serving
from backend.spa import DOCS_PAGE, is_built, page_headers

DOCUMENT_URL = "/api/v1/openapi.json"
DOCS_URL = "/api/v1/docs"
SANIC_EXT_CONFIG = {
    # sanic-ext serves its raw document here and leaves out every route under this prefix.
    "OAS_URL_PREFIX": "/api/v1/docs/sanic-ext",
    "OAS_UI_DEFAULT": None,
    "OAS_UI_REDOC": False,
    "OAS_UI_SWAGGER": False,
    "OAS_AUTODOC": True,
}


class RawSchema(Schema):
    """A JSON Schema that sanic-ext passes through untouched."""

    def __init__(self, schema: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._raw = schema

    def serialize(self) -> dict[str, Any]:
        return self._raw


def operations() -> Any:
    """sanic-ext's registry of OpenAPI operations, keyed by handler function."""
    return OperationStore()  # type: ignore[no-untyped-call]


# JSON Schemas of the models that routes use, by name: the document's components.
COMPONENTS: dict[str, dict[str, Any]] = {}
REF_PREFIX = "#/components/schemas/"


def schema_ref(model: type[BaseModel]) -> dict[str, str]:
    """Register `model` (and the models it uses) as components; answer a reference to it."""
    name = model.__name__
    if name not in COMPONENTS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        COMPONENTS.update(schema.pop("$defs", {}))
        COMPONENTS[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def media(content_type: str, model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    return {content_type: {"schema": schema_ref(model)}}


def referenced_components(document: dict[str, Any]) -> dict[str, Any]:
    """The registered schemas that the document refers to, directly or through other schemas."""
    found: dict[str, Any] = {}
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                name = ref.removeprefix(REF_PREFIX)
                if name not in found and name in COMPONENTS:
                    found[name] = COMPONENTS[name]
                    pending.append(COMPONENTS[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return dict(sorted(found.items()))


# What backend.api answers for any route that takes a body, a query string or an id in its path.
BODY_ERRORS = {
    "400": "The body is not valid JSON",
    "413": "The body is too large",
    "415": "The body is not JSON (Content-Type)",
    "422": "The body is invalid",
}
QUERY_ERRORS = {"422": "The query string is invalid"}
PATH_ERRORS = {"404": "Not Found"}
# Any request: Sanic refuses a request line and headers over REQUEST_MAX_HEADER_SIZE (8 KiB).
REQUEST_ERRORS = {"431": "The URL and headers are too large"}


def standard_errors(path: str, operation: dict[str, Any]) -> dict[str, str]:
    errors = dict(REQUEST_ERRORS)
    if "requestBody" in operation:
        errors |= BODY_ERRORS
    if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
        errors |= QUERY_ERRORS
    if "{" in path:
        errors |= PATH_ERRORS
    return errors


# The order of an OpenAPI path item's operations (openapi-typescript's, HTTP's usual one).
METHOD_ORDER = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def in_fixed_order(paths: dict[str, Any]) -> dict[str, Any]:
    """Paths sorted, and each path's operations in METHOD_ORDER. sanic-ext's own order changes
    from one process to the next, which made every regenerated frontend/openapi.json a reshuffle."""

    def method_rank(key: str) -> tuple[int, str]:
        return (METHOD_ORDER.index(key) if key in METHOD_ORDER else len(METHOD_ORDER), key)

    return {
        path: {key: item[key] for key in sorted(item, key=method_rank)}
        for path, item in sorted(paths.items())
    }


def finish_document(document: dict[str, Any]) -> dict[str, Any]:
    """What sanic-ext leaves to do: the 3.1 dialect, no body on 204 responses, the error
    responses that every route taking a body, a query or a path id can answer, and a fixed
    order of paths and operations."""
    from backend.api import Problem  # backend.api builds on this module

    problem = {"application/problem+json": {"schema": schema_ref(Problem)}}
    document["openapi"] = "3.1.0"
    document.pop("servers", None)
    document["paths"] = in_fixed_order(document["paths"])
    for path, item in document["paths"].items():
        for operation in item.values():
            responses = {str(status): response for status, response in operation.get("responses", {}).items()}
            if no_content := responses.get("204"):
                no_content.pop("content", None)
            for status, description in standard_errors(path, operation).items():
                responses.setdefault(status, {"description": description, "content": problem})
            operation["responses"] = dict(sorted(responses.items()))
    document.setdefault("components", {})["schemas"] = referenced_components(document)
    return document


def openapi_document(app: App) -> dict[str, Any]:
    """The document of a started app (sanic-ext collects the operations when the server starts)."""
    document: dict[str, Any] = SpecificationBuilder().build(app).serialize()  # type: ignore[no-untyped-call]
    return finish_document(document)


async def build_document(app: App) -> dict[str, Any]:
    """Start `app` without serving (no connection is opened) and answer its OpenAPI document."""
    async with started_without_serving(app):
        return openapi_document(app)


# /api/v1/docs when frontend/dist has no docs page: self-contained, so it passes the policy too.
NOT_BUILT_PAGE = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>API docs not built · sanic-rest-template</title></head>
<body>
<h1>The API docs page is not built</h1>
<p>Swagger UI is built with the admin console: run <code>npm ci &amp;&amp; npm run build</code>
in <code>frontend/</code>, then restart the server.</p>
<p>The OpenAPI document: <a href="{DOCUMENT_URL}">{DOCUMENT_URL}</a></p>
</body></html>
"""


class OpenAPIDocs(OpenAPIExtension):  # type: ignore[no-untyped-call]
    name = "openapidocs"

    def label(self) -> str:
        return DOCS_URL


def register_docs(app: App, dist: Path) -> None:
    """The OpenAPI document, and its UI from `dist` (frontend/dist) when that is built."""
    app.config.update(SANIC_EXT_CONFIG)
    SpecificationBuilder.reset()  # type: ignore[no-untyped-call]  # one app per process; tests make many
    # Of sanic-ext only the OpenAPI document is used: the rest costs time on every request.
    Extend(app, built_in_extensions=False, extensions=[OpenAPIDocs])
    app.ext.openapi.describe(
        "sanic-rest-template",
        version="1",
        description="Users, roles, logins an admin can block, an access log, and an example patient domain.",
    )
    app.ext.openapi.add_security_scheme(
        "bearer",
        "http",
        scheme="bearer",
        bearer_format="JWT or API key",
        description="An access token (a JWT from /api/v1/auth/login) or an API key (`srt_...`, from "
        "/api/v1/auth/me/api-keys). A key acts with its roles only and is refused on /api/v1/auth routes.",
    )

    bp = Blueprint("openapi_document")

    @bp.get(DOCUMENT_URL)
    @openapi.exclude()
    async def serve_document(request: AppRequest) -> HTTPResponse:
        """The OpenAPI document: public, no token needed."""
        return json(openapi_document(request.app))

    # Its scripts and styles are files of the console's build, served when that is built.
    page = dist / DOCS_PAGE
    built = is_built(dist) and page.is_file()

    @bp.get(DOCS_URL)
    @openapi.exclude()
    async def docs_page(request: AppRequest) -> HTTPResponse:
        if built:
            return await file(page, headers=page_headers())
        return html(NOT_BUILT_PAGE, status=404, headers=page_headers())

    app.blueprint(bp)
