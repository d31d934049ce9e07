"""A case's deadlines as stored rows, one per period of validity (R-E1, R-X3).

Rows store every act known, whatever its date, and readers judge the status for their own
``as_of`` day. An extension breaks that for the due date alone: before the office decided, the
deadline was the original one; from the decision day, the granted one. So an extended deadline
is stored as two periods, the original from its opening until the decision day (exclusive) and
the extended one from that day on, each with its own due date. A reader keeps the period valid
on its day (``VALID``): "as of" stays exact, and the overdue list still walks the due-date index
with plain predicates, no expression over two dates in its ORDER BY.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.case_deadlines import Deadline, case_deadlines
from domain.deadlines.status import deadline_status
from projections.core import iso_day

# Deadlines are derived with every act known, whatever its date; reads filter by ``as_of``.
END_OF_TIME = date(9999, 12, 31)

# The period of a stored row valid on a day (the two parameters are that day).
VALID = "{d}.valid_from <= ? AND ({d}.valid_until IS NULL OR {d}.valid_until > ?)"
VALID_PARAMS = 2


@dataclass(frozen=True)
class Period:
    """One deadline as it stood from ``valid_from`` until ``valid_until`` (exclusive)."""

    deadline: Deadline
    valid_from: date
    valid_until: date | None = None


def _unextended(case: Case) -> Case:
    """The case as if no extension had been granted: the original periods' deadlines."""
    plain = copy.copy(case)  # a shallow copy: only its own ``extensions`` is replaced
    plain.extensions = {}
    return plain


def deadline_periods(case: Case, calendar: WorkdayCalendar) -> Iterator[Period]:
    """Every deadline of ``case``; an extended one twice, before and after its decision."""
    final = case_deadlines(case, calendar, END_OF_TIME)
    if not any(d.extended_by for d in final):
        yield from (Period(d, d.opened_on) for d in final)
        return
    # An extension moves a due date only: both lists hold the same deadlines in the same order.
    original = case_deadlines(_unextended(case), calendar, END_OF_TIME)
    for before, after in zip(original, final, strict=True):
        if after.extended_by is None:
            yield Period(after, after.opened_on)
            continue
        decided_on = case.extensions[after.extended_by].decided_on
        assert decided_on is not None, "only a decided extension moves a deadline"
        yield Period(before, before.opened_on, decided_on)
        yield Period(after, decided_on)


def period_row(period: Period) -> dict[str, Any]:
    """The stored columns of one period (a view adds its own keys)."""
    d = period.deadline
    return {
        "kind": d.kind,
        "unit": d.unit,
        "opened_on": d.opened_on.isoformat(),
        "due_on": d.due_on.isoformat(),
        "met_on": iso_day(d.met_on),
        "missed_on": iso_day(d.missed_on),
        "original_due_on": iso_day(d.original_due_on),
        "extended_by": d.extended_by,
        "valid_from": period.valid_from.isoformat(),
        "valid_until": iso_day(period.valid_until),
        "calendar_provisional": int(d.calendar_provisional),
        "derivation": d.derivation,
    }


def judged(row: dict[str, Any], as_of: date, due_soon_days: int) -> dict[str, Any]:
    """A stored period with its status for ``as_of`` (an act after that day is unknown)."""
    met = date.fromisoformat(row["met_on"]) if row["met_on"] else None
    missed = date.fromisoformat(row["missed_on"]) if row["missed_on"] else None
    due = date.fromisoformat(row["due_on"])
    extended = row["extended_by"] is not None
    status, days = deadline_status(
        due, met, as_of, due_soon_days, missed_on=missed, extended=extended
    )
    return {
        "kind": row["kind"],
        "unit": row["unit"],
        "due_on": row["due_on"],
        "missed_on": row["missed_on"] if status == "missed" else None,
        "status": status,
        "days_overdue": days,
        "calendar_provisional": bool(row["calendar_provisional"]),
        "derivation": row["derivation"],
        "original_due_on": row["original_due_on"],
        "extended_by": row["extended_by"],
    }
