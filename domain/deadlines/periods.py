"""Period arithmetic under the Civil Code arts. 201–203 (R-D6) on the official calendar (R-D7).

Every result carries a one-line derivation so the ledger can show *why* a date is due, and a
``provisional`` flag when part of the computation used the Monday–Friday fallback because no
official schedule exists yet for some year involved.
"""

from __future__ import annotations

import calendar as _stdcal
from dataclasses import dataclass
from datetime import date, timedelta

from domain.deadlines.calendar import WorkdayCalendar

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PeriodEnd:
    due_on: date
    provisional: bool
    derivation: str


def _check_n(n: int) -> None:
    if n < 0:
        raise ValueError(f"period length must be >= 0, got {n}")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _finish(start: date, due: date, cal: WorkdayCalendar, steps: str) -> PeriodEnd:
    # Provisional if any year the computation touched lacks an official schedule: the roll and
    # the working-day count may change once that year's schedule is loaded.
    missing = [y for y in range(start.year, due.year + 1) if not cal.has_schedule(y)]
    text = f"{steps}; calendar {cal.version}"
    if missing:
        years = ", ".join(str(y) for y in missing)
        text += f"; PROVISIONAL: no official schedule for {years}, counted Monday–Friday (R-D7)"
    return PeriodEnd(due_on=due, provisional=bool(missing), derivation=text)


def _roll(end: date, steps: str, cal: WorkdayCalendar, roll_to_workday: bool) -> tuple[date, str]:
    """Move a day/month period's last day off a holiday or rest day (R-D6, policy flag)."""
    if cal.is_workday(end):
        return end, steps
    if not roll_to_workday:
        return end, f"{steps}; {end} is a holiday/rest day, not rolled (roll_to_workday off)"
    due = end + _DAY
    while not cal.is_workday(due):
        due += _DAY
    return due, f"{steps}; {end} is a holiday/rest day → first working day {due}"


def days_after(
    start: date, n: int, cal: WorkdayCalendar, *, roll_to_workday: bool = True
) -> PeriodEnd:
    """End of "within n days of start": the start day is not counted, so it ends on start + n."""
    return cal.remembered(
        (days_after, start, n, roll_to_workday),
        lambda: _days_after(start, n, cal, roll_to_workday),
    )


def _days_after(start: date, n: int, cal: WorkdayCalendar, roll_to_workday: bool) -> PeriodEnd:
    _check_n(n)
    end = start + timedelta(days=n)
    due, steps = _roll(end, f"{start} + {_plural(n, 'day')} = {end} (R-D6)", cal, roll_to_workday)
    return _finish(start, due, cal, steps)


def add_months(start: date, n: int) -> date:
    months = start.year * 12 + (start.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    # No such day-of-month (e.g. 31 Jan + 1 month): the period ends on the month's last day.
    day = min(start.day, _stdcal.monthrange(year, month)[1])
    return date(year, month, day)


def months_after(
    start: date, n: int, cal: WorkdayCalendar, *, roll_to_workday: bool = True
) -> PeriodEnd:
    """End of "within n months of start": same day-of-month n months later, clamped to month end."""
    return cal.remembered(
        (months_after, start, n, roll_to_workday),
        lambda: _months_after(start, n, cal, roll_to_workday),
    )


def _months_after(start: date, n: int, cal: WorkdayCalendar, roll_to_workday: bool) -> PeriodEnd:
    _check_n(n)
    end = add_months(start, n)
    steps = f"{start} + {_plural(n, 'month')} = {end} (R-D6)"
    due, steps = _roll(end, steps, cal, roll_to_workday)
    return _finish(start, due, cal, steps)


def working_days_after(start: date, n: int, cal: WorkdayCalendar) -> PeriodEnd:
    """The n-th working day counted from the day after start (start itself never counts)."""
    return cal.remembered(
        (working_days_after, start, n), lambda: _working_days_after(start, n, cal)
    )


def _working_days_after(start: date, n: int, cal: WorkdayCalendar) -> PeriodEnd:
    _check_n(n)
    due, counted = start, 0
    while counted < n:
        due += _DAY
        if cal.is_workday(due):
            counted += 1
    steps = f"{start} + {_plural(n, 'working day')} (counted from the next day) = {due} (R-D6)"
    return _finish(start, due, cal, steps)
