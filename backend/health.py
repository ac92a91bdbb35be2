"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, HTTPResponse
from sanic.response import json
from sanic_ext.extensions.openapi import openapi

from backend import db
from backend.app_types import AppRequest
from backend.errors import ServiceUnavailable, is_database_unavailable

bp = Blueprint("health")
READINESS_TIMEOUT_SECONDS = 2.0


@bp.get("/healthz")
@openapi.tag("operations")
async def healthz(request: AppRequest) -> HTTPResponse:
    """Liveness: 200 while the process serves requests."""
    return json({"status": "ok"})


@bp.get("/readyz")
@openapi.tag("operations")
async def readyz(request: AppRequest) -> HTTPResponse:
    """Readiness: 200 when the database answers, 503 otherwise."""
    # "Otherwise": out of reach or too slow to answer. Any other failure is a bug: a 500 with its
    # traceback logged, which no load balancer takes for ready either.
    deadline = asyncio.timeout(READINESS_TIMEOUT_SECONDS)
    try:
        async with deadline:
            await db.ping()
    except Exception as error:
        if deadline.expired() or is_database_unavailable(error):
            raise ServiceUnavailable("The database is not answering", headers={"Retry-After": "1"}) from error
        raise
    return json({"status": "ok", "database": "ok"})
