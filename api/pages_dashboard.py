"""总览 (UI.md § Page map): cases by stage, the measures of DOMAIN.md §4 per unit as a table and
as charts, visit-rate compliance (R-V2, R-V3); every figure links to the cases behind its
numerator and denominator (``/figures``). A handler sees its own unit only, as in the API.

The charts draw the same numbers as the table: both come from one ``/v1/stats`` read
(``queries.measures``, ``queries.visit_compliance``), handed to the chart script as JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import queries, queries_ledger
from api.deps import Awaiting
from api.pages_labels import label
from api.pages_ledger import unit_names_of
from api.pages_web import (
    PageRefused,
    Staff,
    Svc,
    page_errors,
    query_choice,
    query_kind,
    query_year,
    render,
)
from api.schemas_stats import Measure, UnitFigures, UnitStats, VisitCompliance, VisitComplianceItem
from infra.clock import today
from infra.directory import Principal

router = APIRouter(include_in_schema=False)

MEASURES = (
    "communication_rate",
    "key_meeting_rate",
    "on_site_participation_rate",
    "on_time_reply_rate",
    "satisfaction_rate",
    "strict_satisfaction_rate",
    "disclosure_on_time_rate",
    "rehandling_on_time_rate",
)
CLASS_FIGURES = ("class_A", "class_B", "class_C")
PARTS = {"numerator": "分子", "denominator": "分母", "outside": "分母中未计入分子"}
# 走访率's parts, and the meetings its proposers declined (R-V3), behind the 总览's 无需见面.
VISIT_PARTS = {**PARTS, "declined": "主动提出无需见面"}


def figure_url(year: int | None, kind: str | None, unit: str | None, figure: str, part: str) -> str:
    query = {"year": year, "kind": kind, "unit": unit, "figure": figure, "part": part}
    return "/figures?" + urlencode({k: v for k, v in query.items() if v is not None})


def role_url(year: int | None, kind: str | None, unit: str, role: str) -> str:
    """The 台账 of the cases in which ``unit`` has ``role`` (the 总览's 主办/会办/分办 counts)."""
    query = {"year": year, "kind": kind, "unit": unit, "unit_role": role}
    return "/ledger?" + urlencode({k: v for k, v in query.items() if v is not None})


def measure_of(figures: UnitFigures, figure: str) -> Measure:
    if figure in CLASS_FIGURES:
        found: Measure = getattr(figures.class_shares, figure[-1])
        return found
    if figure not in MEASURES:
        raise PageRefused(400, f"没有指标 {figure!r}")
    measure: Measure = getattr(figures.measures, figure)
    return measure


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def chart_data(
    stats: UnitStats, visits: VisitCompliance, names: dict[str, str], year: int, kind: str | None
) -> dict[str, Any]:
    """What the charts draw, per unit: the same figures as the table, with their links."""
    items = stats.items
    units = [names.get(i.unit or "", i.unit or "") for i in items]

    def series(figure: str, value: str = "rate") -> dict[str, list[Any]]:
        measures = [measure_of(i, figure) for i in items]
        return {
            "values": [_pct(m.rate) if value == "rate" else m.numerator for m in measures],
            "links": [figure_url(year, kind, i.unit, figure, "numerator") for i in items],
            "fractions": [f"{m.numerator} / {m.denominator}" for m in measures],
        }

    return {
        "units": units,
        "classes": {c: series(f"class_{c}", "count") for c in "ABC"},
        "satisfaction": {
            "broad": series("satisfaction_rate"),
            "strict": series("strict_satisfaction_rate"),
        },
        "on_time": {
            "reply": series("on_time_reply_rate"),
            "disclosure": series("disclosure_on_time_rate"),
            "rehandling": series("rehandling_on_time_rate"),
        },
        "visits": {
            "units": [names.get(v.unit, v.unit) for v in visits.items],
            "actual": [_pct(v.actual_rate) for v in visits.items],
            "excluding": [_pct(v.actual_rate_excluding_declined) for v in visits.items],
            "required": [_pct(v.required_rate) for v in visits.items],
            "shortfall": [v.shortfall for v in visits.items],
            "links": [figure_url(year, None, v.unit, "visits", "numerator") for v in visits.items],
        },
    }


def month_ends(year: int, today_: date) -> list[date]:
    """The last day of each month of ``year`` up to ``today_`` (the trend's points), then today:
    the line ends on the card's count. A year's cases go on being overdue after it, and the
    line of a past year stopped at 31 December (13) beside the card's count of today (17)."""
    ends = [date(year, m + 1, 1) - timedelta(days=1) for m in range(1, 12)]
    ends.append(date(year, 12, 31))
    shown = [d for d in ends if d <= today_] or [min(today_, date(year, 12, 31))]
    return [*shown, today_] if today_ > shown[-1] else shown


def trend_link(year: int, kind: str | None, day: date) -> str:
    query = {"year": year, "kind": kind, "overdue": 1, "as_of": day.isoformat()}
    return "/ledger?" + urlencode({k: v for k, v in query.items() if v is not None})


# What waits on the caller, by role: a leader approves replies (R-R2), the office decides
# extension (R-E1) and reassignment (R-A3) requests and confirms repeats found (R-S4), each
# from its 督办 list; a handler issues its unit's approved replies and submits its returned
# ones again (R-R2), from its 台账. The 总览 says how many, with the list that holds them.
DECIDES: dict[str, list[tuple[Awaiting, str]]] = {
    "leader": [("approval", "待审批的答复"), ("ruling", "待裁定的交办")],
    "office": [
        ("extension", "待决定的延期申请"),
        ("reassignment", "待决定的改办申请"),
        ("repeat", "待确认的多年多次提出"),
    ],
    # And what its unit has left to do at all (a deadline of its own still running): a review's
    # handler found its co cases done under 办理中, beside the lead's lateness.
    "handler": [
        ("issue", "待印发的答复"),
        ("redo", "退回待重报的答复"),
        ("owes", "本单位尚有期限未办结的件"),
    ],
}


def waiting_list(who: Principal, awaiting: Awaiting) -> str:
    """The list that holds what waits on ``who``: a 督办 tab, or a handler's own 台账."""
    if who.role == "handler":
        return f"/ledger?awaiting={awaiting}"
    return f"/supervision?tab={awaiting}"


def default_year(years: Sequence[int], day: date) -> int:
    """The year the 总览 opens on: the newest with cases, up to next year's. A case registered
    under a mistyped year (a review's 2099, taken by the API) moved every role's 总览 to it."""
    return next((y for y in years if y <= day.year + 1), years[0] if years else day.year)


# The handler's 即将到期 on the 总览: the most pressing; the rest are on the 台账 by due date.
DUE_SOON_SHOWN = 20


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, who: Staff, svc: Svc) -> HTMLResponse:
    kind = query_kind(request)
    with page_errors():
        # A handler's own unit's years: another unit's latest showed it empty rows and charts.
        years = queries_ledger.years(svc, who.unit if who.role == "handler" else None)
        year = query_year(request) or default_year(years, today())
        as_of = today()
        summary = queries_ledger.ledger_summary(svc, who, as_of, year=year, kind=kind)
        stats = queries.measures(svc, who, as_of=as_of, year=year, kind=kind)
        visits = queries.visit_compliance(svc, who, year=year)
        days = month_ends(year, as_of)
        trend = queries_ledger.overdue_trend(svc, who, days, year=year, kind=kind)
        waiting = [
            (waiting_list(who, tab), words, queries_ledger.awaiting_count(svc, who, as_of, tab))
            for tab, words in DECIDES.get(who.role, [])
        ]
        # A handler's own 即将到期 (R-S1), which only the 督办 page listed, closed to handlers:
        # a co opinion due in three days was found by reading the 台账 row by row.
        due_soon = (
            queries_ledger.due_soon_page(svc, who, as_of, limit=DUE_SOON_SHOWN).items
            if who.role == "handler"
            else []
        )
    # With the handler's own unit, which its heading names (in a year without its rows too).
    codes = [i.unit for i in stats.items] + [v.unit for v in visits.items] + [who.unit]
    names = queries.unit_names(svc, codes)
    context = {
        "years": sorted({*years, year}, reverse=True),
        "year": year,
        "kind": kind,
        "summary": summary,
        "waiting": waiting,  # [(the list's address, words, cases)]
        "due_soon": due_soon,
        "due_names": unit_names_of(svc, due_soon, []),
        "stats": stats,
        "visits": visits,
        "names": names,
        "measures": MEASURES,
        "figure_url": figure_url,
        "role_url": role_url,
        "charts": {
            **chart_data(stats, visits, names, year, kind),
            "trend": {
                "days": [d.isoformat() for d in days],
                "values": trend,
                "links": [trend_link(year, kind, d) for d in days],
            },
        },
        # The last point is today's, not a month's end: the heading says so.
        "trend_until_today": (days[-1] + timedelta(days=1)).day != 1,
        "as_of": as_of,
    }
    return render(request, "dashboard.html", who, context)


@router.get("/figures", response_class=HTMLResponse)
def figure_cases(request: Request, who: Staff, svc: Svc) -> HTMLResponse:
    """The cases behind one figure of the 总览: its numerator, its denominator, or the cases of
    the denominator the numerator leaves out (those a claimed 100 % would have to explain)."""
    kind = query_kind(request)
    figure = request.query_params.get("figure", "")
    parts = VISIT_PARTS if figure == "visits" else PARTS
    part = query_choice(request, "part", parts) or "numerator"
    unit = request.query_params.get("unit") or None
    year = query_year(request)
    as_of = today()
    visit = None  # the unit's row of the visit compliance report, for 走访率
    with page_errors():
        if figure == "visits":
            visit = _visit_item(svc, who, year, unit)
            lead = queries_ledger.lead_case_numbers(svc, who, as_of, unit=visit.unit, year=year)
            numerator, denominator, title = visit.visited, lead, "面对面走访率"
            declined = visit.declined
            counted = Counted(visit.visited_cases, visit.lead_cases, visit.actual_rate)
        else:
            stats = queries.measures(svc, who, as_of=as_of, year=year, kind=kind)
            figures = (
                stats.total
                if unit is None
                else next((i for i in stats.items if i.unit == unit), None)
            )
            if figures is None:
                raise PageRefused(404, "没有该单位的数据")
            measure = measure_of(figures, figure)
            numerator, denominator, declined = measure.cases, measure.of_cases, []
            counted = Counted(measure.numerator, measure.denominator, measure.rate)
            title = _figure_title(figure)
        numbers = {
            "numerator": numerator,
            "denominator": denominator,
            "outside": sorted(set(denominator) - set(numerator)),
            "declined": declined,
        }[part]
        rows = queries_ledger.cases_numbered(svc, who, as_of, numbers, year=year, kind=kind)
    names = queries.unit_names(svc, _units_of(rows.items, unit))
    context = {
        "title": title,
        "unit": unit,
        "year": year,
        "kind": kind,
        "figure": figure,
        "part": part,
        "parts": parts,
        # The figure as the 总览 shows it: a measure may count a case more than once (a split
        # case once per unit, a reply and its further reply each by its own deadline), and the
        # table below lists each case once: the numbers of cases are said beside it. The page
        # had counted its lists instead (按时公开率 94.6 % where the 总览 said 92.3 %).
        "counted": counted,
        "cases": {"numerator": len(set(numerator)), "denominator": len(set(denominator))},
        "rows": rows.items,
        "names": names,
        "visit": visit,
        "figure_url": figure_url,
        "as_of": as_of,
    }
    return render(request, "figures.html", who, context)


def _figure_title(figure: str) -> str:
    if figure in CLASS_FIGURES:
        return f"{figure[-1]} 类答复占比"
    return label("measure", figure)


@dataclass(frozen=True)
class Counted:
    """A figure as the 总览 shows it: its numerator, denominator and rate."""

    numerator: int
    denominator: int
    rate: float | None  # a fraction; None without a denominator


def _visit_item(svc: Svc, who: Any, year: int | None, unit: str | None) -> VisitComplianceItem:
    """R-V2: the unit's row of the visit compliance report: its lead cases (national and
    provincial) visited, of its lead cases, and what the rate asked of it leaves to do."""
    if unit is None:
        raise PageRefused(400, "走访率按单位计算，请指定单位")
    report = queries.visit_compliance(svc, who, year=year)
    item = next((v for v in report.items if v.unit == unit), None)
    if item is None:
        raise PageRefused(404, "没有该单位的数据")
    return item


def _units_of(rows: list[Any], unit: str | None) -> list[str | None]:
    found: list[str | None] = [unit]
    for row in rows:
        found += [row.lead_unit, *row.co_units, *row.split_units]
    return found
