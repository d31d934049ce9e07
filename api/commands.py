"""The command path shared by every POST: context, handler scoping, idempotency, answer; and
``CaseCommands``, the router that declares a case command's route as one row.

A case command's body builds its typed command (``body.command(case_id, …)``: each request
schema maps its fields to its command's, field by field, which mypy checks) and ``run`` runs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from inspect import Parameter, Signature, signature
from typing import Annotated, Any, Protocol, get_origin

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.auth import check_handler_case, check_handler_unit, services
from api.fields import whole_number
from api.problems import ApiProblem
from api.schemas import CommandAnswer
from domain.case import Case
from domain.commands import CaseCommand
from infra.clock import today
from infra.command_context import CommandContext, CommandResult, request_fingerprint
from infra.directory import Directory, Principal
from infra.services import Services

# What every case command answers (API.md § Conventions), for the OpenAPI document.
ANSWERS: dict[int | str, dict[str, object]] = {
    201: {"model": CommandAnswer, "description": "events appended"},
    200: {"model": CommandAnswer, "description": "idempotent replay: nothing new written"},
}


def expected_version(request: Request) -> int | None:
    raw = request.headers.get("if-match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    version = whole_number(value)
    if version is None:
        raise ApiProblem(422, f"If-Match must be a case version number, got {raw!r}")
    return version


class Fingerprinted(Protocol):
    """A request body: what an idempotency key is bound to (a pydantic model)."""

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]: ...


class CommandBody(Fingerprinted, Protocol):
    """The body of a case command: ``command`` takes the route's path parameters, by name."""

    @property
    def command(self) -> Callable[..., CaseCommand]: ...


MAX_IDEMPOTENCY_KEY = 255


def context(request: Request, who: Principal, body: Fingerprinted) -> CommandContext:
    """The command's context; an idempotency key is scoped to its user and bound to the body."""
    key = request.headers.get("idempotency-key")
    if key is not None and len(key) > MAX_IDEMPOTENCY_KEY:
        # Stored with every command it answers: a client's retry token, not a payload.
        raise ApiProblem(
            400,
            f"an Idempotency-Key has at most {MAX_IDEMPOTENCY_KEY} characters / "
            f"Idempotency-Key 至多 {MAX_IDEMPOTENCY_KEY} 个字符",
        )
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


def run(
    request: Request, who: Principal, body: Fingerprinted, command: CaseCommand
) -> JSONResponse:
    """Runs one case command (the context says who may, see ``command_context``)."""
    ctx = command_context(request, who, body, command)
    return answer(execute(services(request), ctx, command))


def execute(found: Services, ctx: CommandContext, command: CaseCommand) -> CommandResult:
    """One case command, from the API or a page's form alike: the units it names exist
    (checked here, before the domain), then the command on its case."""
    check_units_exist(found.directory, command)
    return found.app.execute(ctx, command)


# The fields by which a case command names the units it gives the case to (R-A1 … R-A3).
UNIT_FIELDS = ("lead_unit", "co_units", "split_units")


def check_units_exist(directory: Directory, command: CaseCommand) -> None:
    """A case given to a unit that does not exist would wait for ever: no user can act for it.
    Refused before anything is written, as an unknown unit is when a user is created."""
    for field in UNIT_FIELDS:
        named = getattr(command, field, None)
        for code in (named,) if isinstance(named, str) else named or ():
            directory.check_unit_exists(code)


def command_context(
    request: Request, who: Principal, body: Fingerprinted, command: CaseCommand
) -> CommandContext:
    """The context of a case command. A handler is scoped to its unit's cases, and to its own
    part of one: the ``unit`` the command names, or the unit of the reply it names (R-A1: each
    unit answers for its part); a command naming neither is any unit's on the case."""
    return scoped(context(request, who, body), who, command)


def scoped(ctx: CommandContext, who: Principal, command: CaseCommand) -> CommandContext:
    """``ctx`` holding a handler to its unit's cases and its own part of one (see
    ``command_context``)."""
    if who.role != "handler":
        return ctx

    def scope(case: Case) -> None:
        check_handler_case(who, case)
        check_handler_unit(who, acting_for(command, case, who))

    return replace(ctx, guard=scope)


def acting_for(command: CaseCommand, case: Case, who: Principal) -> str | None:
    """The unit whose part of ``case`` the command is (the caller's own when it names none).

    Read from the command rather than told by each route, so a new command that names a unit
    or a reply is scoped without a route having to remember it."""
    reply_id = getattr(command, "reply_id", None)
    reply = case.replies.get(reply_id) if isinstance(reply_id, str) else None
    if reply is not None:
        return reply.unit
    unit = getattr(command, "unit", None)
    return unit if isinstance(unit, str) else who.unit


class CaseCommands(APIRouter):
    """The POST routes of case commands under ``/v1/cases/{case_id}``, declared one per line.

    Every such route does the same: admit the role, validate the body, build the body's typed
    command from the path parameters (``body.command(case_id=…, reply_id=…)``) and ``run`` it.
    So a route is a row: its path, body schema, role (an alias of ``api.deps``) and name (the
    OpenAPI operation id derives from it, as from a route function's name).
    """

    def __init__(self, *, tag: str) -> None:
        super().__init__(prefix="/v1/cases/{case_id}", tags=[tag])

    def command(self, path: str, body: type[CommandBody], who: type[Principal], name: str) -> None:
        ids = ["case_id", *re.findall(r"{(\w+)}", path)]
        takes = list(signature(body.command).parameters)[1:]
        if takes != ids:
            raise TypeError(f"{body.__name__}.command takes {takes}, the path {path} gives {ids}")
        if get_origin(who) is not Annotated:
            raise TypeError(f"the role of {path} must be a dependency of api.deps, not {who}")
        self.add_api_route(
            path,
            CommandEndpoint(ids, body, who),
            methods=["POST"],
            name=name,
            status_code=201,
            responses=ANSWERS,
            description=body.__doc__,
        )


class CommandEndpoint:
    """What FastAPI calls for a row of ``CaseCommands``. FastAPI reads a route's parameters
    from its signature; this one's is made for the row: the path ids, the body, the role."""

    def __init__(self, ids: list[str], body: type[CommandBody], who: type[Principal]) -> None:
        keyword = Parameter.KEYWORD_ONLY
        self.__signature__ = Signature(
            [
                Parameter("request", keyword, annotation=Request),
                *(Parameter(i, keyword, annotation=str) for i in ids),
                Parameter("body", keyword, annotation=body),
                Parameter("who", keyword, annotation=who),
            ],
            return_annotation=JSONResponse,
        )

    def __call__(
        self, *, request: Request, body: CommandBody, who: Principal, **ids: str
    ) -> JSONResponse:
        return run(request, who, body, body.command(**ids))
