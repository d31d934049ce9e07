"""Follows the application's notification log and keeps the read models current, in batches.

Many events per transaction, with every view's ``Tracking`` position in that same transaction:
the library's ``ProjectionRunner`` commits one event per transaction, which bounds a rebuild at
a few hundred events a second; here a batch of thousands costs one commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from eventsourcing.persistence import Notification

from infra.application import BanliApplication
from infra.rebuild_fill import fill
from infra.recorders import cases_at
from infra.view_feed import decode, loader
from infra.view_store import ViewFailure, ViewStoreBase
from infra.written_rows import WrittenRows
from projections import registry
from projections.core import Table
from projections.processor import BatchProcessor, DecodedEvent

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class ProjectionRunner:
    """Drives a set of views over the log; ``generation`` pins them (a rebuild), else active.

    One failing view does not stop the others: when a batch fails, each view is applied on its
    own, event by event; a view that cannot apply an event (while the store itself answers)
    stops at that event's position, recorded in the store for every process to see, and the
    rest carry on. A stopped view is tried again every ``retry_seconds`` and on every start.
    """

    def __init__(
        self,
        app: BanliApplication,
        store: ViewStoreBase,
        *,
        names: Sequence[str] | None = None,
        generations: dict[str, int] | None = None,
        batch_size: int = 2000,
        cache_size: int = 500_000,
        retry_seconds: float = 60.0,
    ) -> None:
        # In the registry's order, whatever order ``names`` has; none named is every one.
        self.tables: dict[str, Sequence[Table]] = registry.tables(names or None)
        self.names = list(self.tables)
        self.app = app
        self.store = store
        self.batch_size = batch_size
        self.cache_size = cache_size
        self.retry_seconds = retry_seconds
        # Pinned generations (a rebuild) never move; otherwise follow the active ones, which a
        # rebuild may switch at any time.
        self.pinned = generations is not None
        self._written: dict[str, int | None] | None = None
        self.generations = generations or self._active_generations()
        self.stopped: dict[str, tuple[ViewFailure, float]] = {}  # view → failure, next retry
        for failure in store.failures():
            # Stopped before this start: tried again at once (a restart is how a fix arrives),
            # and the record cleared if the event now applies.
            if self.generations.get(failure.view) == failure.generation:
                self.stopped[failure.view] = (failure, 0.0)
        self.processor = self._new_processor()

    def _active_generations(self) -> dict[str, int]:
        return {name: self.store.current_generation(name, t) for name, t in self.tables.items()}

    def _new_processor(self, only: Sequence[str] | None = None) -> BatchProcessor:
        """A processor for the running views (or ``only`` these), resumed from the store."""
        self._written = None  # whatever was written before, the positions are read again
        self._rows = WrittenRows()  # and no row is taken to stand as last written
        views = registry.views(only if only is not None else self.running())
        for view in views.event:
            view.resume(self.store.last_row(view.tables[0], self.generations[view.name]))
        return BatchProcessor(
            views,
            load_case=loader(self.app),
            list_cases=lambda position: cases_at(self.app.index, position),
            cache_size=self.cache_size,
        )

    def running(self) -> list[str]:
        return [name for name in self.names if name not in self.stopped]

    def positions(self) -> dict[str, int | None]:
        """How far each view has come: read from the store, then kept from this runner's own
        writes (it is the only writer of its generations: the store's lock) until anything
        but a batch written whole happens (a new processor reads them again)."""
        if self._written is None:
            self._written = self.store.positions(self.generations.items())
        return dict(self._written)

    def _follow_switches(self) -> None:
        if self.pinned:
            return
        # The generations as readers resolve them: read from the store at most every
        # ``GENERATION_TTL_SECONDS`` (a switch in this process is seen at once), where a read
        # before every batch was one of a batch's four round trips while commands ran, and
        # the readers waiting on the batch waited on it too. The generation a switch replaces
        # stays writable until the next switch, so writing it a moment longer loses nothing:
        # the new one carries on from its own tracked position. The full check (layouts, a
        # generation made for a view that has none) only when a generation changed.
        known = self.store.recent_generations()
        if all(known.get(n, (None,))[0] == g for n, g in self.generations.items()):
            return
        active = self._active_generations()
        if active != self.generations:
            self.generations = active
            self.stopped.clear()
            self.processor = self._new_processor()

    def run_batch(self) -> int:
        """Processes the next batch; returns how many events it read (0 when caught up)."""
        self._follow_switches()
        self._retry_stopped()
        running = self.running()
        if not running:
            return 0
        positions = {name: p for name, p in self.positions().items() if name in running}
        start = min((p or 0) for p in positions.values()) + 1
        notifications, batch = self._read(start, self.batch_size)
        if not notifications:
            return 0
        # The calendar as the log stood at the batch's end: what a rebuild would see there.
        calendar = self.app.stored_calendar.at_end_of(notifications)
        try:
            changes = self.processor.process(batch, positions, calendar=calendar)
            rows = self._rows.leave_out_unchanged(changes, self.tables)
            self.store.write(changes, self.tables, self.generations)
            self._rows.remember(rows)
            written = self._written
            if written is not None:
                for name, change in changes.items():
                    if change.position is not None:
                        written[name] = change.position
        except Exception as error:
            # In-memory state (cached cases, the chain's last hash) may be ahead of the store.
            self.processor = self._new_processor()
            if not self.store.reachable():
                raise  # the store is down, not one view: retry the whole batch later
            # Said, since what follows is far slower: a batch that keeps failing for a reason
            # of its own (not one view's) would otherwise only show as a keeper falling behind.
            log.warning(
                "a batch of %d events (positions %d-%d) failed (%s: %s); applying each view "
                "alone, an event per transaction",
                len(batch),
                batch[0].info.position,
                batch[-1].info.position,
                type(error).__name__,
                error,
            )
            for name in running:
                self._apply_alone(name, batch, positions.get(name))
            self.processor = self._new_processor()
        return len(batch)

    def _apply_alone(self, name: str, batch: Sequence[DecodedEvent], position: int | None) -> bool:
        """Applies ``batch`` to one view, an event per transaction; stops it at a failing event.
        Returns whether the view took every event."""
        processor = self._new_processor(only=[name])
        for item in batch:
            if position is not None and item.info.position <= position:
                continue
            calendar = self.app.stored_calendar.at(item.info.position)
            try:
                changes = processor.process([item], {name: position}, calendar=calendar)
                self.store.write(changes, {name: self.tables[name]}, self.generations)
            except Exception as error:
                if not self.store.reachable():
                    raise
                self._stop(name, item.info.position, error)
                return False
            position = item.info.position
        return True

    def _stop(self, name: str, position: int, error: Exception) -> None:
        failure = ViewFailure(
            view=name,
            generation=self.generations[name],
            position=position,
            error=f"{type(error).__name__}: {error}",
            failed_at=datetime.now(UTC).isoformat(),
        )
        log.error("projection %s stopped at position %s: %s", name, position, failure.error)
        self.store.record_failure(failure)
        self.stopped[name] = (failure, time.monotonic() + self.retry_seconds)

    def _retry_stopped(self) -> None:
        """A stopped view whose time has come tries its failing event again, alone."""
        now = time.monotonic()
        for name, (failure, due) in list(self.stopped.items()):
            if now < due:
                continue
            _, batch = self._read(failure.position, 1)
            del self.stopped[name]
            # From where the view's tracking stands: a failure recorded at an event the view
            # already holds (a keeper that lost its lead mid-batch while the next one wrote it)
            # is past, not applied again and refused again for ever.
            held = self.store.positions([(name, self.generations[name])]).get(name)
            if self._apply_alone(name, batch, held):
                self.store.clear_failure(name, self.generations[name])
                log.warning("projection %s resumed after position %s", name, failure.position)
            self.processor = self._new_processor()

    def failures(self) -> list[ViewFailure]:
        return [failure for failure, _ in self.stopped.values()]

    def _read(self, start: int, limit: int) -> tuple[list[Notification], list[DecodedEvent]]:
        """Up to ``limit`` events from position ``start`` on, as stored and decoded with their
        index rows (the tamper chain covers those too): one statement for both, where reading
        them apart was two round trips of each batch's five or so."""
        stored = self.app.index.notifications_from(start, limit)
        return [n for n, _ in stored], [decode(self.app, n, facts) for n, facts in stored]

    def run(self, progress: Progress | None = None) -> int:
        """Processes until caught up with the log's head as it was at the start."""
        head = self.app.recorder.max_notification_id() or 0
        while True:
            done = self.run_batch()
            position = min((p or 0) for p in self.positions().values())
            if progress is not None:
                progress(position, head)
            if done == 0 or position >= head:
                return position


def rebuild(
    app: BanliApplication,
    store: ViewStoreBase,
    names: Sequence[str],
    progress: Progress | None = None,
    batch_size: int = 5000,
    before_switch: Callable[[Mapping[str, int]], None] | None = None,
    processes: int | None = None,
) -> dict[str, int]:
    """Rebuilds ``names`` into new generations from the whole log, then switches readers over.

    The log up to its head is filled by ``processes`` processes at once (one per core when
    None; ``infra/rebuild_fill.py``), then the runner catches up with what came meanwhile (or
    does it all, event by event, if the fast path could not). Readers keep using the old
    generation until the new one has caught up with the log; the last stretch written meanwhile
    is caught up once more just before the switch. ``before_switch`` may refuse the new
    generations (raise), and then nothing is switched.
    """
    tables = registry.tables(names)
    # Indexed after the fill, which only adds rows: built once instead of row by row.
    generations = {
        name: store.create_generation(name, tables[name], activate=False, indexed=False)
        for name in names
    }
    head = app.recorder.max_notification_id() or 0
    fill(app, store, generations, head, processes=processes, progress=progress)
    # Before the runner, which replaces cases' rows by their case ids (and for the slow path,
    # when the fill could not run, does everything).
    _index(store, names, tables, generations)
    runner = ProjectionRunner(
        app, store, names=names, generations=generations, batch_size=batch_size
    )
    runner.run(progress)
    runner.run()
    try:
        if runner.stopped:
            raise ProjectionStopped(runner.failures())
        if before_switch is not None:
            before_switch(generations)
    except Exception:
        # Readers keep the generation they have: an incomplete or refused one never becomes
        # active, and is dropped.
        for name in names:
            store.abandon_generation(name, generations[name], tables[name])
        raise
    for name in names:
        store.switch_generation(name, generations[name], tables[name])
    return generations


def _index(
    store: ViewStoreBase,
    names: Sequence[str],
    tables: Mapping[str, Sequence[Table]],
    generations: Mapping[str, int],
) -> None:
    """Each new generation's indexes, ``store.index_builders`` views at a time. The event
    views first: a row per event, theirs are the largest tables of any log, and on several
    connections the builds then end together rather than one large one last."""
    event_views = {view.name for view in registry.views(names).event}
    ordered = sorted(names, key=lambda name: name not in event_views)

    def build(name: str) -> None:
        store.create_indexes(tables[name], generations[name])

    if store.index_builders <= 1:
        for name in ordered:
            build(name)
        return
    with ThreadPoolExecutor(store.index_builders, thread_name_prefix="banli-index") as pool:
        # The first failure is raised once the builds under way are done; the rest never start
        # (``map`` cancels them): the rebuild is abandoned.
        list(pool.map(build, ordered))


class ProjectionStopped(RuntimeError):
    def __init__(self, failures: Sequence[ViewFailure]) -> None:
        self.failures = list(failures)
        text = "; ".join(f"{f.view} at position {f.position}: {f.error}" for f in failures)
        super().__init__(f"projection stopped: {text}")
