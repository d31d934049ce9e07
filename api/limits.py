"""Request limits enforced before any route runs (API.md v1.1 "Input limits").

A pure ASGI middleware, so an oversized or hostile request is answered without being parsed:
- bodies over 1 MiB (JSON) or 20 MiB (a multipart upload) → 413, read no further than the limit;
- JSON nested deeper than 32 levels → 422 (a deep enough document would exhaust the parser's
  recursion and drop the connection);
- text in the query string or the path that no store can hold (NUL, other control characters,
  lone surrogates, invalid UTF-8) → 422, before it reaches a SQL parameter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from api.page_paths import (
    BAD_ADDRESS_PATH,
    PROPOSER_PATHS,
    PUBLIC_REGISTER_PATH,
    QUERY_SET_ASIDE,
    TOO_LARGE_PATH,
    UNUSABLE_LINK_PATH,
    is_page_request,
)
from domain.checks import text_problem

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_JSON_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_JSON_DEPTH = 32
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in ``body``, without parsing it (no recursion).

    Only brackets, quotes and backslashes are visited, so brackets inside strings don't count.
    """
    depth = deepest = 0
    in_string = escaped = False
    for token in _STRUCTURE.finditer(body):
        char = token.group()
        if in_string:
            if escaped:
                escaped = False
            elif char == b"\\":
                escaped = True
            elif char == b'"':
                in_string = False
            continue
        # An escape outside a string is malformed JSON; the parser after us refuses it.
        if char == b'"':
            in_string = True
            escaped = False
        elif char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


def _problem(status: int, title: str, detail: str) -> tuple[int, bytes]:
    body = {
        "type": f"https://banli.example/problems/{status}",
        "title": title,
        "status": status,
        "detail": detail,
        "rule": None,
    }
    return status, json.dumps(body, ensure_ascii=False).encode()


def _bad_text_in_url(scope: Scope) -> str | None:
    try:
        query = scope.get("query_string", b"").decode("utf-8", errors="strict")
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
        raw_path = scope.get("raw_path") or scope.get("path", "").encode()
        path = unquote(raw_path.decode("utf-8", errors="strict"), errors="strict")
    except (UnicodeDecodeError, ValueError):
        return "the URL is not valid UTF-8"
    for name, value in [("path", path), *pairs]:
        problem = text_problem(name) or text_problem(value)
        if problem is not None:
            return f"query parameter or path {name!r} {problem}"
    return None


class RequestLimits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = _bad_text_in_url(scope)
        if refused is not None:
            await self._bad_address(scope, receive, send, refused)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        content_type = headers.get(b"content-type", b"").lower()
        upload = content_type.startswith(b"multipart/")
        limit = MAX_UPLOAD_BYTES if upload else MAX_JSON_BYTES
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, send, limit)
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = bool(message.get("more_body", False))
            if len(body) > limit:
                await self._too_large(scope, send, limit)
                return
        if not upload and json_depth(bytes(body)) > MAX_JSON_DEPTH:
            detail = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
            await self._answer(send, _problem(422, "Unprocessable content", detail))
            return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _bad_address(self, scope: Scope, receive: Receive, send: Send, why: str) -> None:
        """A 422: for a browser, a page in Chinese (``/public?q=%00`` showed the public the
        problem+json, in English): the public register's first page saying it set the
        search aside, or the workbench's page saying why; problem+json for the API."""
        path = scope.get("path", "")
        accept = _headers(scope).get(b"accept", b"").decode("latin-1")
        if not is_page_request(path, accept):
            await self._answer(send, _problem(422, "Unprocessable content", why))
        elif path == PUBLIC_REGISTER_PATH and scope["method"] == "GET":
            await self.app({**scope, "query_string": b"", QUERY_SET_ASIDE: True}, receive, send)
        elif path.startswith(PROPOSER_PATHS):
            await self.app(_asked_instead(scope, UNUSABLE_LINK_PATH, b""), _no_body, send)
        else:
            await self.app(_asked_instead(scope, BAD_ADDRESS_PATH, b""), _no_body, send)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        """A 413: for a browser's form, the workbench's page saying so in Chinese (a 21 MB
        upload showed the problem+json, in English, in place of the case page); for the API's
        clients, problem+json. The page is asked of the app with GET, the body left unread."""
        accept = _headers(scope).get(b"accept", b"").decode("latin-1")
        if not is_page_request(scope.get("path", ""), accept):
            await self._answer(send, _too_large(limit))
            return
        page = _asked_instead(scope, TOO_LARGE_PATH, f"limit={limit}".encode())
        await self.app(page, _no_body, send)

    @staticmethod
    async def _answer(send: Send, problem: tuple[int, bytes]) -> None:
        status, body = problem
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _too_large(limit: int) -> tuple[int, bytes]:
    return _problem(413, "Content too large", f"the request body is over {limit} bytes")


def _asked_instead(scope: Scope, path: str, query: bytes) -> Scope:
    """The request as a GET of the workbench's page at ``path`` that says why it was refused
    (its headers kept: the session says who asks, the Referer where to go back to)."""
    return {
        **scope,
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
    }


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read once, handed to the app as if it arrived now; then the client's messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
