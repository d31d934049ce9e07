"""The working-day calendar read from the event store (R-D7), as of any log position.

Deadlines depend on the loaded years' schedules, so whatever computes them (commands' reads,
the projections on either transport, reminders) takes the calendar from the store: a copy kept
only in memory is lost on a restart or an eviction and silently falls back to Monday–Friday.
The decoded book is memoised by its stored version, which the store is asked for every time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.calendar_book import CALENDAR_BOOK_ID, CalendarBook

if TYPE_CHECKING:
    from infra.application import BanliApplication


class StoredCalendar:
    def __init__(self, app: BanliApplication) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._memo: tuple[int, WorkdayCalendar] | None = None

    def version_at(self, position: int | None) -> int:
        """The book's version as of log ``position`` (the newest when None); 0 if never loaded."""
        found = self.app.index.version_at_position(str(CALENDAR_BOOK_ID), position)
        return int(found or 0)

    def at(self, position: int | None = None) -> WorkdayCalendar:
        return self.of_version(self.version_at(position))

    def of_version(self, version: int) -> WorkdayCalendar:
        if version == 0:
            return WorkdayCalendar()
        with self._lock:
            if self._memo is not None and self._memo[0] == version:
                return self._memo[1]
        book = self._book(version)
        calendar = book.calendar() if book is not None else WorkdayCalendar()
        with self._lock:
            self._memo = (version, calendar)
        return calendar

    def _book(self, version: int) -> CalendarBook | None:
        try:
            found: Any = self.app.repository.get(UUID(str(CALENDAR_BOOK_ID)), version=version)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, CalendarBook) else None
