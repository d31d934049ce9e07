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

from eventsourcing.domain import Aggregate

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.calendar_book import CalendarBook
from projections.core import Row, StoredEventInfo, Views

# Cases, calendar books, users, sessions …: the log holds every aggregate's events.
CaseLoader = Callable[[str, int], Aggregate]  # (aggregate id, version) -> it at that version
CaseLister = Callable[[int], Mapping[str, int]]  # position -> {case id: version at position}


@dataclass(frozen=True)
class DecodedEvent:
    info: StoredEventInfo

    @property
    def event(self) -> Aggregate.Event:
        """The event as the library's mapper decoded it (decoded on first use)."""
        event: Aggregate.Event = self.info.event
        return event


@dataclass
class ViewChanges:
    """What one view must write for one batch, with the position it reaches."""

    replace: dict[str, tuple[list[str], list[Row]]] = field(default_factory=dict)
    append: dict[str, list[Row]] = field(default_factory=dict)
    position: int | None = None


class BatchProcessor:
    """Applies batches of decoded events to the cases in memory and derives the views' rows.

    The working-day calendar is not taken from the cases seen: the caller passes the calendar
    it read from the store for each batch (R-D7), so a restart, an eviction or a case cache of
    one can never make a deadline fall back to Monday–Friday.
    """

    def __init__(
        self,
        views: Views,
        load_case: CaseLoader,
        list_cases: CaseLister | None,
        cache_size: int = 500_000,
        known_version: Callable[[str], int | None] | None = None,
    ) -> None:
        self.case_views = list(views.case)
        self.event_views = list(views.event)
        self.load_case = load_case
        # Where every case's rows must follow a calendar change seen in the log (the log runner,
        # the only writer of its views); None where another mechanism recomputes (Kafka).
        self.list_cases = list_cases
        self.cache_size = max(1, cache_size)
        # Where events can arrive twice (Kafka redelivery, a relay re-publishing after a crash),
        # the version a view already holds for an aggregate; None where delivery is exactly once.
        self.known_version = known_version
        self.cases: OrderedDict[str, Aggregate] = OrderedDict()

    def _held(self, originator_id: str, advanced: Mapping[str, Aggregate]) -> Aggregate | None:
        """The aggregate as this batch left it, else as the cache holds it (or None)."""
        found = advanced.get(originator_id)
        return found if found is not None else self.cases.get(originator_id)

    def _aggregate_before(
        self, originator_id: str, version: int, advanced: Mapping[str, Aggregate]
    ) -> Aggregate | None:
        held = self._held(originator_id, advanced)
        if held is not None and held.version == version - 1:
            if originator_id in self.cases:
                self.cases.move_to_end(originator_id)
            return held
        return None if version == 1 else self.load_case(originator_id, version - 1)

    def _already_applied(
        self, originator_id: str, version: int, advanced: Mapping[str, Aggregate]
    ) -> bool:
        if self.known_version is None:
            return False
        # A case this batch advanced counts as it now stands, even if the cache dropped it:
        # the view still holds the version from before the batch.
        held = self._held(originator_id, advanced)
        seen = held.version if held is not None else self.known_version(originator_id)
        return seen is not None and version <= seen

    def _remember(self, originator_id: str, aggregate: Aggregate) -> None:
        self.cases[originator_id] = aggregate
        self.cases.move_to_end(originator_id)
        while len(self.cases) > self.cache_size:
            self.cases.popitem(last=False)

    def process(
        self,
        batch: Sequence[DecodedEvent],
        positions: Mapping[str, int | None],
        *,
        calendar: WorkdayCalendar,
        recompute: Mapping[str, int] | None = None,
    ) -> dict[str, ViewChanges]:
        """View changes per view name; ``positions`` says which events each view already has.

        ``recompute`` names more cases (id → version) whose rows are derived again with this
        ``calendar`` although the batch has no event of theirs.
        """
        names = [v.name for v in self.case_views] + [v.name for v in self.event_views]
        changes = {name: ViewChanges() for name in names}
        calendar_changed_at: int | None = None
        # Every aggregate this batch moved, held for the batch: a small cache may drop one
        # before the batch is over, and the views learn its new version only at the write.
        advanced: dict[str, Aggregate] = {}
        # Event views need no aggregates: without case views (a rebuild's pass of the views
        # that keep the log's order) events are not even decoded unless a view reads them.
        folding = bool(self.case_views) or self.known_version is not None
        appending = [(v.rows, changes[v.name], positions.get(v.name)) for v in self.event_views]
        # Case views at one position take the same events: each event is looked at once per
        # position held (a rebuild's views all hold none), not once per view.
        held: dict[int | None, _Taken] = {}
        for case_view in self.case_views:
            held.setdefault(positions.get(case_view.name), _Taken()).views.append(case_view.name)
        taking = list(held.items())
        for item in batch:
            info = item.info
            position = info.position
            if folding:
                if self._already_applied(info.originator_id, info.version, advanced):
                    continue
                aggregate = self._fold(item, advanced)
                if isinstance(aggregate, CalendarBook):
                    calendar_changed_at = position
            for rows, change, tracked in appending:
                if _is_new(position, tracked):
                    _add_append(change, rows(info), position)
            for tracked, taken in taking:
                if _is_new(position, tracked):
                    # Tracked even when ignored (not a case's event), so the view's position
                    # always reaches the head of the log.
                    taken.position = position
                    if isinstance(aggregate, Case):
                        taken.cases[info.originator_id] = aggregate
        touched: dict[str, dict[str, Case]] = {}
        for taken in held.values():
            for name in taken.views:
                touched[name] = dict(taken.cases)
                if taken.position is not None:
                    changes[name].position = taken.position
        more = dict(recompute or {})
        if calendar_changed_at is not None and self.list_cases is not None:
            # Loading a year's schedule moves due dates (R-D7): every case is recomputed.
            more.update(self.list_cases(batch[-1].info.position))
        if more:
            cases = self._cases_at(more, advanced)
            self._recompute(cases, touched, changes, positions, calendar_changed_at, batch)
        self._case_rows(touched, calendar, changes)
        return changes

    def fold(self, batch: Sequence[DecodedEvent]) -> dict[str, Aggregate]:
        """Applies the batch's events to their aggregates as ``process`` does, without any
        view: each aggregate the batch moved, as the batch leaves it (by id)."""
        advanced: dict[str, Aggregate] = {}
        for item in batch:
            self._fold(item, advanced)
        return advanced

    def _fold(self, item: DecodedEvent, advanced: dict[str, Aggregate]) -> Aggregate:
        """Applies the event to its aggregate (with the aggregate's own ``mutate``)."""
        info = item.info
        before = self._aggregate_before(info.originator_id, info.version, advanced)
        aggregate = item.event.mutate(before)
        if aggregate is None:  # typed optional for other aggregate styles; ours never are
            raise TypeError(f"event {info.position} left no {info.originator_id}")
        advanced[info.originator_id] = aggregate
        self._remember(info.originator_id, aggregate)
        return aggregate

    def _recompute(
        self,
        cases: Mapping[str, Case],
        touched: dict[str, dict[str, Case]],
        changes: dict[str, ViewChanges],
        positions: Mapping[str, int | None],
        calendar_changed_at: int | None,
        batch: Sequence[DecodedEvent],
    ) -> None:
        for case_view in self.case_views:
            if calendar_changed_at is not None and not _is_new(
                calendar_changed_at, positions.get(case_view.name)
            ):
                continue
            touched[case_view.name].update(cases)
            if calendar_changed_at is not None:
                changes[case_view.name].position = batch[-1].info.position

    def _cases_at(
        self, versions: Mapping[str, int], advanced: Mapping[str, Aggregate]
    ) -> dict[str, Case]:
        """Each case at the given version, unless this batch already advanced it further.

        Held in a dict of their own, not only in the bounded cache, so a small cache cannot drop
        a case between loading it and deriving its rows.
        """
        found: dict[str, Case] = {}
        for case_id, version in versions.items():
            current = self._held(case_id, advanced)
            if current is None or current.version < version:
                current = self.load_case(case_id, version)
                self._remember(case_id, current)
            if isinstance(current, Case):
                found[case_id] = current
        return found

    def _case_rows(
        self,
        touched: Mapping[str, Mapping[str, Case]],
        calendar: WorkdayCalendar,
        changes: Mapping[str, ViewChanges],
    ) -> None:
        """Each touched case's rows of every view that touched it, case after case (so views
        that derive the same facts of one case in a row share them: ``known_deadlines``)."""
        for view in self.case_views:
            ids = sorted(touched[view.name])
            for table in view.tables:
                changes[view.name].replace[table.name] = (ids, [])
        every = sorted({case_id for cases in touched.values() for case_id in cases})
        for case_id in every:
            for view in self.case_views:
                case = touched[view.name].get(case_id)
                if case is None:
                    continue
                replace = changes[view.name].replace
                for table_name, rows in view.rows(case, calendar).items():
                    replace[table_name][1].extend(rows)


def whole_streams(views: Views) -> BatchProcessor:
    """A processor for aggregates whose events come whole, each from its first (a rebuild's
    share, a recomputation's chunk): an aggregate met mid-stream lost an event, and loading it
    raises ``LookupError`` so that the caller takes its slower way."""

    def mid_stream(aggregate_id: str, version: int) -> Aggregate:
        raise LookupError(f"{aggregate_id} met at version {version + 1}, not from its start")

    return BatchProcessor(views, load_case=mid_stream, list_cases=None, cache_size=1)


@dataclass
class _Taken:
    """What one batch gave the case views that held one position: the last event they took and
    the cases it moved (as each now stands)."""

    views: list[str] = field(default_factory=list)
    position: int | None = None
    cases: dict[str, Case] = field(default_factory=dict)


def _is_new(position: int, tracked: int | None) -> bool:
    return tracked is None or position > tracked


def _add_append(out: ViewChanges, rows: Mapping[str, list[Row]], position: int) -> None:
    for table, table_rows in rows.items():
        out.append.setdefault(table, []).extend(table_rows)
    out.position = position
