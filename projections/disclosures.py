"""Disclosure register (R-D4, R-P1 … R-P5): every reply to publish, its due date and outcome.

Listed: replies marked proactive (they owe publication by the R-D4 date) and any reply with a
recorded disclosure decision. A reply marked ``on_request`` with no decision owes nothing and is
not listed. Status is computed for the reader's ``as_of`` day (``disclosures`` below).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.policies import get_policy
from domain.records import Disclosure
from domain.rules.disclosure import refused_by_proposer
from projections.core import (
    NO_DAY,
    CaseView,
    Row,
    Table,
    ViewReader,
    column_equals,
    iso_day,
    keyset_after,
)
from projections.public_register import unlisted

NAME = "disclosures"

REGISTER = Table(
    view=NAME,
    name="disclosure_register",
    columns={
        "case_id": "TEXT",
        "reply_id": "TEXT",
        "number": "TEXT",
        # The case's year and title: the 答复公开 page lists and narrows by them, and read them
        # from the ledger for every row (0.4 s of its 0.65 s at 23k replies, 100k cases).
        "year": "INTEGER",
        "title": "TEXT",
        "unit": "TEXT",
        "disclosure": "TEXT",
        "issued_on": "TEXT",
        # ``NO_DAY`` when no publication is owed (not proactive): the register's order and its
        # index hold it where NULL would sort first on SQLite and last on PostgreSQL.
        "due_on": "TEXT",
        "published_on": "TEXT",
        "withheld_on": "TEXT",
        "withheld_reason": "TEXT",
        "url": "TEXT",
        "refused": "INTEGER",  # R-P2: the case's proposers refused publication (of now)
        # R-P2 after publishing: recorded as taken down, that day, from there (登记撤下).
        "taken_down_on": "TEXT",
        "taken_down_from": "TEXT",
        # R-P3: the office's latest review before publishing (1 approves, 0 does not; NULL none).
        "review_approved": "INTEGER",
    },
    key=("case_id", "reply_id"),
    # The register's order (``ORDER``), so a page is read along an index, not sorted whole.
    indexes=(("due_on", "number", "reply_id"), ("year", "unit")),
    version=2,  # 2: ``due_on`` holds ``NO_DAY``, not NULL, and the order's index
)


class DisclosureView(CaseView):
    name = NAME
    tables = (REGISTER,)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        policy = get_policy(case.policy)
        refused = int(refused_by_proposer(case))
        rows = []
        for reply in case.replies.values():
            issued_on = reply.issued_on
            if not reply.issued or issued_on is None:
                continue
            decided = case.disclosures.get(reply.reply_id) or Disclosure(status="undecided")
            proactive = reply.disclosure == "proactive"
            if not proactive and decided.status == "undecided" and reply.disclosure != "withheld":
                continue
            due = policy.disclosure_due(issued_on, calendar).due_on if proactive else None
            withheld_on = decided.withheld_on
            if withheld_on is None and reply.disclosure == "withheld":
                withheld_on = issued_on  # withheld at submission, with its reason (R-P5)
            rows.append(
                {
                    "case_id": str(case.id),
                    "reply_id": reply.reply_id,
                    "number": case.number,
                    "year": case.year,
                    "title": case.title,
                    "unit": reply.unit,
                    "disclosure": reply.disclosure,
                    "issued_on": issued_on.isoformat(),
                    "due_on": due.isoformat() if due else NO_DAY,
                    "published_on": iso_day(decided.published_on),
                    "withheld_on": iso_day(withheld_on),
                    "withheld_reason": decided.withheld_reason or reply.withheld_reason,
                    "url": decided.url,
                    "refused": refused,
                    "taken_down_on": iso_day(decided.taken_down_on),
                    "taken_down_from": decided.taken_down_from,
                    "review_approved": _review(case, reply.reply_id),
                }
            )
        return {REGISTER.name: rows}


def _review(case: Case, reply_id: str) -> int | None:
    review = case.disclosure_reviews.get(reply_id)
    return None if review is None else int(review.approved)


# -- reads ----------------------------------------------------------------------------------

STATUSES = ("due", "overdue", "published", "published_late", "withheld")
REVIEWS = {1: "approved", 0: "not_approved"}  # the stored verdict as the API says it


def disclosure_status(row: Row, as_of: date) -> str:
    """A stored row's status on ``as_of``. A reply owing no publication is due on ``NO_DAY``,
    after every day: never overdue, never published late."""
    day = as_of.isoformat()
    published, withheld, due = row["published_on"], row["withheld_on"], row["due_on"]
    if published and published <= day:
        return "published" if published <= due else "published_late"
    if withheld and withheld <= day:
        return "withheld"
    return "due" if day <= due else "overdue"


# The register's order: by the day publication is due (a reply owing none after every day),
# the case number, and the reply id, which makes it total for a cursor.
ORDER = (("d.due_on", str), ("d.number", str), ("d.reply_id", str))
# Rows read at a time for a page, at first: a status filter is judged for the day asked, in
# Python, so a rare status may lie far apart; each further read takes twice as many.
PAGE_READ = 500
MAX_PAGE_READ = 8000


def disclosures(
    reader: ViewReader,
    *,
    as_of: date,
    status: str | None = None,
    year: int | None = None,
    unit: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Each reply's disclosure as of ``as_of`` (of the cases of ``year``, the replies of
    ``unit``), in ``ORDER``; a published one says whether the public register lists it now
    (``take_down``: R-P2 after the fact, read beside the register). With ``limit``, a page
    and the cursor of the next (``cursor`` continues after one); without, every item."""
    day = as_of.isoformat()
    narrowed, params = column_equals("d.", year=year, unit=unit)
    select = (
        f"SELECT d.*, {unlisted(reader, 'd')} AS unlisted "
        f"FROM {reader.table(REGISTER)} d WHERE d.issued_on <= ?"
        + "".join(f" AND {clause}" for clause in narrowed)
    )
    order = " ORDER BY " + ", ".join(key for key, _ in ORDER)
    if limit is None:
        rows = reader.fetch(select + order, [day, *params])
        return {"items": _judged(rows, as_of, status), "next_cursor": None}
    items: list[dict[str, Any]] = []
    # Every row is an item when no status is asked: one more than the page is enough.
    after, read = cursor, PAGE_READ if status is not None else limit + 1
    while len(items) <= limit:  # one more than the page: is there a next?
        clause, beyond = keyset_after(after, ORDER) if after else ("1 = 1", [])
        rows = reader.fetch(f"{select} AND {clause}{order} LIMIT ?", [day, *params, *beyond, read])
        items += _judged(rows, as_of, status)
        if len(rows) < read:
            break
        after = json.dumps([rows[-1]["due_on"], rows[-1]["number"], rows[-1]["reply_id"]])
        read = min(2 * read, MAX_PAGE_READ)
    if len(items) <= limit:
        return {"items": items, "next_cursor": None}
    last = items[limit - 1]
    following = [last["due_on"] or NO_DAY, last["number"], last["reply_id"]]
    return {"items": items[:limit], "next_cursor": json.dumps(following)}


def _judged(rows: list[Row], as_of: date, status: str | None) -> list[dict[str, Any]]:
    """The items of ``rows`` whose status on ``as_of`` is ``status`` (any, if None)."""
    items = []
    for row in rows:
        current = disclosure_status(row, as_of)
        if status is None or current == status:
            items.append(_item(row, as_of, current))
    return items


def _item(row: Row, as_of: date, current: str) -> dict[str, Any]:
    """One register row as the API reads it, its status ``current`` for ``as_of``."""
    day = as_of.isoformat()
    published = current.startswith("published")
    # R-P2: published, and its proposers (or a merged case's) refused since: the register
    # no longer lists it, and wherever else it was put it comes down (``take_down``) until
    # that is recorded (by ``as_of``). A portal's sync read "published" and kept it up.
    refused_since = published and bool(row["unlisted"])
    recorded = row["taken_down_on"]
    taken_down = recorded if published and recorded and recorded <= day else None
    return {
        "case_id": row["case_id"],
        "number": row["number"],
        "year": row["year"],
        "title": row["title"],
        "reply_id": row["reply_id"],
        "unit": row["unit"],
        "disclosure": row["disclosure"],
        # Which of a case's replies this is (a first reply's and its further reply's rows
        # were told apart by their ids alone).
        "issued_on": row["issued_on"],
        "due_on": None if row["due_on"] == NO_DAY else row["due_on"],
        "status": current,
        "published_on": row["published_on"] if published else None,
        "withheld_reason": row["withheld_reason"] if current == "withheld" else None,
        "url": row["url"] if published else None,
        "take_down": refused_since and taken_down is None,
        # R-P2 before the fact too: its proposers refused, so a reply not yet published is
        # to be withheld (R-P5's first reason), not published. A review's clerk read 待公开
        # beside the case page's 答复不得公开.
        "proposer_refused": bool(row["refused"]) or refused_since,
        "taken_down_on": taken_down,
        "taken_down_from": row["taken_down_from"] if taken_down else None,
        # R-P3: what the office's latest review said (publishing waits for it to approve);
        # of now, whatever ``as_of``.
        "office_review": REVIEWS.get(row["review_approved"]),
    }


def disclosure_choices(reader: ViewReader, *, unit: str | None = None) -> dict[str, list[Any]]:
    """The years (newest first) and answering units the register holds (of ``unit``'s
    replies): what the 答复公开 page offers to narrow by."""
    narrowed, params = column_equals("", unit=unit)
    where = f" WHERE {' AND '.join(narrowed)}" if narrowed else ""
    table = reader.table(REGISTER)
    years = reader.fetch(f"SELECT DISTINCT year FROM {table}{where} ORDER BY year DESC", params)
    units = reader.fetch(f"SELECT DISTINCT unit FROM {table}{where} ORDER BY unit", params)
    return {"years": [r["year"] for r in years], "units": [r["unit"] for r in units]}
