"""Cases (API.md): registration of a new case."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.commands import ANSWERS, answer, context
from api.deps import Office, Services
from api.schemas_assignment import CaseCreate

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.post("", status_code=201, responses=ANSWERS)
def register(request: Request, body: CaseCreate, who: Office, svc: Services) -> JSONResponse:
    """A new case; its number is unique per kind and year (a second one is a 409)."""
    return answer(svc.app.register(context(request, who, body), body.command()))
