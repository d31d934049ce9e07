"""The read side as the API sees it: every call into ``projections`` (and the case document
read from the event store) is here or in ``queries_ledger`` (the 台账's), answering the
response models of ``schemas_*``.

A read first waits for the read models it needs (read-your-writes, API.md § Running); a handler
sees its own unit's rows only (docs/decisions.md § HTTP API).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from api.auth import check_handler_case
from api.deps import Paging
from api.fields import whole_number
from api.problems import INVALID_CURSOR, ApiProblem
from api.read_scope import at_head, own_rows, own_unit, paged, views_current
from api.schemas_audit import (
    AuditEventPublic,
    AuditPage,
    HealthPublic,
    HistoryPublic,
    VerificationPublic,
)
from api.schemas_case import CasePublic, CaseSearchPage
from api.schemas_ledger import Commitments, DisclosureRegister
from api.schemas_proposer import CaseNotices
from api.schemas_stats import UnitStats, VisitCompliance
from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.directory import Unit
from domain.vocabulary import DisclosureStatus, Kind
from infra.chain_audit import anchors_from, verify_chain
from infra.clock import china_date
from infra.directory import BOOTSTRAP, Principal
from infra.services import Services
from infra.verify_runs import Progress, VerifyRun
from projections import registry, trail_reads
from projections.audit_trail import AuditTrailView, case_history, global_log
from projections.case_document import case_document
from projections.case_search import CaseSearchView, search
from projections.commitments import CommitmentView, open_commitments
from projections.disclosures import DisclosureView, disclosure_choices, disclosures
from projections.ledger import LedgerView, cases_by_id
from projections.met_after_due import met_after_due
from projections.notifications import case_notices
from projections.public_register import PublicRegisterView, every_reply, listed_keys
from projections.tamper_chain import TamperChainView
from projections.unit_facts import UnitFactsView, unit_stats, visit_compliance_report

# ---------------------------------------------------------------------- cases


def _document(
    svc: Services, case: Case, as_of: date, calendar: WorkdayCalendar | None = None
) -> CasePublic:
    """The case's document, its deadlines by ``calendar`` (the one in force now by default)."""
    used = calendar if calendar is not None else svc.app.calendar()
    return CasePublic.model_validate(case_document(case, used, as_of))


def case_state(svc: Services, who: Principal, case_id: str, as_of: date) -> CasePublic:
    return loaded_case(svc, who, case_id, as_of)[1]


def loaded_case(
    svc: Services, who: Principal, case_id: str, as_of: date
) -> tuple[Case, CasePublic]:
    """The case as the domain holds it and its document, from one load (a page that asks the
    domain's rules about what it shows)."""
    case = svc.app.get_case(case_id)
    check_handler_case(who, case)
    return case, _document(svc, case, as_of)


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
    return history_and_case(svc, who, case_id, as_of)[0]


def history_and_case(
    svc: Services, who: Principal, case_id: str, as_of: datetime | None
) -> tuple[HistoryPublic, Case]:
    """``history``, and the case as the domain held it then (R-X3), from one load: a past
    moment's page sums up from it what today's page does (each unit's contacts and visits,
    what the public register no longer listed)."""
    check_handler_case(who, svc.app.get_case(case_id))
    try:
        # One instant, in UTC like the stored recorded_at, whatever offset the caller used.
        moment = _aware(as_of).astimezone(UTC) if as_of else datetime.now(UTC)
        # Beijing is 8 h ahead: from 9999-12-31T16:00Z on, its day is past the last date.
        day = china_date(moment)
    except OverflowError:
        raise ApiProblem(422, f"as_of {as_of} is outside the representable range") from None
    then = svc.app.get_case(case_id, as_of=moment)
    events = timeline(svc, then, moment)
    # R-X3: the state as it was then, with the calendar in force then (a year loaded later
    # moves its deadlines in today's reads, not in this one).
    state = _document(svc, then, day, svc.app.stored_calendar.as_of(moment))
    found = HistoryPublic.model_validate(
        {"case_id": str(then.id), "as_of": moment.isoformat(), "events": events, "state": state}
    )
    return found, then


def timeline(svc: Services, case: Case, until: datetime) -> list[AuditEventPublic]:
    """The case's events recorded up to ``until`` (R-X3), each with its late-recording flag."""
    views_current(svc, AuditTrailView.name)
    late_days = svc.settings.late_recording_days
    found = case_history(svc.views, str(case.id), late_days=late_days, until=until)
    return [AuditEventPublic.model_validate(event) for event in found]


def notices(svc: Services, who: Principal, case_id: str) -> CaseNotices:
    """The case's notices and their deliveries (the case timeline shows them beside its events:
    deliveries are facts from outside the log, so they are no events of the case)."""
    case = svc.app.get_case(case_id)
    check_handler_case(who, case)
    try:
        found = case_notices(svc.views, str(case.id))
    except LookupError:
        found = []  # nothing noticed anywhere yet
    return CaseNotices.model_validate({"items": found})


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------------- registers


# A unit's name never changes (no event renames one): read from its stream once per services.
_UNIT_NAMES: dict[tuple[int, str], tuple[Services, str]] = {}


def unit_names(svc: Services, codes: Iterable[str | None]) -> dict[str, str]:
    """The names of the units ``codes`` name, read from their streams once and remembered;
    a code of no unit keeps its code."""

    def read(code: str) -> str | None:
        try:
            unit: Any = svc.app.repository.get(Unit.create_id(code))
        except AggregateNotFoundError:
            return None
        return str(unit.name)

    return _names_once(_UNIT_NAMES, svc, codes, read)


def _names_once(
    kept: dict[tuple[int, str], tuple[Services, str]],
    svc: Services,
    keys: Iterable[str | None],
    read: Callable[[str], str | None],
) -> dict[str, str]:
    """Names that never change, each ``read`` once per services and then ``kept``; a key
    ``read`` finds nothing for keeps itself, and is asked again next time (it may be made)."""
    names: dict[str, str] = {}
    for key in {k for k in keys if k}:
        known = kept.get((id(svc), key))
        if known is not None and known[0] is svc:
            names[key] = known[1]
            continue
        found = read(key)
        if found is None:
            names[key] = key
            continue
        if len(kept) > 10_000:
            kept.clear()
        kept[(id(svc), key)] = (svc, found)
        names[key] = found
    return names


def disclosure_register(
    svc: Services,
    who: Principal,
    *,
    as_of: date,
    status: DisclosureStatus | None,
    year: int | None = None,
    unit: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> DisclosureRegister:
    """The register's items (a page of them with ``limit``); a handler's of its own unit."""
    unit = _register_read(svc, who, unit)
    found = paged(
        lambda: disclosures(
            svc.views,
            as_of=as_of,
            status=status,
            year=year,
            unit=unit,
            limit=limit,
            cursor=cursor,
        )
    )
    return DisclosureRegister.model_validate(found)


def disclosure_rows(
    svc: Services,
    who: Principal,
    *,
    as_of: date,
    year: int | None = None,
    unit: str | None = None,
) -> list[dict[str, Any]]:
    """Every item of the register as read, not yet validated (the 答复公开 page validates the
    rows it draws, at most 500 of a province's thousands); a handler's of its own unit."""
    unit = _register_read(svc, who, unit)
    items: list[dict[str, Any]] = disclosures(svc.views, as_of=as_of, year=year, unit=unit)["items"]
    return items


def _register_read(svc: Services, who: Principal, unit: str | None) -> str | None:
    """Before a read of the register: the views hold every event, and the unit it is read
    for is the caller's own if a handler's."""
    views_current(svc, DisclosureView.name, PublicRegisterView.name)  # take_down reads both
    return own_unit(who, unit)


def disclosure_filters(svc: Services, who: Principal) -> dict[str, list[Any]]:
    """The years and answering units the register holds (a handler's: its own unit's)."""
    views_current(svc, DisclosureView.name)
    return disclosure_choices(svc.views, unit=own_unit(who, None))


def commitments(svc: Services, who: Principal, *, include_closed: bool) -> Commitments:
    views_current(svc, CommitmentView.name)
    found = Commitments.model_validate(open_commitments(svc.views, include_closed=include_closed))
    return Commitments(items=own_rows(who, found.items))


# ---------------------------------------------------------------------- measures


def measures(
    svc: Services, who: Principal, *, as_of: date, year: int | None, kind: Kind | None
) -> UnitStats:
    stats = at_head(
        svc,
        UnitFactsView.name,
        ("measures", as_of, year, kind),
        lambda: UnitStats.model_validate(unit_stats(svc.views, as_of=as_of, year=year, kind=kind)),
    )
    if who.role == "handler":
        # The organisation's totals are not a unit's to see.
        return UnitStats(items=own_rows(who, stats.items), total=None)
    return stats


def visit_compliance(svc: Services, who: Principal, *, year: int | None) -> VisitCompliance:
    report = at_head(
        svc,
        UnitFactsView.name,
        ("visits", year),
        lambda: VisitCompliance.model_validate(visit_compliance_report(svc.views, year=year)),
    )
    return VisitCompliance(items=own_rows(who, report.items))


# ---------------------------------------------------------------------- audit, operations


def audit_page(
    svc: Services,
    page: Paging,
    *,
    after: int,
    user: str | None = None,
    event_type: str | None = None,
) -> AuditPage:
    views_current(svc, AuditTrailView.name)
    if page.cursor is not None:
        after = _position_cursor(page.cursor)
    late_days = svc.settings.late_recording_days
    found = global_log(
        svc.views,
        after=after,
        limit=page.limit,
        late_days=late_days,
        user=user,
        event_type=event_type,
    )
    return AuditPage.model_validate(found)


def integrity_signals(svc: Services) -> dict[str, Any]:
    """What only an event log can show (R-X1, R-X2, R-F4): bursts of late recording by one
    user, deadlines met by an act recorded after their due day, the corrections, and feedback
    keyed in by the office; each with its events."""
    views_current(svc, AuditTrailView.name)
    views_current(svc, LedgerView.name)
    late_days = svc.settings.late_recording_days
    return {
        "late_days": late_days,
        "bursts": trail_reads.late_bursts(svc.views, late_days=late_days),
        "met_after_due": met_after_due(svc.views),
        "corrections": trail_reads.corrections(svc.views),
        "feedback": trail_reads.office_feedback(svc.views),
    }


def deadlines_met_after_due(svc: Services, case_id: str) -> dict[tuple[str, str, str], str]:
    """A case's deadlines met by an act recorded after their due day (R-X1, R-D8), by kind,
    unit and due day: the Beijing day the act was recorded, as its deadline table says it."""
    views_current(svc, AuditTrailView.name)
    views_current(svc, LedgerView.name)
    return {
        (m["kind"], m["unit"] or "", m["due_on"]): m["event"]["recorded_on"]
        for m in met_after_due(svc.views, case_id=case_id)
    }


def late_recordings(svc: Services, page: Paging) -> dict[str, Any]:
    """Events recorded more than the allowed days after the day they claim (back-dating)."""
    views_current(svc, AuditTrailView.name)
    after = _position_cursor(page.cursor)
    late_days = svc.settings.late_recording_days
    return trail_reads.late_recordings(
        svc.views, late_days=late_days, after=after, limit=page.limit
    )


def case_numbers(svc: Services, case_ids: Iterable[str]) -> dict[str, str]:
    """The cases ``case_ids`` name, by year and number (2025年 JY-0001), from the ledger: an
    auditor's pages name a case so, not by its position in a stream, and with its year since
    offices number each year from 0001."""
    rows = _ledger_rows(svc, case_ids)
    return {case_id: f"{row['year']}年 {row['number']}" for case_id, row in rows.items()}


def _ledger_rows(svc: Services, case_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    views_current(svc, LedgerView.name)
    return cases_by_id(svc.views, sorted({c for c in case_ids if c}))


def directory(svc: Services) -> dict[str, list[dict[str, Any]]]:
    """Units, users and loaded calendar years, as their events recorded them."""
    views_current(svc, AuditTrailView.name)
    return trail_reads.directory(svc.views)


# Nor does a user's display name: read from the user's stream once per services.
_PEOPLE: dict[tuple[int, str], tuple[Services, str]] = {}


def people_names(svc: Services, usernames: Iterable[str | None]) -> dict[str, str]:
    """The display names of the users ``usernames`` name; a login of no user (a proposer's
    link, ``proposer-link:<id>``) keeps its login."""

    def read(username: str) -> str | None:
        if username == BOOTSTRAP.user:  # the set-up token's acts (the demo's users, say)
            return BOOTSTRAP.display_name
        user = svc.directory.current_user(username)
        return None if user is None else str(user.display_name)

    return _names_once(_PEOPLE, svc, usernames, read)


def _position_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    position = whole_number(cursor)
    if position is None:
        raise ApiProblem(422, INVALID_CURSOR)
    return position


def verification(svc: Services, progress: Progress | None = None) -> VerificationPublic:
    views_current(svc, TamperChainView.name)
    # The case views too, which verify compares with a recomputation at the position they
    # hold; one stopped at a bad event (or lagging) must not keep an auditor from the chain:
    # they are then not compared, and the answer says so (``views_checked_at`` null).
    with contextlib.suppress(ApiProblem):
        views_current(svc, *(view.name for view in registry.views().case))
    # Checked against every anchor of every configured sink, not only the chain view.
    found = verify_chain(svc.app, svc.views, anchors_from(svc.settings), svc.documents, progress)
    return VerificationPublic.model_validate(found.as_dict())


def start_verification(svc: Services, user: str) -> tuple[VerifyRun, bool]:
    """``verification`` in the background (``infra/verify_runs.py``): the new run and True, or
    the run under way and False."""
    return svc.verify_runs.start(
        user, lambda report: verification(svc, report).model_dump(mode="json")
    )


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


# ---------------------------------------------------------------------- the public register


def public_register_position(svc: Services, *, current: bool = False) -> int | None:
    """How far the public register has come (what its answers are cached by); ``current``:
    once it has caught up with the log (read-your-writes, for a process that just wrote)."""
    if current:
        views_current(svc, PublicRegisterView.name)
    generation = svc.views.active_generation(PublicRegisterView.name)
    if generation is None:
        return None
    return svc.views.positions([(PublicRegisterView.name, generation)])[PublicRegisterView.name]


def public_listed(svc: Services, case_ids: Sequence[str]) -> set[str]:
    """The keys of these cases' replies the public register lists now (R-P2: what a reply
    taken off it since the last snapshot must not be served from)."""
    try:
        return listed_keys(svc.views, case_ids)
    except LookupError:  # not built yet on a fresh store
        return set()


def public_rows(svc: Services) -> list[dict[str, Any]]:
    """The whole public register, never waiting for the views: no caller of it wrote anything."""
    try:
        return every_reply(svc.views)
    except LookupError:  # not built yet on a fresh store
        return []
