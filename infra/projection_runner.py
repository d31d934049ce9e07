"""Follows the application's notification log and keeps the read models current, in batches.

Many events per transaction, with every view's ``Tracking`` position in that same transaction:
the library's ``ProjectionRunner`` commits one event per transaction, which bounds a rebuild at
a few hundred events a second; here a batch of thousands costs one commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from infra.application import BanliApplication
from infra.recorders import cases_at
from infra.view_store import ViewStoreBase
from projections.audit_trail import AuditTrailView
from projections.commitments import CommitmentView
from projections.core import CaseView, EventView, IndexFacts, StoredEventInfo, Table
from projections.disclosures import DisclosureView
from projections.ledger import LedgerView
from projections.processor import BatchProcessor, DecodedEvent
from projections.tamper_chain import TamperChainView
from projections.unit_facts import UnitFactsView


def all_views() -> tuple[list[CaseView], list[EventView]]:
    """Fresh instances of every read model (event views carry per-run state)."""
    return (
        [LedgerView(), UnitFactsView(), DisclosureView(), CommitmentView()],
        [AuditTrailView(), TamperChainView()],
    )


VIEW_NAMES = [v.name for group in all_views() for v in group]

Progress = Callable[[int, int], None]


def decode(
    app: BanliApplication, notification: Notification, index: IndexFacts | None = None
) -> DecodedEvent:
    """A stored event as the views see it: decoded with the store's own mapper (and cipher)."""
    event: Any = app.mapper.to_domain_event(notification)
    info = StoredEventInfo(
        position=notification.id,
        originator_id=str(notification.originator_id),
        version=notification.originator_version,
        topic=notification.topic,
        state=notification.state,
        event_type=type(event).__name__,
        recorded_at=event.timestamp,
        data=event.__dict__,
        index=index,
    )
    return DecodedEvent(info, event)


class ProjectionRunner:
    """Drives a set of views over the log; ``generation`` pins them (a rebuild), else active."""

    def __init__(
        self,
        app: BanliApplication,
        store: ViewStoreBase,
        *,
        names: Sequence[str] | None = None,
        generations: dict[str, int] | None = None,
        batch_size: int = 2000,
    ) -> None:
        case_views, event_views = all_views()
        wanted = set(names or VIEW_NAMES)
        self.case_views = [v for v in case_views if v.name in wanted]
        self.event_views = [v for v in event_views if v.name in wanted]
        self.app = app
        self.store = store
        self.batch_size = batch_size
        self.tables: dict[str, Sequence[Table]] = {v.name: v.tables for v in self.case_views}
        self.tables.update({v.name: v.tables for v in self.event_views})
        # Pinned generations (a rebuild) never move; otherwise follow the active ones, which a
        # rebuild may switch at any time.
        self.pinned = generations is not None
        self.generations = generations or self._active_generations()
        self.processor = self._new_processor()

    def _active_generations(self) -> dict[str, int]:
        return {name: self.store.current_generation(name, t) for name, t in self.tables.items()}

    def _new_processor(self) -> BatchProcessor:
        for view in self.event_views:
            view.resume(self.store.last_row(view.name, view.tables[0], self.generations[view.name]))
        return BatchProcessor(
            self.case_views,
            self.event_views,
            load_case=self._load,
            list_cases=lambda position: cases_at(self.app.index, position),
        )

    def _load(self, aggregate_id: str, version: int) -> Any:
        return self.app.repository.get(UUID(aggregate_id), version=version)

    def positions(self) -> dict[str, int | None]:
        return self.store.positions(self.generations.items())

    def _follow_switches(self) -> None:
        if self.pinned:
            return
        active = self._active_generations()
        if active != self.generations:
            self.generations = active
            self.processor = self._new_processor()

    def run_batch(self) -> int:
        """Processes the next batch; returns how many events it read (0 when caught up)."""
        self._follow_switches()
        positions = self.positions()
        start = min((p or 0) for p in positions.values()) + 1
        notifications = self.app.recorder.select_notifications(start=start, limit=self.batch_size)
        if not notifications:
            return 0
        # The tamper chain covers each event's index row too; one read for the whole batch.
        first, last = notifications[0].id, notifications[-1].id
        index = dict(self.app.index.index_facts(first - 1, last, last - first + 1))
        batch = [decode(self.app, n, index.get(n.id)) for n in notifications]
        try:
            changes = self.processor.process(batch, positions)
            self.store.write(changes, self.tables, self.generations)
        except Exception:
            # In-memory state (cached cases, the chain's last hash) may be ahead of the store.
            self.processor = self._new_processor()
            raise
        return len(batch)

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
) -> dict[str, int]:
    """Rebuilds ``names`` into new generations from the whole log, then switches readers over.

    Readers keep using the old generation until the new one has caught up with the log; the
    last stretch written meanwhile is caught up once more just before the switch.
    ``before_switch`` may refuse the new generations (raise), and then nothing is switched.
    """
    tables = {v.name: v.tables for group in all_views() for v in group if v.name in names}
    generations = {
        name: store.create_generation(name, tables[name], activate=False) for name in names
    }
    runner = ProjectionRunner(
        app, store, names=names, generations=generations, batch_size=batch_size
    )
    runner.run(progress)
    runner.run()
    if before_switch is not None:
        before_switch(generations)
    for name in names:
        store.switch_generation(name, generations[name], tables[name])
    return generations


def status(app: BanliApplication, store: ViewStoreBase) -> list[dict[str, Any]]:
    """Position and lag of every projection's active (and any rebuilding) generation."""
    head = app.recorder.max_notification_id() or 0
    rows = []
    for name, (active, building) in sorted(store.generations().items()):
        for generation, role in ((active, "active"), (building, "building")):
            if generation is None:
                continue
            position = store.positions([(name, generation)])[name] or 0
            rows.append(
                {
                    "projection": name,
                    "generation": generation,
                    "role": role,
                    "position": position,
                    "lag": head - position,
                }
            )
    return rows
