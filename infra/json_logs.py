"""Log lines as JSON objects, one per line, for a log shipper to index without parsing text:
the time, level, logger, message, the request id of the request being served (if any), and
whatever a caller passed in ``extra``."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from infra.telemetry import request_id

# Attributes every LogRecord has: anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current is not None:
            line["request_id"] = current
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_config(level: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``banli serve`` (uvicorn takes it as ``log_config``,
    in every worker): every logger, uvicorn's included, through the JSON formatter."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        # uvicorn's own access log says less than banli.requests does.
        "loggers": {"uvicorn.access": {"level": "WARNING"}},
    }
