"""Every request gets an id, a latency sample and one JSON log line (a pure ASGI middleware).

The id is the caller's ``X-Request-ID`` when it is a short token, else a new one; it is answered
in ``X-Request-ID``, set in ``infra.telemetry.request_id`` for the route (whose commands store it
beside the events they write: ``banli_event_requests``), and logged. Latency is observed per
route *template* (``/v1/cases/{case_id}/contacts``), never the raw path, so the histogram's
label set stays as small as the API.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from api.limits import ASGIApp, Message, Receive, Scope, Send
from infra import gc_pauses
from infra.telemetry import REQUEST_SECONDS, request_id

log = logging.getLogger("banli.requests")

# A caller's id is kept only if it cannot smuggle anything into a log line or a label.
GIVEN_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


def _given_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id" and GIVEN_ID.fullmatch(value):
            return str(value.decode())
    return None


class RequestTelemetry:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _given_id(scope) or uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500  # what the server answers when the app raises before it started a response
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route: Any = scope.get("route")
            template = str(getattr(route, "path", "unmatched"))
            REQUEST_SECONDS.labels(template, scope["method"], str(status)).observe(elapsed)
            gc_pauses.flush()
            log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": scope["method"],
                    "route": template,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                },
            )
            request_id.reset(token)
