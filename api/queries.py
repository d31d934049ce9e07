"""The read side as the API sees it: every call into ``projections`` (and the case document
read from the event store) is here, answering the response models of ``schemas_*``.

A read first waits for the read models it needs (read-your-writes, API.md § Running); a handler
sees its own unit's rows only (docs/decisions.md § HTTP API).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

from api.auth import check_handler_case
from api.deps import LedgerFilter, Paging
from api.problems import ApiProblem
from api.schemas_audit import AuditPage, HealthPublic, HistoryPublic, VerificationPublic
from api.schemas_case import CasePublic, CaseSearchPage
from api.schemas_ledger import Commitments, DisclosureRegister, LedgerPage
from api.schemas_stats import UnitStats, VisitCompliance
from domain.case import Case
from domain.vocabulary import DisclosureStatus, Kind
from infra.chain_audit import anchors_from, verify_chain
from infra.directory import Principal
from infra.embedded import ViewStopped
from infra.services import Services
from projections.audit_trail import AuditTrailView, case_history, global_log
from projections.case_document import case_document
from projections.case_search import CaseSearchView, search
from projections.commitments import CommitmentView, open_commitments
from projections.disclosures import DisclosureView, disclosures
from projections.ledger import LedgerView, ledger, overdue
from projections.tamper_chain import TamperChainView
from projections.unit_facts import UnitFactsView, unit_stats, visit_compliance_report


class UnitRow(Protocol):
    @property
    def unit(self) -> str | None: ...


Row = TypeVar("Row", bound=UnitRow)


def views_current(svc: Services, *views: str) -> None:
    """Read-your-writes: a read after a 201 reflects it. A read model that stopped at an event
    it cannot apply answers 503 at once, naming the view and the position."""
    try:
        current = svc.views_current(views)
    except ViewStopped as stopped:
        raise ApiProblem(503, str(stopped)) from None
    if not current:
        raise ApiProblem(503, "read models are catching up; retry shortly")


def own_rows(who: Principal, rows: Sequence[Row]) -> list[Row]:
    """A handler's lists keep only its own unit's rows."""
    return [r for r in rows if who.role != "handler" or r.unit == who.unit]


def own_unit(who: Principal, unit: str | None) -> str | None:
    """A handler sees only its own unit's rows, whatever it asks for."""
    if who.role != "handler":
        return unit
    if unit is not None and unit != who.unit:
        raise ApiProblem(403, f"a handler of {who.unit} reads only its own unit")
    return who.unit


def paged(read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A page read with the caller's cursor; a cursor the read cannot follow is a 422."""
    try:
        return read()
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError):
        raise ApiProblem(422, "invalid cursor") from None


# ---------------------------------------------------------------------- cases


def _document(svc: Services, case: Case, as_of: date) -> CasePublic:
    return CasePublic.model_validate(case_document(case, svc.app.calendar(), as_of))


def case_state(svc: Services, who: Principal, case_id: str, as_of: date) -> CasePublic:
    case = svc.app.get_case(case_id)
    check_handler_case(who, case)
    return _document(svc, case, as_of)


def case_search(
    svc: Services,
    who: Principal,
    *,
    q: str | None,
    year: int | None,
    kind: Kind | None,
    page: Paging,
) -> CaseSearchPage:
    """Cases by number, title and text, the best first; a handler finds its unit's cases only."""
    views_current(svc, CaseSearchView.name)
    unit = own_unit(who, None)
    found = paged(
        lambda: search(
            svc.views, q=q, year=year, kind=kind, unit=unit, limit=page.limit, cursor=page.cursor
        )
    )
    return CaseSearchPage.model_validate(found)


def history(svc: Services, who: Principal, case_id: str, as_of: datetime | None) -> HistoryPublic:
    """Every event up to ``as_of`` (a timestamp; now by default) and the case as it was then."""
    check_handler_case(who, svc.app.get_case(case_id))
    try:
        # One instant, in UTC like the stored recorded_at, whatever offset the caller used.
        moment = _aware(as_of).astimezone(UTC) if as_of else datetime.now(UTC)
    except OverflowError:
        raise ApiProblem(422, f"as_of {as_of} is outside the representable range") from None
    then = svc.app.get_case(case_id, as_of=moment)
    views_current(svc, AuditTrailView.name)
    late_days = svc.settings.late_recording_days
    events = case_history(svc.views, str(then.id), late_days=late_days, until=moment)
    state = _document(svc, then, moment.date())
    return HistoryPublic.model_validate(
        {"case_id": str(then.id), "as_of": moment.isoformat(), "events": events, "state": state}
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------------- registers


def ledger_page(
    svc: Services, who: Principal, as_of: date, filters: LedgerFilter, page: Paging
) -> LedgerPage:
    views_current(svc, LedgerView.name)
    found = paged(
        lambda: ledger(
            svc.views,
            as_of=as_of,
            year=filters.year,
            unit=own_unit(who, filters.unit),
            kind=filters.kind,
            stage=filters.stage,
            overdue=filters.overdue,
            limit=page.limit,
            cursor=page.cursor,
        )
    )
    return LedgerPage.model_validate(found)


def overdue_page(svc: Services, who: Principal, as_of: date, page: Paging) -> LedgerPage:
    views_current(svc, LedgerView.name)
    unit = own_unit(who, None)
    found = paged(
        lambda: overdue(svc.views, as_of=as_of, unit=unit, limit=page.limit, cursor=page.cursor)
    )
    return LedgerPage.model_validate(found)


def disclosure_register(
    svc: Services, who: Principal, *, as_of: date, status: DisclosureStatus | None
) -> DisclosureRegister:
    views_current(svc, DisclosureView.name)
    register = DisclosureRegister.model_validate(disclosures(svc.views, as_of=as_of, status=status))
    return DisclosureRegister(items=own_rows(who, register.items))


def commitments(svc: Services, who: Principal, *, include_closed: bool) -> Commitments:
    views_current(svc, CommitmentView.name)
    found = Commitments.model_validate(open_commitments(svc.views, include_closed=include_closed))
    return Commitments(items=own_rows(who, found.items))


# ---------------------------------------------------------------------- measures


def measures(
    svc: Services, who: Principal, *, as_of: date, year: int | None, kind: Kind | None
) -> UnitStats:
    views_current(svc, UnitFactsView.name)
    stats = UnitStats.model_validate(unit_stats(svc.views, as_of=as_of, year=year, kind=kind))
    if who.role == "handler":
        # The organisation's totals are not a unit's to see.
        return UnitStats(items=own_rows(who, stats.items), total=None)
    return stats


def visit_compliance(svc: Services, who: Principal, *, year: int | None) -> VisitCompliance:
    views_current(svc, UnitFactsView.name)
    report = VisitCompliance.model_validate(visit_compliance_report(svc.views, year=year))
    return VisitCompliance(items=own_rows(who, report.items))


# ---------------------------------------------------------------------- audit, operations


def audit_page(svc: Services, page: Paging, *, after: int) -> AuditPage:
    views_current(svc, AuditTrailView.name)
    cursor = page.cursor
    if cursor is not None:
        # Digits only, and few: int() takes other digits ('²') and SQLite no more than 2**63.
        if not (cursor.isascii() and cursor.isdigit() and len(cursor) <= 18):
            raise ApiProblem(422, "invalid cursor")
        after = int(cursor)
    late_days = svc.settings.late_recording_days
    return AuditPage.model_validate(
        global_log(svc.views, after=after, limit=page.limit, late_days=late_days)
    )


def verification(svc: Services) -> VerificationPublic:
    views_current(svc, TamperChainView.name)
    # Checked against every anchor of every configured sink, not only the chain view.
    found = verify_chain(svc.app, svc.views, anchors_from(svc.settings))
    return VerificationPublic.model_validate(found.as_dict())


def health(svc: Services) -> HealthPublic:
    """Alive, with ``status`` ``ok``, or ``degraded`` with the read models that stopped at an
    event they cannot apply: commands and the other reads keep working meanwhile."""
    head = svc.app.recorder.max_notification_id() or 0
    stopped = [asdict(f) for f in svc.views.failures()]
    return HealthPublic.model_validate(
        {
            "status": "degraded" if stopped else "ok",
            "events": head,
            "stopped_views": stopped or None,
        }
    )
