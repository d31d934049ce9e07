"""Set-up (API.md § Set-up): units, users with their tokens, the working-day calendar."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from api import schemas as s
from api import schemas_accounts as a
from api.commands import context
from api.deps import Admin, Services
from api.fields import WholeNumber
from infra.clock import today
from infra.command_context import CommandContext

router = APIRouter(prefix="/v1", tags=["set-up"])


@router.post("/units", status_code=201)
def create_unit(request: Request, body: s.UnitCreate, who: Admin, svc: Services) -> JSONResponse:
    ctx = context(request, who, body)
    answer, replayed = svc.directory.create_unit(who, body.code, body.name, ctx)
    return JSONResponse(answer, status_code=200 if replayed else 201)


@router.post("/users", status_code=201)
def create_user(request: Request, body: a.UserCreate, who: Admin, svc: Services) -> JSONResponse:
    """Answers the new user's bearer token once; only its hash is stored (a replay under the
    same Idempotency-Key answers the same user with ``token: null``). With a ``password``
    the user may also log in (``POST /v1/session``)."""
    ctx = context(request, who, a.fingerprinted(body))
    answer, replayed = svc.directory.create_user(who, **body.model_dump(), ctx=ctx)
    return JSONResponse(answer, status_code=200 if replayed else 201)


@router.put("/calendar/{year}")
def load_calendar(
    body: s.CalendarYear,
    year: Annotated[WholeNumber, Path(ge=1949, le=2200)],
    who: Admin,
    svc: Services,
) -> JSONResponse:
    """R-D7: an official year's holidays and 调休 make-up workdays; deadlines follow at once."""
    ctx = CommandContext(actor=who.actor(), today=today())
    version = svc.app.stored_calendar.load_year(ctx, year, body.holidays, body.workdays)
    return JSONResponse({"year": year, "calendar_version": version}, status_code=200)
