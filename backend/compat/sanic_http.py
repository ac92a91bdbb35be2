"""A request target Sanic cannot parse gets no answer at all.

Upstream: sanic-org/sanic#2735 (the error path's `create_empty_request` parses the same bad URL
again and fails; open).
Verified on: sanic 25.12.1.
Relies on (checked by tests/compat/test_sanic_http.py): `sanic.http.http1.Http.create_empty_request`
taking only `self`, building its stand-in request from `self.url` and from `*` when that is
None, and raising `BadRequest` for a URL with a control byte. Behaviour tested in
tests/security/test_fuzzer_findings.py.

A request target with a control byte (`GET /a%01b` sent raw as `GET /a\\x01b`) fails to parse,
and Sanic's error path builds its stand-in request from the same URL, which fails again: the
client gets no answer and the log an ERROR with two tracebacks, per request, which anyone can
send. `answer_unparsable_urls` builds the stand-in from `*` instead, so the client gets the 400
problem+json any other malformed request gets.
"""

from __future__ import annotations

from functools import wraps

from sanic.exceptions import BadRequest
from sanic.http.http1 import Http


def answer_unparsable_urls() -> None:
    """Patch `Http.create_empty_request` (idempotent)."""
    create = Http.create_empty_request
    if getattr(create, "answers_unparsable_urls", False):
        return

    @wraps(create)
    def create_empty_request(self: Http) -> None:
        try:
            create(self)
        except BadRequest:
            self.url = None  # Sanic then names the stand-in request "*"
            create(self)

    create_empty_request.answers_unparsable_urls = True  # type: ignore[attr-defined]
    Http.create_empty_request = create_empty_request  # type: ignore[method-assign]
