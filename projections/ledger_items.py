"""One 台账 item as read: a stored case row with its deadlines judged for the caller's day.

Shared by the ledger's own reads (the filtered ledger, the overdue list) and its summaries
(``projections.ledger_summary``), so every list shows a case the same way.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from domain.deadlines.status import OPEN_STATUSES
from projections.core import Row, ViewReader
from projections.deadline_periods import VALID, VALID_PARAMS, judged


def deadline_view(row: Row, as_of: date) -> dict[str, Any]:
    """One stored deadline with its status for ``as_of`` (an act after that day is unknown)."""
    return judged(row, as_of, int(row["due_soon_days"]))


def _due_on(deadline: dict[str, Any]) -> str:
    return str(deadline["due_on"])


def _listed(stored: str) -> list[Any]:
    """A stored JSON list (unit codes, open requests): most are empty, read without parsing."""
    if stored == "[]":
        return []
    found: list[Any] = json.loads(stored)
    return found


def _reminded(stored: str, as_of: date) -> list[str]:
    """The days the case was chased up to ``as_of`` (a reminder after that day is unknown)."""
    limit = as_of.isoformat()
    return [day for day in _listed(stored) if day <= limit]


def ledger_item(
    case: Row, deadlines: list[dict[str, Any]], as_of: date, owed_by: str | None = None
) -> dict[str, Any]:
    """A 台账 row. With ``owed_by`` (a handler's unit) its next deadline, overdue deadlines and
    days overdue are of the deadlines that unit owes, as its overdue filter (``overdue_of``):
    a handler's row read 逾期 573 天 for another unit's reply on a case it co-handled. The
    row's ``deadlines`` stay every unit's."""
    owed = deadlines if owed_by is None else [d for d in deadlines if d["unit"] == owed_by]
    # The first of the earliest (``min`` keeps the first of equals, as a stable sort does).
    following = min((d for d in owed if d["status"] in OPEN_STATUSES), key=_due_on, default=None)
    overdue = [d for d in owed if d["status"] == "overdue"]
    reminded = _reminded(case["reminded_on"], as_of)
    return {
        "case_id": case["case_id"],
        "number": case["number"],
        "title": case["title"],
        "kind": case["kind"],
        "level": case["level"],
        "year": case["year"],
        "stage": case["stage"],
        "reference": bool(case["reference"]),
        "lead_unit": case["lead_unit"],
        "co_units": _listed(case["co_units"]),
        "split_units": _listed(case["split_units"]),
        "key": bool(case["key"]),
        "key_source": case["key_source"],
        "leader_in_charge": case["leader_in_charge"],
        "under_supervision": bool(case["under_supervision"]),
        "next_deadline": (
            {k: following[k] for k in ("kind", "unit", "due_on", "status", "original_due_on")}
            if following
            else None
        ),
        "overdue_deadlines": [
            {k: d[k] for k in ("kind", "unit", "due_on", "days_overdue", "original_due_on")}
            for d in overdue
        ],
        "days_overdue": max((d["days_overdue"] for d in overdue), default=0),
        "deadlines": deadlines,
        # R-M1: the merge's numbers, the primary first (empty: not merged).
        "merged_with": json.loads(case["merged_numbers"]) if case["merged_numbers"] else [],
        # R-E1: the open extension requests, what each asks (the office decides from a list).
        "open_extensions": _listed(case["open_extensions"]),
        # R-R2: the replies awaiting a leader's approval, what each is (待审批).
        "submitted_replies": _listed(case["submitted_replies"]),
        # R-A3: the open reassignment requests, what each asks (改办待决定).
        "open_reassignments": _listed(case["open_reassignments"]),
        # R-A2: the office's recommendation awaiting a leader's ruling (待裁定).
        "ruling_recommended": _listed(case["ruling_recommended"]),
        # R-S4: earlier years' cases found alike, for the office to confirm (多年多次待确认).
        "suggested_repeats": _listed(case["suggested_repeats"]),
        # R-R2: the replies waiting on their own unit (待印发, 退回待重报).
        "unit_steps": _listed(case["unit_steps"]),
        "reminders": len(reminded),
        "last_reminded_on": reminded[-1] if reminded else None,
    }


# The deadline columns a page's single statement carries beside each case row, prefixed.
DEADLINE_COLUMNS = (
    "seq", "kind", "unit", "due_on", "met_on", "missed_on", "original_due_on", "extended_by",
    "due_soon_days", "calendar_provisional", "derivation",
)  # fmt: skip
PREFIX = "dl_"
_PREFIXED = tuple((c, PREFIX + c) for c in DEADLINE_COLUMNS)


def page_with_deadlines(
    reader: ViewReader, page: str, order: str, deadlines: str, params: list[Any], as_of: date
) -> list[tuple[Row, list[dict[str, Any]]]]:
    """The cases a ``page`` statement selects (as ``p``, in ``order`` over ``p``), each with its
    deadlines valid on ``as_of`` judged for that day: one statement, where a case query and a
    deadline query cost two round trips (each a transaction of its own) per page."""
    picked = ", ".join(f"x.{c} AS {PREFIX}{c}" for c in DEADLINE_COLUMNS)
    rows = reader.fetch(
        f"SELECT p.*, {picked} FROM ({page}) p LEFT JOIN {deadlines} x "
        f"ON x.case_id = p.case_id AND {VALID.format(d='x')} ORDER BY {order}, x.seq",
        [*params, *[as_of.isoformat()] * VALID_PARAMS],
    )
    out: list[tuple[Row, list[dict[str, Any]]]] = []
    # Every row has the same columns: the case's are picked out once, not tested per row.
    case_columns = [k for k in rows[0] if not k.startswith(PREFIX)] if rows else []
    for row in rows:
        if not out or out[-1][0]["case_id"] != row["case_id"]:
            out.append(({k: row[k] for k in case_columns}, []))
        if row[PREFIX + "seq"] is not None:
            stored = {c: row[prefixed] for c, prefixed in _PREFIXED}
            out[-1][1].append(deadline_view(stored, as_of))
    return out
