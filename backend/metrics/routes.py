"""GET /metrics: Prometheus' text format, for the addresses in METRICS_ALLOW only.

Who asks is decided as everywhere else in the app (backend/proxy.py): the socket's peer, unless the
peer is one of TRUSTED_PROXIES, in which case the client that proxy names. A request that names a
client in `X-Forwarded-For`, `Forwarded` or `X-Envoy-External-Address` through a peer that is not
trusted is refused whatever the peer: it came through a proxy this server does not know, probably
one on the same host, and the allow-list's loopback would otherwise let every client of that proxy in.

Anyone else gets the same 404 problem as a path that names nothing, whatever the method, so the
endpoint's existence is not revealed. Not in the OpenAPI document: it is not part of the JSON API.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from ipaddress import IPv6Address, ip_address

from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4
from sanic import HTTPResponse
from sanic.exceptions import MethodNotAllowed, NotFound
from sanic_ext.extensions.openapi import openapi

from backend import proxy
from backend.app_types import App, AppRequest
from backend.errors import ROUTED_METHODS, ServiceUnavailable
from backend.metrics.requests import RequestMetrics

PATH = "/metrics"


def may_scrape(
    request: AppRequest, allowed: Sequence[proxy.Network], trusted: Sequence[proxy.Network]
) -> bool:
    peer = proxy.peer_address(request)
    if trusted and proxy.is_trusted(peer, trusted):
        address = proxy.client_ip(request, trusted)
    elif proxy.forwarded_chain(request):
        return False
    else:
        address = peer
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:  # an IPv4 client of a `::` socket
        ip = ip.ipv4_mapped
    return any(ip in network for network in allowed)


def register_route(
    app: App, requests: RequestMetrics, *, allowed: Sequence[proxy.Network], trusted: Sequence[proxy.Network]
) -> None:
    # Every method is routed here, so that a caller not allowed gets a 404 for all of them (a 405
    # would say that something is there).
    @app.route(PATH, methods=ROUTED_METHODS, name="metrics")
    @openapi.exclude()
    async def scrape(request: AppRequest) -> HTTPResponse:
        if not may_scrape(request, allowed, trusted):
            raise NotFound("No such resource")
        if request.method != "GET":
            raise MethodNotAllowed("Method not allowed", request.method, ["GET"])
        metrics = requests.metrics
        if metrics is None:  # the server is stopping
            raise ServiceUnavailable("The server is stopping", headers={"Retry-After": "1"})
        # Reading every process's files is blocking I/O: off the event loop.
        body = await asyncio.to_thread(metrics.exposition)
        return HTTPResponse(
            body, content_type=CONTENT_TYPE_PLAIN_0_0_4, headers={"Cache-Control": "no-store"}
        )
