"""The working-day calendar read from the event store (R-D7), as of any log position.

Deadlines depend on the loaded years' schedules, so whatever computes them (commands' reads,
the projections on either transport, reminders) takes the calendar from the store: a copy kept
only in memory is lost on a restart or an eviction and silently falls back to Monday–Friday.
The decoded book is memoised by its stored version, which the store is asked for every time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, Notification

from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.calendar_book import CALENDAR_BOOK_ID, CalendarBook
from domain.errors import Conflict
from infra.recorders import LATEST

if TYPE_CHECKING:
    from infra.application import BanliApplication
    from infra.command_context import CommandContext


class StoredCalendar:
    def __init__(self, app: BanliApplication) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._memo: tuple[int, WorkdayCalendar] | None = None
        self._known: tuple[int, int] | None = None  # (log position, the book's version there)

    def load_year(
        self, ctx: CommandContext, year: int, holidays: list[date], workdays: list[date]
    ) -> int:
        """R-D7: records ``year``'s holidays and working weekends; answers the book's version."""
        try:
            # From the store, not the command cache: events saved here are not aggregates the
            # library could cache, so a cached book stays at the version first read and the
            # next load but one would clash with this process's own last load.
            book: Any = self.app.repository.get(CALENDAR_BOOK_ID, version=LATEST)
        except AggregateNotFoundError:
            book = CalendarBook()
        assert isinstance(book, CalendarBook)
        book.load_year(
            year=year, holidays=holidays, workdays=workdays, actor=ctx.actor, today=ctx.today
        )
        try:
            self.app.record(book.collect_events())
        except IntegrityError:
            raise Conflict("日历被并发修改，请重试", "the calendar changed concurrently") from None
        return book.version

    def version_at(self, position: int | None) -> int:
        """The book's version as of log ``position`` (the newest when None); 0 if never loaded."""
        found = self.app.index.version_at_position(str(CALENDAR_BOOK_ID), position)
        return int(found or 0)

    def at(self, position: int | None = None) -> WorkdayCalendar:
        return self.of_version(self.version_at(position))

    def as_of(self, moment: datetime) -> WorkdayCalendar:
        """The calendar in force at ``moment`` (R-X3: a past state with the rules then): the
        book as the time index had recorded it by then."""
        found = self.app.index.version_at(str(CALENDAR_BOOK_ID), moment.astimezone(UTC).isoformat())
        return self.of_version(int(found or 0))

    def at_end_of(self, run: Sequence[Notification]) -> WorkdayCalendar:
        """``at`` the last position of ``run`` (consecutive log positions), asking the store
        only when the run holds an event of the book or does not follow on from the last run
        asked about: a log runner's batches follow on, and the calendar changes a few times a
        year, so the store's answer would be the same one, a round trip per batch. What is
        kept is a fact of the log (its version as of a position), read from the store first."""
        first, last = run[0].id, run[-1].id
        with self._lock:
            known = self._known
        if known is not None and first - 1 <= known[0] <= last:
            book = str(CALENDAR_BOOK_ID)
            moved = any(n.id > known[0] and str(n.originator_id) == book for n in run)
            version = self.version_at(last) if moved else known[1]
        else:
            version = self.version_at(last)
        with self._lock:
            self._known = (last, version)
        return self.of_version(version)

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
