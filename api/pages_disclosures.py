"""答复公开: the disclosure register as a page (GET /v1/disclosures; R-D4, R-P1 … R-P5).

The office (or the replying unit's handler) publishes a reply by the R-D4 date, withholds one
with a reason (R-P5), and withholds rather than publishes one whose proposers refused (R-P2).
It learned each from the case pages one at a time: an overdue publication showed on the 台账
among every other deadline. Here every reply's publication is one list: what is to be done
(应不予公开, 应撤下, 逾期未公开, 待公开), what its proposers refused after it was published (the
public register stopped listing it; a copy elsewhere is to come down, and its take-down is
recorded, 登记撤下), what was published and what was withheld.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api import queries
from api.pages_labels import label
from api.pages_web import Svc, page_errors, query_choice, query_year, render, roles
from api.schemas_ledger import DisclosureItem
from infra.clock import today
from infra.directory import Principal
from projections.core import NO_DAY

router = APIRouter(include_in_schema=False)
# A handler's unit publishes and withholds its own replies (the API's rows are its unit's).
Reader = Annotated[
    Principal, Depends(roles("office", "leader", "supervisor", "auditor", "handler"))
]


# The tabs read the register's rows as found (a mapping each): only the rows a page draws are
# made ``DisclosureItem``s (validating a province's 23k replies took 80 ms of every page).
Found = Mapping[str, Any]


UNDECIDED = ("due", "overdue")


def _undecided(item: Found) -> bool:
    return item["status"] in UNDECIDED


def _withholding(status: str, proposer_refused: bool) -> bool:
    """R-P2: refused by its proposers and not decided yet: to be withheld, not published."""
    return status in UNDECIDED and proposer_refused


def _to_withhold(item: Found) -> bool:
    return _withholding(item["status"], bool(item["proposer_refused"]))


def _refused_since(item: Found) -> bool:
    """R-P2 after publishing: refused since, whether its take-down is recorded yet or not."""
    return bool(item["take_down"]) or item["taken_down_on"] is not None


# Each tab: its words and which replies it lists.
TABS: dict[str, tuple[str, Callable[[Found], bool]]] = {
    "to_do": ("待办", lambda i: _undecided(i) or bool(i["take_down"])),
    "taken_down": ("公开后不同意", _refused_since),
    "published": (
        "已公开",
        lambda i: str(i["status"]).startswith("published") and not _refused_since(i),
    ),
    "withheld": ("不予公开", lambda i: i["status"] == "withheld"),
    "all": ("全部", lambda i: True),
}


def _urgency(item: Found) -> tuple[int, str, str]:
    """To withhold first what its proposers refused, then to take down what they refused
    after its publication, then what is late, then the earliest."""
    rank = (
        0
        if _to_withhold(item)
        else 1
        if item["take_down"]
        else 2
        if item["status"] == "overdue"
        else 3
    )
    return rank, item["due_on"] or NO_DAY, item["number"]


# R-P3, R-P5: a reply the office's review did not approve is withheld with a reason, or
# reviewed again.
NOT_APPROVED = "公开前审查未同意：请登记不予公开，或重新审查"

# The case page's form each row's next step is (``?open=``): its words, and the roles that
# may use it (as the form itself admits them).
ACTIONS = {
    "disclosure-review": ("公开前审查", frozenset({"office"})),
    "publish": ("公开", frozenset({"office", "handler"})),
    "withhold": ("不予公开", frozenset({"office", "handler"})),
    "take-down": ("登记撤下", frozenset({"office", "handler"})),
}


def next_step(item: DisclosureItem, role: str) -> tuple[str, str] | None:
    """The case page's form for the row's next step, and its words, when ``role`` may take it:
    a review's clerk had a link to 登记撤下 alone, and looked for the 公开前审查 form."""
    if item.take_down:
        form: str | None = "take-down"
    elif item.status not in UNDECIDED:
        form = None
    elif item.proposer_refused or item.office_review == "not_approved":
        form = "withhold"
    else:
        form = "publish" if item.office_review == "approved" else "disclosure-review"
    if form is None or role not in ACTIONS[form][1]:
        return None
    return form, ACTIONS[form][0]


def status_of(item: DisclosureItem, as_of: date) -> tuple[str, str]:
    """The row's status: (UI.md's colour, its words), days counted as the 台账 counts them."""
    if item.take_down:
        return "overdue", "应撤下（公开后代表委员不同意）"
    if item.taken_down_on is not None:
        return "met", f"已撤下（公开后代表委员不同意），{item.taken_down_on}"
    if _withholding(item.status, item.proposer_refused):
        return "overdue", "应不予公开（代表委员不同意）"
    words = label("disclosure_status", item.status)  # the 台账's and the case page's words
    if item.status in UNDECIDED and item.office_review == "not_approved" and item.due_on:
        # R-P3, R-P5: the review refused publishing; not a countdown to publishing (a review
        # read 待公开，还剩 14 天 beside it) but what is to be done, the time limit after.
        late = item.status == "overdue"
        days = (as_of - item.due_on).days if late else (item.due_on - as_of).days
        left = f"逾期 {days} 天" if late else f"还剩 {days} 天"
        return ("overdue" if late else "pending"), f"{NOT_APPROVED}（{left}）"
    # R-P3: what publishing waits for (a handler found no 公开 form after 印发, and no word
    # of the office's review it waited for).
    waiting = "（待办公室公开前审查）" if item.office_review is None else ""
    if item.status == "overdue" and item.due_on is not None:
        return "overdue", f"{words} {(as_of - item.due_on).days} 天{waiting}"
    if item.status == "due" and item.due_on is not None:
        return "pending", f"{words}，还剩 {(item.due_on - as_of).days} 天{waiting}"
    colours = {"published": "met", "published_late": "met_late"}
    return colours.get(item.status, "pending"), words


# The rows a page draws at most: every year's replies of a province run to thousands, and a
# page of all of them is megabytes. The count says how many more the filters would show.
MOST_SHOWN = 500


@router.get("/disclosures", response_class=HTMLResponse)
def disclosures_page(request: Request, who: Reader, svc: Svc) -> HTMLResponse:
    tab = query_choice(request, "tab", TABS) or "to_do"
    year, unit = query_year(request), request.query_params.get("unit") or None
    as_of = today()
    with page_errors():
        chosen = queries.disclosure_rows(svc, who, as_of=as_of, year=year, unit=unit)
        choices = queries.disclosure_filters(svc, who)
    counts = {name: sum(1 for i in chosen if wanted(i)) for name, (_, wanted) in TABS.items()}
    shown = [i for i in chosen if TABS[tab][1](i)]
    if tab == "to_do":
        shown.sort(key=_urgency)
    drawn = [DisclosureItem.model_validate(i) for i in shown[:MOST_SHOWN]]
    units = choices["units"]
    context = {
        "tab": tab,
        "tabs": {name: words for name, (words, _) in TABS.items()},
        "counts": counts,
        "rows": [(i, *status_of(i, as_of), next_step(i, who.role)) for i in drawn],
        "more": max(0, len(shown) - MOST_SHOWN),
        "names": queries.unit_names(svc, [*units, unit]),
        "years": choices["years"],
        "units": units,
        "year": year,
        "unit": unit,
        # The tabs and the filters keep each other.
        "chosen": urlencode({k: v for k, v in (("year", year), ("unit", unit)) if v}),
        "as_of": as_of,
    }
    return render(request, "disclosures.html", who, context)
