"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import json
from sanic_ext.extensions.openapi import openapi

from backend import db
from backend.errors import DATABASE_UNAVAILABLE, ServiceUnavailable

bp = Blueprint("health")
READINESS_TIMEOUT_SECONDS = 2.0


@bp.get("/healthz")
@openapi.tag("operations")
async def healthz(request: Request) -> HTTPResponse:
    """Liveness: 200 while the process serves requests."""
    return json({"status": "ok"})


@bp.get("/readyz")
@openapi.tag("operations")
async def readyz(request: Request) -> HTTPResponse:
    """Readiness: 200 when the database answers, 503 otherwise."""
    try:
        await asyncio.wait_for(db.ping(), READINESS_TIMEOUT_SECONDS)
    except DATABASE_UNAVAILABLE as error:
        raise ServiceUnavailable("The database is not answering", headers={"Retry-After": "1"}) from error
    return json({"status": "ok", "database": "ok"})
