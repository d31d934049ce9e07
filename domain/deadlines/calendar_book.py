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
from domain.errors import RuleViolation
from domain.records import Actor

CALENDAR_BOOK_ID = uuid.UUID("0c4e1d9a-3b52-4f1e-8a77-63616c656e64")
SATURDAY = 5
WEEKDAY_WORDS = "一二三四五六日"


def check_schedule(year: int, holidays: list[date], workdays: list[date]) -> None:
    """R-D7: a year's official schedule names that year's days only, none both a holiday and a
    make-up workday, and some holiday (every year has its statutory ones: 元旦, 春节 …): an
    empty year loaded over the package's official one had quietly made every day a workday
    but weekends. ``YearSchedule`` holds the first two as well, for data read back."""
    stray = sorted({d for d in [*holidays, *workdays] if d.year != year})
    if stray:
        raise RuleViolation(
            "R-D7",
            f"{year} 年的安排含其他年份的日期：{_days(stray)}",
            f"the schedule for {year} holds days of another year: {_days(stray)}",
        )
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise RuleViolation(
            "R-D7",
            f"日期既列为放假日又列为调休上班日：{_days(both)}",
            f"days listed both as holiday and as make-up workday: {_days(both)}",
        )
    if not holidays:
        raise RuleViolation(
            "R-D7",
            f"{year} 年的安排没有放假日：每年都有法定节假日，请按国务院办公厅的通知填写",
            f"the schedule for {year} has no holiday; every year has statutory holidays",
        )
    # A make-up workday is a Saturday or Sunday worked (each of the 150 in 2004–2026 was): a
    # weekday listed as one is a slip of the date, and would change nothing.
    weekdays = sorted(d for d in set(workdays) if d.weekday() < SATURDAY)
    if weekdays:
        named = "、".join(f"{d.isoformat()}（星期{WEEKDAY_WORDS[d.weekday()]}）" for d in weekdays)
        raise RuleViolation(
            "R-D7",
            f"调休上班日应为周六或周日：{named}",
            f"a make-up workday is a Saturday or Sunday: {_days(weekdays)}",
        )


def statutory_days(year: int) -> int:
    """The statutory holidays every year has (全国年节及纪念日放假办法): 13 days since 2025
    (春节 and 劳动节 one more each), 11 from 2008, 10 before. Each falls on a workday or is
    given one (补休), so an official schedule lists at least as many holidays on weekdays: the
    package's years 2004–2026 list 16 to 23."""
    return 13 if year >= 2025 else 11 if year >= 2008 else 10


def weekday_holidays(holidays: list[date]) -> int:
    """How many of ``holidays`` fall Monday to Friday (the days a schedule takes off)."""
    return len({d for d in holidays if d.weekday() < SATURDAY})


def _days(days: list[date]) -> str:
    return "、".join(d.isoformat() for d in days)


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
        check_schedule(year, holidays, workdays)
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
