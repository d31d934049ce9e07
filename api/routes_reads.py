"""Reads (API.md § Reads): cases from the event store, everything else from the projections."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from api.auth import READERS, check_handler_case, require, services
from api.fields import MAX_CODE, Day, WholeNumber
from api.problems import ApiProblem
from infra.chain_audit import anchors_from, verify_chain
from infra.clock import today
from infra.directory import Principal
from infra.embedded import ViewStopped
from infra.metrics import prometheus_text
from projections.audit_trail import AuditTrailView, case_history, global_log
from projections.case_document import case_document
from projections.commitments import CommitmentView, open_commitments
from projections.disclosures import DisclosureView, disclosures
from projections.ledger import LedgerView, ledger, overdue
from projections.tamper_chain import TamperChainView
from projections.unit_facts import UnitFactsView, unit_stats, visit_compliance_report

router = APIRouter(tags=["reads"])
ANYONE = require(*READERS)
AUDITORS = require("auditor", "admin")
Limit = Query(50, ge=1, le=1000)
Year = Query(None, ge=1949, le=2200)
Cursor = Query(None, max_length=500)
Unit = Query(None, max_length=MAX_CODE)


def _views_current(request: Request, *views: str) -> None:
    """Read-your-writes: a read after a 201 reflects it (API.md § Running). A read model that
    stopped at an event it cannot apply answers 503 at once, naming the view and the position."""
    try:
        current = services(request).views_current(views)
    except ViewStopped as stopped:
        raise ApiProblem(503, str(stopped)) from None
    if not current:
        raise ApiProblem(503, "read models are catching up; retry shortly")


def _own_rows(who: Principal, listing: dict[str, Any]) -> dict[str, Any]:
    """A handler's lists keep only its own unit's rows."""
    if who.role == "handler":
        listing["items"] = [i for i in listing["items"] if i["unit"] == who.unit]
    return listing


def _own_unit(who: Principal, unit: str | None) -> str | None:
    """A handler sees only its own unit's rows, whatever it asks for."""
    if who.role != "handler":
        return unit
    if unit is not None and unit != who.unit:
        raise ApiProblem(403, f"a handler of {who.unit} reads only its own unit")
    return who.unit


@router.get("/v1/cases/{case_id}")
def get_case(
    request: Request,
    case_id: str,
    as_of: Day | None = None,
    who: Principal = Depends(ANYONE),
) -> dict[str, Any]:
    svc = services(request)
    case = svc.app.get_case(case_id)
    check_handler_case(who, case)
    return case_document(case, svc.app.calendar(), as_of or today())


@router.get("/v1/cases/{case_id}/history")
def get_history(
    request: Request,
    case_id: str,
    as_of: datetime | None = None,
    who: Principal = Depends(ANYONE),
) -> dict[str, Any]:
    """Every event up to ``as_of`` (a timestamp) and the case as it was then (R-X3)."""
    svc = services(request)
    check_handler_case(who, svc.app.get_case(case_id))
    try:
        # One instant, in UTC like the stored recorded_at, whatever offset the caller used.
        moment = _aware(as_of).astimezone(UTC) if as_of else datetime.now(UTC)
    except OverflowError:
        raise ApiProblem(422, f"as_of {as_of} is outside the representable range") from None
    then = svc.app.get_case(case_id, as_of=moment)
    _views_current(request, AuditTrailView.name)
    events = case_history(
        svc.views, str(then.id), late_days=svc.settings.late_recording_days, until=moment
    )
    state = case_document(then, svc.app.calendar(), moment.date())
    return {"case_id": str(then.id), "as_of": moment.isoformat(), "events": events, "state": state}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@router.get("/v1/ledger")
def get_ledger(
    request: Request,
    year: WholeNumber | None = Year,
    unit: str | None = Unit,
    kind: Literal["suggestion", "proposal"] | None = None,
    stage: Literal["registered", "handling", "replied", "rehandling", "closed"] | None = None,
    overdue: bool | None = None,
    as_of: Day | None = None,
    limit: WholeNumber = Limit,
    cursor: str | None = Cursor,
    who: Principal = Depends(ANYONE),
) -> dict[str, Any]:
    _views_current(request, LedgerView.name)
    return _paged(
        lambda: ledger(
            services(request).views,
            as_of=as_of or today(),
            year=year,
            unit=_own_unit(who, unit),
            kind=kind,
            stage=stage,
            overdue=overdue,
            limit=limit,
            cursor=cursor,
        )
    )


@router.get("/v1/ledger/overdue")
def get_overdue(
    request: Request,
    as_of: Day | None = None,
    limit: WholeNumber = Limit,
    cursor: str | None = Cursor,
    who: Principal = Depends(ANYONE),
) -> dict[str, Any]:
    _views_current(request, LedgerView.name)
    return _paged(
        lambda: overdue(
            services(request).views,
            as_of=as_of or today(),
            unit=_own_unit(who, None),
            limit=limit,
            cursor=cursor,
        )
    )


def _paged(read: Any) -> dict[str, Any]:
    try:
        result: dict[str, Any] = read()
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
        raise ApiProblem(422, "invalid cursor") from None
    return result


@router.get("/v1/stats/units")
def get_unit_stats(
    request: Request,
    year: WholeNumber | None = Year,
    kind: Literal["suggestion", "proposal"] | None = None,
    as_of: Day | None = None,
    who: Principal = Depends(ANYONE),
) -> dict[str, Any]:
    _views_current(request, UnitFactsView.name)
    stats = unit_stats(services(request).views, as_of=as_of or today(), year=year, kind=kind)
    if who.role == "handler":
        stats["total"] = None  # the organisation's totals are not a unit's to see
    return _own_rows(who, stats)


@router.get("/v1/stats/visit-compliance")
def get_visit_compliance(
    request: Request, year: WholeNumber | None = Year, who: Principal = Depends(ANYONE)
) -> dict[str, Any]:
    _views_current(request, UnitFactsView.name)
    report = visit_compliance_report(services(request).views, year=year)
    return _own_rows(who, report)


@router.get("/v1/disclosures")
def get_disclosures(
    request: Request,
    status: Literal["due", "overdue", "published", "published_late", "withheld"] | None = None,
    as_of: Day | None = None,
    who: Principal = Depends(ANYONE),
) -> dict[str, Any]:
    _views_current(request, DisclosureView.name)
    register = disclosures(services(request).views, as_of=as_of or today(), status=status)
    return _own_rows(who, register)


@router.get("/v1/commitments")
def get_commitments(
    request: Request, include_closed: bool = False, who: Principal = Depends(ANYONE)
) -> dict[str, Any]:
    """R-Rv2: the B-class rolling ledger, open commitments across years (an addition)."""
    _views_current(request, CommitmentView.name)
    found = open_commitments(services(request).views, include_closed=include_closed)
    return _own_rows(who, found)


@router.get("/v1/audit/events")
def get_audit_events(
    request: Request,
    after: WholeNumber = Query(0, ge=0, le=2**62),
    limit: WholeNumber = Limit,
    cursor: str | None = Cursor,
    who: Principal = Depends(AUDITORS),
) -> dict[str, Any]:
    _views_current(request, AuditTrailView.name)
    start = after
    if cursor is not None:
        if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
            raise ApiProblem(422, "invalid cursor")
        start = int(cursor)
    svc = services(request)
    return global_log(
        svc.views, after=start, limit=limit, late_days=svc.settings.late_recording_days
    )


@router.get("/v1/audit/verify")
def get_verify(request: Request, who: Principal = Depends(AUDITORS)) -> dict[str, Any]:
    _views_current(request, TamperChainView.name)
    svc = services(request)
    # Checked against every anchor of every configured sink, not only the chain view.
    return verify_chain(svc.app, svc.views, anchors_from(svc.settings)).as_dict()


@router.get("/health")
def health(request: Request) -> JSONResponse:
    """Alive (200) with ``status`` ``ok``, or ``degraded`` with the read models that stopped at
    an event they cannot apply: commands and the other reads keep working meanwhile."""
    svc = services(request)
    head = svc.app.recorder.max_notification_id() or 0
    stopped = [asdict(f) for f in svc.views.failures()]
    body: dict[str, Any] = {"status": "degraded" if stopped else "ok", "events": head}
    if stopped:
        body["stopped_views"] = stopped
    return JSONResponse(body)


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> str:
    svc = services(request)
    return prometheus_text(svc.app, svc.views, svc.settings)
