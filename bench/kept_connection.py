"""A bench client's HTTP: one kept-alive HTTP/1.1 connection (``http.client``) per client.

The bench's clients run on the machine they measure, so what a client spends on each request is
CPU the server does not get. ``httpx`` spent 0.62 ms of CPU a command (bench/README.md,
eighteenth round): a sixth of all the CPU a command took on two cores, and no part of the
server's work. ``http.client`` sends the same request (method, path, headers, JSON body) on
the same kind of connection for a fraction of that. The server sees no difference.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


class KeptConnection:
    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"a bench client speaks plain HTTP to a host, not {base_url!r}")
        self._conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def post_json(self, path: str, body: Any, headers: Mapping[str, str]) -> tuple[int, bytes]:
        """POSTs ``body`` as JSON; the status and the answer's bytes."""
        sent = {**headers, "Content-Type": "application/json"}
        return self._exchange("POST", path, json.dumps(body).encode(), sent)

    def get(self, path: str) -> tuple[int, bytes]:
        return self._exchange("GET", path, None, {})

    def _exchange(
        self, method: str, path: str, body: bytes | None, headers: Mapping[str, str]
    ) -> tuple[int, bytes]:
        self._conn.request(method, path, body=body, headers=dict(headers))
        response = self._conn.getresponse()
        # Read to the end, or the kept connection cannot carry the next request.
        return response.status, response.read()

    def close(self) -> None:
        self._conn.close()
