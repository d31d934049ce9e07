"""Cases (API.md): registration, search (v1.1), and one case's state and history, read from the
event store so a case is always current and can be shown as it was at any recorded time (R-X3)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api import queries
from api.commands import ANSWERS, answer, context
from api.deps import AsOf, AsOfMoment, Office, Page, Reader, SearchWords, Services, YearFilter
from api.schemas_assignment import CaseCreate
from api.schemas_audit import HistoryPublic
from api.schemas_case import CasePublic, CaseSearchPage
from domain.vocabulary import Kind

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.post("", status_code=201, responses=ANSWERS)
def register(request: Request, body: CaseCreate, who: Office, svc: Services) -> JSONResponse:
    """A new case; its number is unique per kind and year (a second one is a 409)."""
    return answer(svc.app.register(context(request, who, body), body.command()))


@router.get("")
def find_cases(
    who: Reader,
    svc: Services,
    page: Page,
    q: SearchWords = None,
    year: YearFilter = None,
    kind: Kind | None = None,
) -> CaseSearchPage:
    """Search over number, title and text, the best matches first (API.md v1.1; R-S4); without
    ``q``, every case in scope, the latest year first. A handler finds its unit's cases only."""
    return queries.case_search(svc, who, q=q, year=year, kind=kind, page=page)


@router.get("/{case_id}")
def get_case(case_id: str, as_of: AsOf, who: Reader, svc: Services) -> CasePublic:
    """The case now, with the status of its deadlines as of ``as_of`` (default today)."""
    return queries.case_state(svc, who, case_id, as_of)


@router.get("/{case_id}/history")
def get_history(
    case_id: str, who: Reader, svc: Services, as_of: AsOfMoment = None
) -> HistoryPublic:
    """Every event up to ``as_of`` (a timestamp) and the case as it was then (R-X3)."""
    return queries.history(svc, who, case_id, as_of)
