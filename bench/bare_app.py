"""The ceiling for `core`: a bare Sanic app served the way `python -m backend serve` serves ours
(an AppLoader, the same `prepare` arguments), answering a small JSON. No database, no middleware.

`python -m bench.bare_app serve --port P --workers W`
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import SimpleNamespace

from sanic import HTTPResponse, Request, Sanic, json
from sanic.config import Config
from sanic.worker.loader import AppLoader

PATIENT = {"id": 1, "name": "Ada", "surname": "Lovelace", "birthday": "1815-12-10", "comments": ""}


def create_app() -> Sanic[Config, SimpleNamespace]:
    app = Sanic("bench_bare")

    @app.get("/healthz")
    async def healthz(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    @app.get("/patient")
    async def patient(request: Request) -> HTTPResponse:
        return json(PATIENT)

    return app


def serve(
    factory: Callable[[], Sanic[Config, SimpleNamespace]], prog: str, argv: Sequence[str] | None
) -> int:
    """`<prog> serve --port P --workers W`: the app, served as `python -m backend serve` serves ours."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    loader = AppLoader(factory=factory)
    app = loader.load()
    app.prepare(host="127.0.0.1", port=args.port, workers=args.workers, access_log=False, motd=False)
    Sanic.serve(primary=app, app_loader=loader)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return serve(create_app, "python -m bench.bare_app", argv)


if __name__ == "__main__":
    sys.exit(main())
