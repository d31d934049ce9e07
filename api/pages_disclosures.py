"""答复公开: the disclosure register as a page (GET /v1/disclosures; R-D4, R-P1 … R-P5).

The office publishes replies by the R-D4 date, withholds some with a reason (R-P5) and takes a
published one down once its proposer refuses (R-P2). It learned each from the case pages one at
a time: an overdue publication showed on the 台账 among every other deadline, and a reply to
take down only on its own case page. Here every reply's publication is one list, split into
what is to be done (应撤下, 逾期未公开, 待公开), what was published and what was withheld.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api import queries
from api.pages_web import Svc, page_errors, query_choice, render, roles
from api.schemas_ledger import DisclosureItem
from infra.clock import today
from infra.directory import Principal

router = APIRouter(include_in_schema=False)
# As the top navigation offers it: the office publishes; the others read (a handler's unit
# publishes nothing, and reads its replies' publication on their case pages).
Reader = Annotated[Principal, Depends(roles("office", "leader", "supervisor", "auditor"))]


def _to_do(item: DisclosureItem) -> bool:
    return item.take_down or item.status in ("due", "overdue")


# Each tab: its words and which replies it lists.
TABS: dict[str, tuple[str, Callable[[DisclosureItem], bool]]] = {
    "to_do": ("待办", _to_do),
    "published": ("已公开", lambda i: i.status.startswith("published") and not i.take_down),
    "withheld": ("不予公开", lambda i: i.status == "withheld"),
    "all": ("全部", lambda i: True),
}


def _urgency(item: DisclosureItem) -> tuple[int, date, str]:
    """To do first what comes down (R-P2), then what is late, then the earliest due."""
    rank = 0 if item.take_down else 1 if item.status == "overdue" else 2
    return rank, item.due_on or date.max, item.number


# The UI.md colour a disclosure's status wears (its deadline's: published late is met late).
STATUS_COLOURS = {
    "due": "pending",
    "overdue": "overdue",
    "published": "met",
    "published_late": "met_late",
    "withheld": "pending",
}


@router.get("/disclosures", response_class=HTMLResponse)
def disclosures_page(request: Request, who: Reader, svc: Svc) -> HTMLResponse:
    tab = query_choice(request, "tab", TABS) or "to_do"
    as_of = today()
    with page_errors():
        items = queries.disclosure_register(svc, who, as_of=as_of, status=None).items
    counts = {name: sum(1 for i in items if wanted(i)) for name, (_, wanted) in TABS.items()}
    shown = [i for i in items if TABS[tab][1](i)]
    if tab == "to_do":
        shown.sort(key=_urgency)
    context = {
        "tab": tab,
        "tabs": {name: words for name, (words, _) in TABS.items()},
        "counts": counts,
        "rows": shown,
        "titles": queries.case_titles(svc, [i.case_id for i in shown]),
        "names": queries.unit_names(svc, [i.unit for i in shown]),
        "colours": STATUS_COLOURS,
        "as_of": as_of,
    }
    return render(request, "disclosures.html", who, context)
