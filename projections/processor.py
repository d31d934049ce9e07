"""Turns a batch of stored events into view changes, for any transport (log runner or Kafka).

The processor keeps the cases it has seen in memory and applies each event to its case with the
aggregate's own ``mutate``, so the read models are computed from exactly the state the domain
would rebuild. A case seen for the first time in the middle of its stream is loaded at the
version just before the event (``load_case``). Per batch, each touched case's rows are computed
once, however many of its events the batch holds.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.calendar import WorkdayCalendar
from domain.calendar_book import CALENDAR_BOOK_ID, CalendarBook
from domain.case import Case
from projections.core import CaseView, EventView, Row, StoredEventInfo

CaseLoader = Callable[[str, int], Any]  # (aggregate id, version) -> aggregate at that version
CaseLister = Callable[[int], Mapping[str, int]]  # position -> {case id: version at position}


@dataclass(frozen=True)
class DecodedEvent:
    info: StoredEventInfo
    event: Any  # the domain event, as the library's mapper decoded it


@dataclass
class ViewChanges:
    """What one view must write for one batch, with the position it reaches."""

    replace: dict[str, tuple[list[str], list[Row]]] = field(default_factory=dict)
    append: dict[str, list[Row]] = field(default_factory=dict)
    position: int | None = None


class BatchProcessor:
    def __init__(
        self,
        case_views: Sequence[CaseView],
        event_views: Sequence[EventView],
        load_case: CaseLoader,
        list_cases: CaseLister,
        cache_size: int = 500_000,
        known_version: Callable[[str], int | None] | None = None,
    ) -> None:
        self.case_views = list(case_views)
        self.event_views = list(event_views)
        self.load_case = load_case
        self.list_cases = list_cases
        self.cache_size = cache_size
        # Where events can arrive twice (Kafka redelivery, a relay re-publishing after a crash),
        # the version a view already holds for an aggregate; None where delivery is exactly once.
        self.known_version = known_version
        self.cases: OrderedDict[str, Any] = OrderedDict()

    def _aggregate_before(self, originator_id: str, version: int) -> Any:
        cached = self.cases.get(originator_id)
        if cached is not None and cached.version == version - 1:
            self.cases.move_to_end(originator_id)
            return cached
        return None if version == 1 else self.load_case(originator_id, version - 1)

    def _already_applied(self, originator_id: str, version: int) -> bool:
        if self.known_version is None:
            return False
        cached = self.cases.get(originator_id)
        seen = cached.version if cached is not None else self.known_version(originator_id)
        return seen is not None and version <= seen

    def _remember(self, originator_id: str, aggregate: Any) -> None:
        self.cases[originator_id] = aggregate
        self.cases.move_to_end(originator_id)
        while len(self.cases) > self.cache_size:
            self.cases.popitem(last=False)

    def _calendar(self) -> WorkdayCalendar:
        book = self.cases.get(str(CALENDAR_BOOK_ID))
        return book.calendar() if isinstance(book, CalendarBook) else WorkdayCalendar()

    def process(
        self, batch: Sequence[DecodedEvent], positions: Mapping[str, int | None]
    ) -> dict[str, ViewChanges]:
        """View changes per view name; ``positions`` says which events each view already has."""
        names = [v.name for v in self.case_views] + [v.name for v in self.event_views]
        changes = {name: ViewChanges() for name in names}
        touched: dict[str, set[str]] = {v.name: set() for v in self.case_views}
        calendar_changed_at: int | None = None
        for item in batch:
            info = item.info
            if self._already_applied(info.originator_id, info.version):
                continue
            aggregate = item.event.mutate(self._aggregate_before(info.originator_id, info.version))
            self._remember(info.originator_id, aggregate)
            if isinstance(aggregate, CalendarBook):
                calendar_changed_at = info.position
            for view in self.event_views:
                if _is_new(info.position, positions.get(view.name)):
                    _add_append(changes[view.name], view.rows(info), info.position)
            for case_view in self.case_views:
                if _is_new(info.position, positions.get(case_view.name)):
                    # Tracked even when ignored (not a case's event), so the view's position
                    # always reaches the head of the log.
                    changes[case_view.name].position = info.position
                    if isinstance(aggregate, Case):
                        touched[case_view.name].add(info.originator_id)
        if calendar_changed_at is not None:
            # Loading a year's schedule moves due dates (R-D7): every case is recomputed.
            self._load_all_cases(batch[-1].info.position)
            for case_view in self.case_views:
                if _is_new(calendar_changed_at, positions.get(case_view.name)):
                    touched[case_view.name].update(
                        i for i, a in self.cases.items() if isinstance(a, Case)
                    )
                    changes[case_view.name].position = batch[-1].info.position
        calendar = self._calendar()
        for case_view in self.case_views:
            self._case_rows(case_view, touched[case_view.name], calendar, changes[case_view.name])
        return changes

    def _case_rows(
        self, view: CaseView, ids: set[str], calendar: WorkdayCalendar, out: ViewChanges
    ) -> None:
        for table in view.tables:
            out.replace[table.name] = (sorted(ids), [])
        for case_id in sorted(ids):
            for table_name, rows in view.rows(self.cases[case_id], calendar).items():
                out.replace[table_name][1].extend(rows)

    def _load_all_cases(self, batch_end: int) -> None:
        """Brings every case into memory at its version as of the end of this batch."""
        for case_id, version in self.list_cases(batch_end).items():
            cached = self.cases.get(case_id)
            # Never trade a case already advanced in this batch for an older stored version.
            if cached is None or cached.version < version:
                self._remember(case_id, self.load_case(case_id, version))


def _is_new(position: int, tracked: int | None) -> bool:
    return tracked is None or position > tracked


def _add_append(out: ViewChanges, rows: Mapping[str, list[Row]], position: int) -> None:
    for table, table_rows in rows.items():
        out.append.setdefault(table, []).extend(table_rows)
    out.position = position
