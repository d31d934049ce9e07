"""The registers (API.md § Reads): the 台账 with its filters, the overdue list (R-S1), the
disclosure register (R-D4, R-P1 … R-P5) and the B-class rolling ledger (R-Rv2)."""

from __future__ import annotations

from fastapi import APIRouter

from api import queries, queries_ledger
from api.deps import (
    AsOf,
    Cursor,
    LedgerQuery,
    Limit,
    Page,
    Reader,
    Services,
    UnitFilter,
    YearFilter,
)
from api.schemas_ledger import Commitments, DisclosureRegister, LedgerPage
from domain.vocabulary import DisclosureStatus

router = APIRouter(prefix="/v1", tags=["registers"])


@router.get("/ledger")
def get_ledger(
    svc: Services, who: Reader, as_of: AsOf, filters: LedgerQuery, page: Page
) -> LedgerPage:
    """A page of the ledger ordered by case number; ``next_cursor`` continues it."""
    return queries_ledger.ledger_page(svc, who, as_of, filters, page)


@router.get("/ledger/overdue")
def get_overdue(svc: Services, who: Reader, as_of: AsOf, page: Page) -> LedgerPage:
    """Cases with an obligation still open and past due, most overdue first."""
    return queries_ledger.overdue_page(svc, who, as_of, page)


@router.get("/disclosures")
def get_disclosures(
    svc: Services,
    who: Reader,
    as_of: AsOf,
    status: DisclosureStatus | None = None,
    year: YearFilter = None,
    unit: UnitFilter = None,
    limit: Limit | None = None,
    cursor: Cursor = None,
) -> DisclosureRegister:
    """Each reply's disclosure, by the day its publication is due; ``year`` (the case's) and
    ``unit`` (the answering unit's) narrow it, and ``limit`` pages it, ``next_cursor``
    continuing (additions to API.md: without ``limit`` every item, as before)."""
    return queries.disclosure_register(
        svc, who, as_of=as_of, status=status, year=year, unit=unit, limit=limit, cursor=cursor
    )


@router.get("/commitments")
def get_commitments(svc: Services, who: Reader, include_closed: bool = False) -> Commitments:
    """R-Rv2: the B-class rolling ledger, open commitments across years (an addition)."""
    return queries.commitments(svc, who, include_closed=include_closed)
