"""`create_app(settings)`: wiring only. Each piece registers itself; no logic lives here."""

from __future__ import annotations

from importlib import import_module

import orjson
from sanic import Blueprint, Sanic

from backend import compat, health
from backend.api_keys.keys import KeyHasher
from backend.app_types import App, AppContext, AppRequest
from backend.audit.middleware import register_access_log
from backend.auth.login_cache import LoginCache
from backend.auth.passwords import PasswordHasher
from backend.auth.throttle import ThrottlePolicy
from backend.auth.tokens import TokenService
from backend.compat.sanic_watchdog import register_watchdog
from backend.config import Settings, load_settings
from backend.cors import register_cors
from backend.db import register_database
from backend.docs import register_docs
from backend.domains import DOMAINS
from backend.errors import ProblemErrorHandler
from backend.jobs import scheduler
from backend.legacy import routes as legacy_routes
from backend.logs import configure_logging, sanic_log_config
from backend.metrics.server import register_metrics
from backend.middleware import register_middleware, use_in_order
from backend.paths import register_path_types
from backend.spa import register_spa

API_PREFIX = "/api/v1"


def dumps(value: object) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def api_blueprints() -> list[Blueprint]:
    """Every domain's blueprints (see backend/domains.py), served under /api/v1."""
    return [bp for domain in DOMAINS for bp in import_module(f"{domain}.routes").blueprints]


def create_app(settings: Settings | None = None, *, name: str = "sanic_rest_template") -> App:
    settings = settings or load_settings()
    configure_logging(settings)
    compat.install()  # refuses unverified framework versions; patches Sanic (once a process)
    context = AppContext(
        settings=settings,
        tokens=TokenService(
            settings.secret_key, access_ttl=settings.access_token_ttl, refresh_ttl=settings.refresh_token_ttl
        ),
        hasher=PasswordHasher(settings.bcrypt_rounds),
        throttle=ThrottlePolicy.from_settings(settings),
        key_hasher=KeyHasher(settings.secret_key),
        logins=LoginCache(),
    )
    app: App = Sanic(
        name,
        ctx=context,
        request_class=AppRequest,  # type: ignore[arg-type]  # Sanic's stub wants its default context
        dumps=dumps,
        error_handler=ProblemErrorHandler(),
        log_config=sanic_log_config(settings),
    )
    app.config.update(
        {
            "REQUEST_MAX_SIZE": settings.max_body_bytes,
            "NOISY_EXCEPTIONS": False,
            "FALLBACK_ERROR_FORMAT": "json",
            # Below the 10 s that Sanic's manager waits for a worker before it interrupts it.
            "GRACEFUL_SHUTDOWN_TIMEOUT": settings.shutdown_timeout_seconds,
        }
    )

    register_path_types(app)
    register_docs(app, settings.frontend_dist)
    register_database(app, settings)
    headers = register_middleware(app, settings)
    cors = register_cors(app, settings)
    access_log = register_access_log(app, settings)
    metrics = register_metrics(app, settings)
    use_in_order(
        app,
        # The request id first: everything after it may name the request.
        on_request=[headers.on_request, access_log.on_request, cors.on_request],
        # The access log last, so that its row has the final status, and a 503 in place of a
        # response whose row could not be written keeps the headers set before it. The request
        # metrics around it: the status sent, the time with the row's commit.
        on_response=[cors.on_response, headers.on_response, metrics.around(access_log.on_response)],
    )
    scheduler.register_scheduler(app, settings)
    register_watchdog(app, scheduler.NAME)

    app.blueprint(health.bp)
    app.blueprint(legacy_routes.bp)
    app.blueprint(Blueprint.group(*api_blueprints(), url_prefix=API_PREFIX))
    register_spa(app, settings.frontend_dist)
    return app
