"""The command path shared by every POST: context, handler scoping, idempotency, answer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth import check_handler_case, check_handler_unit, services
from api.problems import ApiProblem
from domain.case import Case
from domain.commands import CaseCommand
from domain.records import Person, Proposer
from infra.application import CommandContext, CommandResult, request_fingerprint
from infra.clock import today
from infra.directory import Principal


def expected_version(request: Request) -> int | None:
    raw = request.headers.get("if-match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
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


def command_fields(body: BaseModel) -> dict[str, Any]:
    """A request body as the fields of a domain command: people as records, lists as tuples."""
    fields = body.model_dump()
    for name, value in fields.items():
        if name == "contacted_by":
            fields[name] = Person(**value)
        elif name == "visitors":
            fields[name] = tuple(Person(**v) for v in value)
        elif name == "proposers":
            fields[name] = tuple(Proposer(**p) for p in value)
        elif isinstance(value, list):
            fields[name] = tuple(value)
    return fields


def run(
    request: Request,
    who: Principal,
    body: BaseModel,
    command: CaseCommand,
    *,
    unit: object = None,
    reply_id: str | None = None,
) -> JSONResponse:
    """Runs one case command; a handler is scoped to its unit's cases and its own part: the
    ``unit`` it names, or the unit of reply ``reply_id``."""
    ctx = context(request, who, body)
    if who.role == "handler":

        def scope(case: Case) -> None:
            check_handler_case(who, case)
            reply = case.replies.get(reply_id) if reply_id else None
            acting_for = reply.unit if reply else unit if unit is not None else who.unit
            check_handler_unit(who, acting_for)

        ctx = replace(ctx, guard=scope)
    return answer(services(request).app.execute(ctx, command))
