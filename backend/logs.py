"""Our loggers (`backend.*`) write one line per event to stderr, beside Sanic's own."""

from __future__ import annotations

import logging

from backend.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"


def configure_logging(settings: Settings) -> None:
    logger = logging.getLogger("backend")
    logger.setLevel(settings.log_level)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
        logger.propagate = False
