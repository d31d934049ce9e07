"""The 台账's reads as the API and the workbench see them: pages of the ledger, its totals and
summaries, the due-soon and overdue lists, and the dates the calendar moves (R-S1, R-D7, R-D8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from api.deps import Awaiting, LedgerFilter, Paging
from api.ledger_totals import ledger_total
from api.read_scope import (
    at_head,
    overdue_of,
    own_unit,
    paged,
    remembered,
    views_current,
    waited_head,
)
from api.schemas_ledger import LedgerPage
from domain.vocabulary import Kind
from infra.directory import Principal
from infra.services import Services
from projections.ledger import LedgerView, ledger, ledger_count, overdue
from projections.ledger_summary import (
    deadline_dates,
    due_soon,
    ledger_choices,
    ledger_years,
    stage_counts,
    unit_years,
)


def scoped(who: Principal, filters: LedgerFilter) -> dict[str, Any]:
    """The ledger's filters as ``who`` may read them (a handler: its unit's cases, its own
    overdue deadlines; a unit chosen: that unit's overdue deadlines)."""
    return {
        **filters.selection(),
        "unit": own_unit(who, filters.unit),
        "overdue_of": overdue_of(who, filters.unit),
    }


def ledger_page(
    svc: Services, who: Principal, as_of: date, filters: LedgerFilter, page: Paging
) -> LedgerPage:
    views_current(svc, LedgerView.name)
    return _page(svc, who, as_of, filters, page)


def _page(
    svc: Services, who: Principal, as_of: date, filters: LedgerFilter, page: Paging
) -> LedgerPage:
    selection = scoped(who, filters)
    found = paged(
        lambda: ledger(
            svc.views,
            as_of=as_of,
            limit=page.limit,
            cursor=page.cursor,
            sort=filters.sort,
            descending=filters.descending,
            **selection,
        )
    )
    return LedgerPage.model_validate(found)


def _total(svc: Services, who: Principal, head: int, as_of: date, filters: LedgerFilter) -> int:
    """How many cases the ledger's filters select (the row count beside a page), the ledger
    having been waited for up to ``head``."""
    return ledger_total(svc, head, as_of, scoped(who, filters))


@dataclass(frozen=True)
class LedgerScreen:
    """What the 台账 page shows: a page, its filters' row count, and the choices of its unit
    year and 包案领导 filters."""

    page: LedgerPage
    total: int
    units: list[str]
    years: list[int]
    leaders: list[str]  # none for a handler: another unit's key cases are not its business


def ledger_screen(
    svc: Services, who: Principal, as_of: date, filters: LedgerFilter, page: Paging
) -> LedgerScreen:
    """The 台账 page's reads after one read-your-writes wait (each wait costs queries, and
    under a command load a wait for a newer head each), from the same view state."""
    head = waited_head(svc, LedgerView.name)
    years, units, leaders = _choices(svc, who, head)
    return LedgerScreen(
        page=_page(svc, who, as_of, filters, page),
        total=_total(svc, who, head, as_of, filters),
        units=units,
        years=years,
        leaders=leaders,
    )


def cases_numbered(
    svc: Services,
    who: Principal,
    as_of: date,
    numbers: list[str],
    *,
    year: int | None,
    kind: Kind | None,
    limit: int = 1000,
) -> LedgerPage:
    """The ledger rows of the cases a figure names (a measure's numerator or denominator)."""
    views_current(svc, LedgerView.name)
    unit = own_unit(who, None)
    found = ledger(
        svc.views, as_of=as_of, year=year, kind=kind, unit=unit, numbers=numbers, limit=limit
    )
    return LedgerPage.model_validate(found)


def lead_case_numbers(
    svc: Services, who: Principal, as_of: date, *, unit: str, year: int | None
) -> list[str]:
    """The numbers of ``unit``'s lead cases, its split cases too (R-V2's denominator, as
    ``unit_facts.visit_compliance_report`` counts them)."""
    views_current(svc, LedgerView.name)
    unit = own_unit(who, unit) or unit
    numbers: list[str] = []
    for role in ("lead", "split"):
        found = ledger(svc.views, as_of=as_of, year=year, unit=unit, unit_role=role, limit=10**6)
        numbers += [str(item["number"]) for item in found["items"]]
    return numbers


def ledger_summary(
    svc: Services, who: Principal, as_of: date, *, year: int | None, kind: Kind | None
) -> dict[str, Any]:
    """The 总览's counts: cases by stage, overdue and key cases, over the caller's scope."""
    scope: dict[str, Any] = {"year": year, "kind": kind, "unit": own_unit(who, None)}
    owed = {"overdue_of": overdue_of(who)}

    every_year = {**scope, "year": None}

    def count() -> dict[str, Any]:
        overdue = ledger_count(svc.views, as_of=as_of, overdue=True, **scope, **owed)
        return {
            "stages": stage_counts(svc.views, as_of=as_of, **scope),
            "overdue": overdue,
            # Overdue in the years not shown: the 总览 opens on the latest year, and a leader
            # read 1 overdue there while 督办 (every year's) listed 18.
            "overdue_other_years": (
                ledger_count(svc.views, as_of=as_of, overdue=True, **every_year, **owed) - overdue
                if year is not None
                else 0
            ),
            "key": ledger_count(svc.views, as_of=as_of, key=True, **scope),
        }

    return at_head(svc, LedgerView.name, ("summary", as_of, *scope.values()), count)


def awaiting_count(svc: Services, who: Principal, as_of: date, awaiting: Awaiting) -> int:
    """How many cases wait on a decision (``Awaiting``: a leader's approval, R-R2, or the
    office's decision on an extension, R-E1, or a reassignment, R-A3) or on a unit's own step
    (a handler's unit's, R-R2), every year's: the list the 总览 links to holds them all."""
    unit = overdue_of(who)  # a handler's own unit; anyone else's: every unit's

    def count() -> int:
        return ledger_count(svc.views, as_of=as_of, awaiting=awaiting, unit=unit)

    return at_head(svc, LedgerView.name, ("awaiting", as_of, awaiting, unit), count)


def _choices(svc: Services, who: Principal, head: int) -> tuple[list[int], list[str], list[str]]:
    """The years, units and leaders in charge the caller may filter the ledger by (a handler:
    its own unit, no leader), the
    ledger having been waited for up to ``head``. They change only with the log: read once
    per position, in one statement (under a command load the head moves between pages, and
    each statement is a round trip of the page's)."""
    if who.role == "handler":  # its unit's years (a review's handler was offered one with none)
        unit = who.unit
        if not unit:
            return [], [], []
        mine = remembered(
            svc, LedgerView.name, head, ("unit_years", unit), lambda: unit_years(svc.views, unit)
        )
        return mine, [unit], []
    years, units, leaders = remembered(
        svc, LedgerView.name, head, ("choices",), lambda: ledger_choices(svc.views)
    )
    return years, units, leaders


def due_soon_page(svc: Services, who: Principal, as_of: date, *, limit: int = 100) -> LedgerPage:
    """Cases with a deadline due soon, the soonest first (the 督办 page's second list)."""
    views_current(svc, LedgerView.name)
    items = due_soon(svc.views, as_of=as_of, unit=own_unit(who, None), limit=limit)
    return LedgerPage.model_validate({"items": items, "next_cursor": None})


def overdue_trend(
    svc: Services, who: Principal, days: list[date], *, year: int | None, kind: Kind | None
) -> list[int]:
    """How many cases had an overdue deadline on each of ``days`` (the 总览's trend line):
    the ledger's overdue filter as of each day, as the 台账 answers it for that day."""
    scope: dict[str, Any] = {"year": year, "kind": kind, "unit": own_unit(who, None)}
    scope["overdue_of"] = overdue_of(who)

    def count() -> list[int]:
        return [ledger_count(svc.views, as_of=d, overdue=True, **scope) for d in days]

    return at_head(svc, LedgerView.name, ("trend", tuple(days), *scope.values()), count)


def years(svc: Services, unit: str | None = None) -> list[int]:
    """The ledger's years, newest first; those of ``unit``'s cases when one is given."""
    views_current(svc, LedgerView.name)
    return ledger_years(svc.views) if unit is None else unit_years(svc.views, unit)


def deadlines_due_between(svc: Services, start: date, end: date) -> dict[str, dict[str, Any]]:
    """The ledger's deadlines due in ``[start, end]``: compared before and after a calendar
    load, they show which deadlines it moved (R-D7)."""
    views_current(svc, LedgerView.name)
    return deadline_dates(svc.views, start, end)


def overdue_page(svc: Services, who: Principal, as_of: date, page: Paging) -> LedgerPage:
    views_current(svc, LedgerView.name)
    return _overdue(svc, who, as_of, page)


def supervision_list(
    svc: Services,
    who: Principal,
    as_of: date,
    filters: LedgerFilter,
    page: Paging,
    *,
    most_overdue_first: bool,
) -> tuple[LedgerPage, int]:
    """A 督办 list and its count (``filters``: the list as the 台账 selects it) after one
    read-your-writes wait, as ``ledger_screen`` reads its page and count; the overdue list in
    its own order (``overdue``)."""
    head = waited_head(svc, LedgerView.name)
    found = (
        _overdue(svc, who, as_of, page)
        if most_overdue_first
        else _page(svc, who, as_of, filters, page)
    )
    return found, _total(svc, who, head, as_of, filters)


def _overdue(svc: Services, who: Principal, as_of: date, page: Paging) -> LedgerPage:
    unit, owed_by = own_unit(who, None), overdue_of(who)
    found = paged(
        lambda: overdue(
            svc.views, as_of=as_of, unit=unit, owed_by=owed_by, limit=page.limit, cursor=page.cursor
        )
    )
    return LedgerPage.model_validate(found)
