"""Per request: one counter increment and one histogram observation, nothing more.

Labels are the route's template (`/api/v1/patients/<patient_id:int>`, never the raw path, so that
a series per patient cannot happen), the method (`OTHER` for one no route has) and the status
class; a request that matched no route is `unmatched`. The label children are made once per route,
method and status and kept, so a request builds no strings.

The hook wraps the access log's response middleware, the last one (backend/app.py): the status it
counts is the one sent, a 503 for a row that could not be written included, and the time includes
that row's commit (in the default durable mode the response waits for it). The clock starts with
the access log's (`request.ctx.started`, when the request middleware runs); a request that matched
no route is counted but not timed.
"""

from __future__ import annotations

import time
from inspect import isawaitable
from typing import Any

from sanic.response import BaseHTTPResponse

from backend.app_types import AppRequest
from backend.metrics.registry import STATUS_CLASSES, Metrics
from backend.middleware import OnResponse

UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

Series = tuple[Any, Any]  # a counter child and a histogram child


def status_class(status: int) -> str:
    return STATUS_CLASSES[min(max(status // 100, 1), 5) - 1]


class RequestMetrics:
    """The per-request hook, for the metrics of the process's server (set when it starts)."""

    def __init__(self) -> None:
        self.metrics: Metrics | None = None
        self.series: dict[tuple[str, str, int], Series] = {}  # by route name: no string built

    def use(self, metrics: Metrics | None) -> None:
        self.metrics = metrics
        self.series = {}

    def around(self, inner: OnResponse | None) -> OnResponse | None:
        """`inner` (the access log's response middleware), then this response counted and timed."""
        if inner is None:
            return None
        perf_counter = time.perf_counter

        async def observe(request: AppRequest, response: BaseHTTPResponse) -> Any:
            replaced = inner(request, response)
            if isawaitable(replaced):
                replaced = await replaced
            if self.metrics is None:
                return replaced
            status = (replaced or response).status
            route = request.route
            method = request.method if request.method in METHODS else "OTHER"
            key = (route.name if route is not None else UNMATCHED, method, status)
            found = self.series.get(key)
            if found is None:
                template = f"/{route.path}" if route is not None else UNMATCHED
                found = self.series[key] = (
                    self.metrics.requests.labels(template, method, status_class(status)),
                    self.metrics.latency.labels(template, method),
                )
            found[0].inc()
            started = request.ctx.started
            if started:
                found[1].observe(perf_counter() - started)
            return replaced

        return observe
