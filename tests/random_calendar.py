"""Random working-day schedules aimed at the cases' deadlines (R-D7).

A schedule that lands nowhere near a due date proves nothing, so the holidays of a load are
taken from the cases' current due dates (each then rolls to the next working day) and its
调休 workdays from weekend days beside them (a period ending there no longer rolls). Loading
a year again replaces its schedule: due dates move back, or elsewhere.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from domain.case import Case
from domain.deadlines.case_deadlines import case_deadlines
from domain.records import Actor
from infra.application import BanliApplication
from projections.deadline_periods import END_OF_TIME
from tests.support import ctx

YEARS = (2026, 2027)  # 2026 replaces the package's own schedule; 2027 has none until loaded


def load_random_schedule(
    app: BanliApplication,
    rng: random.Random,
    cases: Sequence[Case],
    actor: Actor,
    today: date,
) -> tuple[int, list[date], list[date]]:
    """Loads (or reloads) one year's schedule; returns what was loaded."""
    year = rng.choice(YEARS)
    calendar = app.calendar()
    due = sorted(
        {
            d.due_on
            for case in cases
            for d in case_deadlines(case, calendar, END_OF_TIME)
            if d.due_on.year == year
        }
    )
    holidays = set(rng.sample(due, min(len(due), rng.randint(1, 5))))
    holidays |= {date(year, 1, 1) + timedelta(days=rng.randrange(365)) for _ in range(2)}
    beside = {
        day
        for d in due
        for day in (d + timedelta(days=k) for k in range(-3, 4))
        if day.year == year and day.weekday() >= 5 and day not in holidays
    }
    workdays = set(rng.sample(sorted(beside), min(len(beside), rng.randint(0, 3))))
    app.stored_calendar.load_year(ctx(actor, today), year, sorted(holidays), sorted(workdays))
    return year, sorted(holidays), sorted(workdays)
