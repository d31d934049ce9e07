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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
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


def overdue_span(row: dict[str, Any]) -> tuple[str, str | None] | None:
    """The days a stored period is overdue on, ``[start, end)`` (``end`` None: open), or None.

    ``UNMET`` in ``projections.ledger`` written as an interval: a period is overdue on day X
    when it is valid that day (``valid_from <= X < valid_until``), past due (``due_on < X``) and
    neither met nor missed by then (``X < met_on``, ``X < missed_on``).
    """
    start = max(row["valid_from"], (date.fromisoformat(row["due_on"]) + timedelta(1)).isoformat())
    ends = [row[k] for k in ("valid_until", "met_on", "missed_on") if row[k] is not None]
    end = min(ends) if ends else None
    return None if end is not None and end <= start else (start, end)


@dataclass(frozen=True)
class OverdueCover:
    """When a case has any overdue deadline: from ``start`` until ``end`` (exclusive; None:
    open), and whether that time has ``gaps`` (days within it with none overdue)."""

    start: str | None = None
    end: str | None = None
    gaps: bool = False


def overdue_cover(rows: Iterable[dict[str, Any]]) -> OverdueCover:
    """The union of the periods' overdue spans, as one interval and whether it has holes: a
    reader decides "overdue on X" from the interval alone unless it has gaps."""
    spans = sorted((s for s in map(overdue_span, rows) if s is not None), key=lambda s: s[0])
    if not spans:
        return OverdueCover()
    start, end = spans[0]
    gaps = False
    for next_start, next_end in spans[1:]:
        if end is None:
            break  # open: covers every later span
        if next_start > end:
            gaps = True
        end = None if next_end is None else max(end, next_end)
    return OverdueCover(start, end, gaps)


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
