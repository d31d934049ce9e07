"""The working-day calendar as versioned, event-sourced data (R-D7).

``chinese-calendar`` covers the years up to its release; each later year's official schedule
(holidays and 调休 make-up workdays, published every autumn by the State Council) is loaded by an
administrator. Reloading a year is a new event, so every earlier deadline computation can still
name the calendar version it used.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import register_topic

from domain.deadlines.calendar import WorkdayCalendar, YearSchedule
from domain.errors import InvalidInput
from domain.records import Actor

CALENDAR_BOOK_ID = uuid.UUID("0c4e1d9a-3b52-4f1e-8a77-63616c656e64")


class CalendarBook(Aggregate):
    """One stream for the whole calendar: each loaded year is a versioned event in it."""

    @staticmethod
    def create_id() -> uuid.UUID:
        return CALENDAR_BOOK_ID

    @event("Opened")
    def __init__(self) -> None:
        self.schedules: dict[int, dict[str, Any]] = {}

    def load_year(
        self,
        *,
        year: int,
        holidays: list[date],
        workdays: list[date],
        actor: Actor,
        today: date,
    ) -> None:
        try:
            YearSchedule(year, frozenset(holidays), frozenset(workdays))
        except ValueError as error:
            raise InvalidInput(f"{year} 年节假日安排无效：{error}", str(error)) from None
        self._year_loaded(
            year=year,
            holidays=sorted(set(holidays)),
            workdays=sorted(set(workdays)),
            actor=actor,
            occurred_on=today,
        )

    @event("YearScheduleLoaded")
    def _year_loaded(
        self,
        *,
        year: int,
        holidays: list[date],
        workdays: list[date],
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self.schedules[year] = {
            "holidays": holidays,
            "workdays": workdays,
            "loaded_on": occurred_on,
            "version": self.version + 1,
        }

    def calendar(self) -> WorkdayCalendar:
        return WorkdayCalendar(
            loaded={
                year: YearSchedule(year, frozenset(s["holidays"]), frozenset(s["workdays"]))
                for year, s in self.schedules.items()
            }
        )


# Stored before the calendar moved into ``domain.deadlines``: old events keep their topics.
register_topic("domain.calendar_book:CalendarBook", CalendarBook)
