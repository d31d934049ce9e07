"""Status of one deadline on the supervision ledger (R-S1, R-D8), as of a given day.

Pure and date-based so that any past ledger can be reconstructed "as of" that day (R-X3): an act
dated after ``as_of`` is ignored, as it had not yet happened then.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

DeadlineStatus = Literal["pending", "due_soon", "overdue", "met", "met_late", "missed", "extended"]
# Obligations that can still be met: the only ones supervision chases (R-D8); an extended one
# (R-E1) is still open, against its new date.
OPEN_STATUSES: tuple[DeadlineStatus, ...] = ("pending", "due_soon", "overdue", "extended")


def deadline_status(
    due_on: date,
    met_on: date | None,
    as_of: date,
    due_soon_days: int,
    missed_on: date | None = None,
    extended: bool = False,
) -> tuple[DeadlineStatus, int]:
    """Return (status, days_overdue); met means done on or before the due date (R-D6).

    ``missed_on`` is the day the obligation could no longer be met (R-D8): from then on the
    deadline is ``missed``, with the days overdue it had that day, whatever comes after.
    ``extended`` (R-E1): ``due_on`` is a granted later date; until it is met or passes, the
    deadline is ``extended`` rather than pending or due soon.
    """
    if met_on is not None and met_on <= as_of and (missed_on is None or met_on <= missed_on):
        if met_on <= due_on:
            return "met", 0
        return "met_late", (met_on - due_on).days
    if missed_on is not None and missed_on <= as_of:
        return "missed", max(0, (missed_on - due_on).days)
    if as_of > due_on:
        return "overdue", (as_of - due_on).days
    if extended:
        return "extended", 0
    if (due_on - as_of).days <= due_soon_days:
        return "due_soon", 0
    return "pending", 0


def met_on_time(due_on: date, met_on: date | None, missed_on: date | None) -> bool:
    """Whether the obligation was met by its due date (a missed one never was)."""
    if met_on is None or (missed_on is not None and met_on > missed_on):
        return False
    return met_on <= due_on
