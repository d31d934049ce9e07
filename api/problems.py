"""problem+json (RFC 9457) for every error; the domain error class decides the status once."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from domain.errors import (
    Conflict,
    DamagedRecord,
    DomainError,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from infra.store_errors import OPERATIONAL_ERRORS, unavailable

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    RuleViolation: 409,
    DamagedRecord: 409,
    Conflict: 409,
    NotFound: 404,
    InvalidInput: 422,
}
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(status: int, detail: str, rule: str | None = None, **extra: Any) -> JSONResponse:
    body = {
        "type": f"https://banli.example/problems/{rule or status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "rule": rule,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status, media_type="application/problem+json", headers=headers)


class ApiProblem(Exception):
    """An HTTP-level refusal (401, 403, 404 of a route) raised from dependencies and routes."""

    def __init__(self, status: int, detail: str, rule: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.rule = rule


# A list's cursor that no page of it gave (edited, or from another list): in both languages, as
# a domain refusal is, so a page can show its Chinese (``pages_web.page_errors``).
INVALID_CURSOR = "invalid cursor / 翻页位置无效，请从第一页起浏览"


# Seconds a client is asked to wait before sending again what met a busy or unreachable store.
RETRY_AFTER_SECONDS = 5


def internal_error(error: Exception) -> JSONResponse:
    """A bug's answer: logged with its traceback, and a 500 that says nothing of it."""
    log.error("unhandled error", exc_info=error)
    return problem(500, "internal error")


def store_problem(error: Exception) -> JSONResponse:
    """A busy or unreachable store (``infra.store_errors``) as 503 with ``Retry-After``; any
    other database error is a bug: logged, and the 500 every unexpected error is."""
    if not unavailable(error):
        return internal_error(error)
    log.warning("store unavailable: %s", error, exc_info=error)
    detail = (
        f"the database is busy or cannot be reached ({error}); send the request again shortly "
        "(a command sent again with its Idempotency-Key is recorded once)"
    )
    answer = problem(503, detail)
    answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer


def http_problem(error: HTTPException) -> JSONResponse:
    """Starlette's own refusals (no such route, method not allowed) as problem+json."""
    return problem(error.status_code, str(error.detail))


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        status = next(s for t, s in STATUS_BY_ERROR.items() if isinstance(error, t))
        return problem(status, f"{error.en} / {error.zh}", error.rule)

    @app.exception_handler(ApiProblem)
    async def api_problem(_: Request, error: ApiProblem) -> JSONResponse:
        return problem(error.status, error.detail, error.rule)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in error.errors()
        ]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return problem(422, detail or "invalid request", None, errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        return http_problem(error)

    for kind in OPERATIONAL_ERRORS:
        app.add_exception_handler(kind, _store_problem)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        return internal_error(error)


async def _store_problem(_: Request, error: Exception) -> JSONResponse:
    return store_problem(error)
