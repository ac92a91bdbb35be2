"""`create_app(settings)`: wiring only. Each piece registers itself; no logic lives here."""

from __future__ import annotations

import orjson
from sanic import Blueprint, Sanic
from sanic_ext import Extend
from sanic_ext.extensions.openapi.extension import OpenAPIExtension

from backend import health
from backend.app_types import App
from backend.config import Settings, load_settings
from backend.db import register_database
from backend.errors import ProblemErrorHandler
from backend.middleware import register_middleware
from backend.spa import register_spa

API_PREFIX = "/api/v1"

OPENAPI_CONFIG = {
    "OAS_URL_PREFIX": API_PREFIX,
    "OAS_URI_TO_JSON": "/openapi.json",
    "OAS_UI_DEFAULT": None,
    "OAS_UI_REDOC": False,
    "OAS_UI_SWAGGER": True,
    "OAS_URI_TO_SWAGGER": "/docs",
    "OAS_URI_TO_CONFIG": "/docs/swagger-config",
    "OAS_UI_SWAGGER_OAUTH2_REDIRECT": "/docs/oauth2-redirect.html",
    "OAS_UI_SWAGGER_HTML_TITLE": "sanic-rest-template API",
    "OAS_AUTODOC": True,
}


class OpenAPIDocs(OpenAPIExtension):  # type: ignore[no-untyped-call]
    name = "openapidocs"

    def label(self) -> str:
        return f"{API_PREFIX}/docs"


def create_app(settings: Settings | None = None, *, name: str = "sanic_rest_template") -> App:
    settings = settings or load_settings()
    app = Sanic(name, dumps=orjson.dumps, error_handler=ProblemErrorHandler())
    app.config.update(
        {
            "REQUEST_MAX_SIZE": settings.max_body_bytes,
            "NOISY_EXCEPTIONS": False,
            "FALLBACK_ERROR_FORMAT": "json",
            **OPENAPI_CONFIG,
        }
    )
    app.ctx.settings = settings

    # Of sanic-ext only the OpenAPI document is used: the rest costs time on every request.
    Extend(app, built_in_extensions=False, extensions=[OpenAPIDocs])
    app.ext.openapi.describe(
        "sanic-rest-template",
        version="1",
        description="Users, roles, logins an admin can block, an access log, and an example patient domain.",
    )
    app.ext.openapi.add_security_scheme("bearer", "http", scheme="bearer", bearer_format="JWT")

    register_database(app, settings)
    register_middleware(app, settings)

    app.blueprint(health.bp)
    app.blueprint(Blueprint.group(url_prefix=API_PREFIX))
    register_spa(app, settings.frontend_dist)
    return app
