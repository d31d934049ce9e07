"""The command path shared by every POST: context, handler scoping, idempotency, answer."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth import check_handler_case, check_handler_unit, services
from api.problems import ApiProblem
from infra.application import CommandContext, CommandResult, request_fingerprint
from infra.clock import today
from infra.directory import Principal


def expected_version(request: Request) -> int | None:
    raw = request.headers.get("if-match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ApiProblem(422, f"If-Match must be a case version number, got {raw!r}")
    return int(value)


def context(request: Request, who: Principal, body: BaseModel) -> CommandContext:
    """The command's context; an idempotency key is scoped to its user and bound to the body."""
    key = request.headers.get("idempotency-key")
    content = body.model_dump(mode="json")
    return CommandContext(
        actor=who.actor(),
        today=today(),
        idempotency_key=f"{who.user}:{key}" if key else None,
        request_hash=request_fingerprint(request.method, request.url.path, content),
        expected_version=expected_version(request),
    )


def answer(result: CommandResult) -> JSONResponse:
    body = {k: v for k, v in result.as_dict().items() if v is not None}
    return JSONResponse(body, status_code=200 if result.replayed else 201)


def scoped_case(request: Request, who: Principal, case_id: str, unit: object = None) -> Any:
    """Loads the case (404 if unknown) and applies the handler's unit scope (403)."""
    case = services(request).app.get_case(case_id)
    check_handler_case(who, case)
    if unit is not None:
        check_handler_unit(who, unit)
    return case


def run(
    request: Request,
    who: Principal,
    body: BaseModel,
    case_id: str,
    method: str,
    fields: dict[str, Any],
    *,
    unit: object = None,
) -> JSONResponse:
    ctx = context(request, who, body)
    if who.role == "handler":
        scoped_case(request, who, case_id, unit if unit is not None else who.unit)
    return answer(services(request).app.command(ctx, case_id, method, **fields))


def reply_unit(request: Request, case_id: str, reply_id: str) -> str | None:
    case = services(request).app.get_case(case_id)
    reply = case.replies.get(reply_id)
    return None if reply is None else str(reply["unit"])
