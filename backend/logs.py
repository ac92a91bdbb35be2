"""Log lines on stderr: readable by default, or with `LOG_FORMAT=json` one JSON object per line.

Readable: our loggers (`backend.*`) have a handler of their own, beside Sanic's.
JSON: one handler on the root logger formats every record that reaches it, ours, Sanic's (which
then have no handlers of their own, see `sanic_log_config`) and any library's.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from datetime import UTC, datetime
from typing import Any

import orjson
from sanic.exceptions import ServerError
from sanic.log import LOGGING_CONFIG_DEFAULTS
from sanic.request import Request

from backend.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"
HANDLER_NAME = "backend"
SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.access", "sanic.server", "sanic.websockets")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # Sanic colours some of its messages
# What every LogRecord has; anything else on a record was passed as `extra=` and is kept.
STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def current_request_id() -> str | None:
    try:
        request = Request.get_current()
    except ServerError:
        return None
    return getattr(request.ctx, "request_id", None) or None


class JsonFormatter(logging.Formatter):
    """`time` (ISO 8601, UTC), `level`, `logger`, `message`, `pid`, and when they apply `worker`
    (Sanic's process name), `request_id`, `exception` (the traceback's text), `stack`, and the
    record's `extra=` fields."""

    def __init__(self) -> None:
        super().__init__()
        # Read once: the main process sets it for a moment around each child it starts.
        self.worker = os.environ.get("SANIC_WORKER_NAME")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="microseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": ANSI_ESCAPE.sub("", record.getMessage()),
            "pid": record.process,
        }
        if self.worker:
            entry["worker"] = self.worker
        if request_id := current_request_id():
            entry["request_id"] = request_id
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and key not in entry and not key.startswith("_"):
                entry[key] = value
        return orjson.dumps(entry, default=str).decode()


def configure_logging(settings: Settings) -> None:
    """Set up the `backend` logger and, for JSON, the root logger; `sanic_log_config` does Sanic's.

    Called for each app and in the scheduler's process; the last call decides the format.
    """
    backend, root = logging.getLogger("backend"), logging.getLogger()
    backend.setLevel(settings.log_level)
    if settings.log_format == "json":
        _remove_ours(backend)
        _remove_ours(root)
        root.addHandler(_handler(JsonFormatter()))
        backend.propagate = True
    else:
        _remove_ours(root)
        if not _remove_ours(backend):  # the first time: a test may let it propagate later, see conftest
            backend.propagate = False
        backend.addHandler(_handler(logging.Formatter(FORMAT)))


def sanic_log_config(settings: Settings) -> dict[str, Any]:
    """Sanic's `log_config`: its own defaults, or for JSON its loggers without handlers, so that
    their records reach the root logger's."""
    if settings.log_format != "json":
        return LOGGING_CONFIG_DEFAULTS
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {name: {"level": "INFO", "handlers": [], "propagate": True} for name in SANIC_LOGGERS},
    }


def _handler(formatter: logging.Formatter) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter)
    return handler


def _remove_ours(logger: logging.Logger) -> bool:
    ours = [handler for handler in logger.handlers if handler.name == HANDLER_NAME]
    for handler in ours:
        logger.removeHandler(handler)
    return bool(ours)
