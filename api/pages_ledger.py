"""办理台账 and 督办 (UI.md § Page map; R-S1 … R-S3).

The 台账 is ``/v1/ledger`` as a page: its filters (year, kind, level, unit, stage, key,
overdue) and its order are the URL's query, so a link reproduces the view; pages follow the
ledger's cursor. 督办 lists what supervision chases: overdue (most overdue first), due soon,
key cases and cases in re-handling after a dissatisfied verdict, each row with a reminder form.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api import queries, queries_ledger
from api.deps import Awaiting, LedgerFilter, LedgerSort, Paging, UnitRole
from api.pages_labels import LABELS
from api.pages_web import (
    Staff,
    Svc,
    page_errors,
    query_choice,
    query_day,
    query_flag,
    query_kind,
    query_text,
    query_year,
    render,
    roles,
)
from api.schemas_ledger import LedgerItem
from domain.checks import MAX_NAME
from domain.vocabulary import LEVELS, Level, Stage
from infra import paper_labels as words
from infra.clock import today
from infra.directory import Principal
from projections.ledger import SHOWN_REVERSED

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
STAGES = get_args(Stage)
SUPERVISORS = ("office", "leader", "supervisor")
Supervisor = Annotated[Principal, Depends(roles(*SUPERVISORS))]
TABS = {
    "overdue": "逾期",
    "due_soon": "即将到期",
    "key": "重点件",
    "dissatisfied": "曾不满意",
    "under_supervision": "挂账督办",
    "approval": "待审批",
    "extension": "延期待决定",
    "reassignment": "改办待决定",
    "ruling": "待裁定",
    "repeat": "多年多次待确认",
}
# The tabs that are a ledger filter: what each lists.
TAB_FILTERS = {
    "key": LedgerFilter(key=True),
    # R-S2: every case declared 不满意, in re-handling or satisfied since (its stage says which).
    "dissatisfied": LedgerFilter(dissatisfied=True),
    "under_supervision": LedgerFilter(under_supervision=True),
    "approval": LedgerFilter(awaiting="approval"),
    "extension": LedgerFilter(awaiting="extension"),
    "reassignment": LedgerFilter(awaiting="reassignment"),
    "ruling": LedgerFilter(awaiting="ruling"),
    "repeat": LedgerFilter(awaiting="repeat"),
}


# Each tab as the 台账 lists it, to be filtered, sorted and exported there (the 台账's links
# and count); 即将到期 has no such filter.
TAB_LEDGERS = {"overdue": LedgerFilter(overdue=True, sort="overdue"), **TAB_FILTERS}


async def ledger_filter(request: Request) -> LedgerFilter:
    """The 台账's filters from its URL (a coroutine: FastAPI calls it in its event loop)."""
    return LedgerFilter(
        year=query_year(request),
        unit=request.query_params.get("unit") or None,
        kind=query_kind(request),
        stage=cast(Stage | None, query_choice(request, "stage", STAGES)),
        overdue=query_flag(request, "overdue"),
        level=cast(Level | None, query_choice(request, "level", LEVELS)),
        key=query_flag(request, "key"),
        under_supervision=query_flag(request, "under_supervision"),
        dissatisfied=query_flag(request, "dissatisfied"),
        leader_in_charge=_leader(request),
        awaiting=cast(Awaiting | None, query_choice(request, "awaiting", get_args(Awaiting))),
        unit_role=cast(UnitRole | None, query_choice(request, "unit_role", get_args(UnitRole))),
        sort=cast(LedgerSort, query_choice(request, "sort", get_args(LedgerSort)) or "number"),
        descending=query_flag(request, "desc") or False,
    )


def _leader(request: Request) -> str | None:
    """The leader in charge the 台账 is narrowed to (held as the API's ``LeaderFilter``)."""
    return query_text(request, "leader_in_charge", MAX_NAME, "包案领导无效")


def ledger_query(filters: LedgerFilter, **changes: Any) -> str:
    """The URL query of the ledger with ``filters`` and ``changes`` (None drops a key)."""
    flags = {
        "overdue": filters.overdue,
        "key": filters.key,
        "under_supervision": filters.under_supervision,
        "dissatisfied": filters.dissatisfied,
        "desc": filters.descending or None,
    }
    query: dict[str, Any] = {
        **{k: v for k, v in filters.selection().items() if k not in flags},
        **{k: (None if v is None else int(v)) for k, v in flags.items()},
        "sort": None if filters.sort == "number" else filters.sort,
        **changes,
    }
    return urlencode({k: v for k, v in query.items() if v is not None})


# Orders by the case as it stands (``projections.ledger.SORTS``): no link on a past day's page.
SORTS_OF_NOW = frozenset({"due", "overdue"})


# The orders as the export's 说明 names them (``paper_labels.LEDGER_SORT``), for the filter
# form's 排序: below 640 px the table is a card per case with no heads, and a review found no
# way to sort on a phone (UI.md).
def sort_choices(as_of: date | None) -> list[tuple[str, str]]:
    """The orders the form offers: on a past day's ledger, not those by the case as it stands."""
    return [(k, w) for k, w in words.LEDGER_SORT.items() if as_of is None or k not in SORTS_OF_NOW]


def sort_link(filters: LedgerFilter, column: str, as_of: date | None) -> tuple[str, str | None]:
    """A column header's link (the same filters, ordered by it; again: the other way) and
    its ``aria-sort`` when the ledger is ordered by it; no link ("") for an order by the
    case as it stands on a ledger as of another day."""
    if as_of is not None and column in SORTS_OF_NOW:
        return "", None
    current = filters.sort == column
    descending = current and not filters.descending
    href = "/ledger?" + ledger_query(
        filters,
        sort=None if column == "number" else column,
        desc=1 if descending else None,
        as_of=as_of,
    )
    if not current:
        return href, None
    # The arrow says what the reader sees (``SHOWN_REVERSED``).
    shown_descending = filters.descending != (column in SHOWN_REVERSED)
    return href, "descending" if shown_descending else "ascending"


def unit_names_of(svc: Svc, rows: list[LedgerItem], extra: list[str]) -> dict[str, str]:
    codes: list[str | None] = list(extra)
    for row in rows:
        codes += [row.lead_unit, *row.co_units, *row.split_units]
        codes += [d.unit for d in row.deadlines]
        # R-A2: a recommendation may name units not on the case yet.
        codes += [u for x in row.ruling_recommended for u in (x.lead_unit, *x.co_units)]
    return queries.unit_names(svc, codes)


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(
    request: Request,
    who: Staff,
    svc: Svc,
    filters: Annotated[LedgerFilter, Depends(ledger_filter)],
) -> HTMLResponse:
    cursor = request.query_params.get("cursor") or None
    asked = query_day(request)  # the ledger as of another day (the 总览's trend links here)
    as_of = asked or today()
    with page_errors():
        screen = queries_ledger.ledger_screen(svc, who, as_of, filters, Paging(PAGE_SIZE, cursor))
    page, units = screen.page, screen.units
    context = {
        "filters": filters,
        "rows": page.items,
        "total": screen.total,
        "next_cursor": page.next_cursor,
        "first_page": cursor is None,
        "query": lambda **changes: ledger_query(filters, **{"as_of": asked, **changes}),
        "sort_link": lambda column: sort_link(filters, column, asked),
        "sort_choices": sort_choices(asked),
        "asked_as_of": asked,
        "export_href": export_href(filters, asked),
        "units": units,
        "leaders": screen.leaders,
        "names": unit_names_of(svc, page.items, units),
        "years": screen.years,
        "stages": STAGES,
        "as_of": as_of,
    }
    return render(request, "ledger.html", who, context)


def export_href(filters: LedgerFilter, as_of: date | None) -> str:
    """The 办理台账 spreadsheet of the cases the filters select, in the page's order (a sheet
    per kind): the ``/v1`` export itself, which a page's session cookie authenticates."""
    query = {
        **filters.selection(),
        "as_of": as_of,
        "sort": filters.sort if filters.sort != "number" else None,
        "descending": filters.descending or None,
    }
    return "/v1/exports/ledger.xlsx?" + urlencode(
        {k: str(v).lower() if isinstance(v, bool) else v for k, v in query.items() if v is not None}
    )


@router.get("/supervision", response_class=HTMLResponse)
def supervision_page(request: Request, svc: Svc, who: Supervisor) -> HTMLResponse:
    tab = query_choice(request, "tab", TABS) or "overdue"
    cursor = request.query_params.get("cursor") or None
    as_of = today()
    next_cursor = None
    with page_errors():
        on_ledger = TAB_LEDGERS.get(tab)
        if on_ledger is None:  # 即将到期: no 台账 filter, one short list
            rows = queries_ledger.due_soon_page(svc, who, as_of).items
            total = len(rows)
        else:
            page, total = queries_ledger.supervision_list(
                svc,
                who,
                as_of,
                on_ledger,
                Paging(PAGE_SIZE, cursor),
                most_overdue_first=tab == "overdue",
            )
            rows, next_cursor = page.items, page.next_cursor
    done = request.query_params.get("done", "")  # "case_id:version" of a reminder just sent
    context = {
        "tab": tab,
        "tabs": TABS,
        "rows": rows,
        "done": done,
        # Where a row's reminder form comes back to: this tab and page, not the tab's first.
        "back": "/supervision?" + urlencode({"tab": tab, **({"cursor": cursor} if cursor else {})}),
        "done_number": next((r.number for r in rows if done.startswith(f"{r.case_id}:")), ""),
        "next_cursor": next_cursor,
        "total": total,
        "ledger_href": None if on_ledger is None else "/ledger?" + ledger_query(on_ledger),
        # The list on screen as a spreadsheet (the 台账's export, its filter and order): a
        # review's supervisor had only 导出 B类滚动台账 on every tab, 逾期 included.
        "export_href": None if on_ledger is None else export_href(on_ledger, None),
        "names": unit_names_of(svc, rows, []),
        "means": list(LABELS["means"]),  # in the case page's order (its 催办 form)
        "as_of": as_of,
        # A row offers 催办 where the case page does (``is_remindable``).
        "can_remind": who.role in ("office", "supervisor"),
    }
    return render(request, "supervision.html", who, context)
