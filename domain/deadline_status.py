"""Status of one deadline on the supervision ledger (R-S1), as of a given day.

Pure and date-based so that any past ledger can be reconstructed "as of" that day (R-X3): an act
dated after ``as_of`` is ignored, as it had not yet happened then.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

DeadlineStatus = Literal["pending", "due_soon", "overdue", "met", "met_late"]


def deadline_status(
    due_on: date, met_on: date | None, as_of: date, due_soon_days: int
) -> tuple[DeadlineStatus, int]:
    """Return (status, days_overdue); met means done on or before the due date (R-D6)."""
    if met_on is not None and met_on <= as_of:
        if met_on <= due_on:
            return "met", 0
        return "met_late", (met_on - due_on).days
    if as_of > due_on:
        return "overdue", (as_of - due_on).days
    if (due_on - as_of).days <= due_soon_days:
        return "due_soon", 0
    return "pending", 0
