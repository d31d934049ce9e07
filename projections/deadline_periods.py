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
from collections.abc import Iterator, Mapping
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


# The last case asked of ``known_deadlines``: (case, its version, calendar, its deadlines).
_last: tuple[Case, int, WorkdayCalendar, list[Deadline]] | None = None


def known_deadlines(case: Case, calendar: WorkdayCalendar) -> list[Deadline]:
    """Every deadline of ``case`` with every act known (``END_OF_TIME``); not to be changed.

    The ledger, unit facts and case papers each derive them for the same case in a row, so the
    last answer is kept: the same case object at the same version (a case changes only by an
    event, which moves its version) with the same calendar (immutable) has the same deadlines.
    One tuple is read and replaced at once, so threads deriving other cases only miss.
    """
    global _last
    last = _last
    if last is not None and last[0] is case and last[1] == case.version and last[2] is calendar:
        return last[3]
    found = case_deadlines(case, calendar, END_OF_TIME)
    _last = (case, case.version, calendar, found)
    return found


def deadline_periods(case: Case, calendar: WorkdayCalendar) -> Iterator[Period]:
    """Every deadline of ``case``; an extended one twice, before and after its decision."""
    final = known_deadlines(case, calendar)
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


def overdue_window(row: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The days a stored period is overdue on, ``[from, until)`` as ISO days (until None: no
    end; from None: never). The ledger's overdue test (``projections.ledger.UNMET``: valid that
    day, due before it, neither met nor missed by then) solved for the day once, when the row
    is written, so a count of overdue cases compares one stored day instead of joining every
    case's deadlines."""
    due = date.fromisoformat(row["due_on"])
    if due == date.max:
        return None, None
    start = max(due + timedelta(days=1), date.fromisoformat(row["valid_from"])).isoformat()
    ends = [str(row[k]) for k in ("met_on", "missed_on", "valid_until") if row[k]]
    return start, min(ends) if ends else None


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
