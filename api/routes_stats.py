"""The measures of DOMAIN.md §4 per unit and for the whole organisation, and visit compliance
(R-V2, R-V3) (API.md § Reads)."""

from __future__ import annotations

from fastapi import APIRouter

from api import queries
from api.deps import AsOf, Reader, Services, YearFilter
from api.schemas_stats import UnitStats, VisitCompliance
from domain.vocabulary import Kind

router = APIRouter(prefix="/v1/stats", tags=["measures"])


@router.get("/units")
def get_unit_stats(
    svc: Services, who: Reader, as_of: AsOf, year: YearFilter = None, kind: Kind | None = None
) -> UnitStats:
    """Each measure with its numerator, denominator and the cases behind both; a handler sees
    its own unit and no organisation total."""
    return queries.measures(svc, who, as_of=as_of, year=year, kind=kind)


@router.get("/visit-compliance")
def get_visit_compliance(svc: Services, who: Reader, year: YearFilter = None) -> VisitCompliance:
    return queries.visit_compliance(svc, who, year=year)
