"""`banli consume projections`: the same read models as the embedded runner, fed from Kafka.

Several instances share the topic's partitions through a consumer group. Each poll's events go
through the same ``BatchProcessor`` as the log runner; the view changes and the consumed offset
of every partition in the batch are written in one transaction (the library's tracking table,
one row per partition), and on assignment each partition resumes after its stored offset, so a
crash or a rebalance redelivers nothing twice. Events re-published by a restarted relay are
dropped by the case version the ledger already holds.

The tamper chain is not fed from Kafka: it hashes the event store's own order, which partitions
do not keep; it stays with the log runner beside the store.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from uuid import UUID

from eventsourcing.persistence import Tracking

from consumers.envelope import Envelope
from infra.application import BanliApplication
from infra.projection_runner import all_views, decode
from infra.view_store import ViewStoreBase
from projections.core import Table
from projections.processor import BatchProcessor, DecodedEvent

log = logging.getLogger(__name__)

KAFKA_FED = ("ledger", "unit_facts", "disclosures", "commitments", "audit_trail")


def offset_tracking_name(group: str, topic: str, partition: int) -> str:
    return f"kafka:{group}:{topic}:{partition}"


class KafkaProjections:
    """Applies batches of Kafka records to the active generations of the Kafka-fed views."""

    def __init__(self, app: BanliApplication, store: ViewStoreBase, group: str, topic: str):
        self.app = app
        self.store = store
        self.group = group
        self.topic = topic
        case_views, event_views = all_views()
        self.case_views = [v for v in case_views if v.name in KAFKA_FED]
        self.event_views = [v for v in event_views if v.name in KAFKA_FED]
        self.tables: dict[str, Sequence[Table]] = {v.name: v.tables for v in self.case_views}
        self.tables.update({v.name: v.tables for v in self.event_views})
        self.generations = {
            name: self.store.current_generation(name, tables)
            for name, tables in self.tables.items()
        }
        self.processor = self._new_processor()

    def _new_processor(self) -> BatchProcessor:
        return BatchProcessor(
            self.case_views,
            self.event_views,
            load_case=lambda i, v: self.app.repository.get(UUID(i), version=v),
            list_cases=self._ledger_versions,
            known_version=self._ledger_version,
        )

    def _ledger_version(self, case_id: str) -> int | None:
        table = self.store.table("ledger", "ledger_cases", self.generations["ledger"])
        rows = self.store.fetch(f"SELECT version FROM {table} WHERE case_id = ?", [case_id])
        return int(rows[0]["version"]) if rows else None

    def _ledger_versions(self, _position: int) -> dict[str, int]:
        """For a calendar change: every case at the version this view holds (not the log's
        version at the event's position, which other partitions may already have passed)."""
        table = self.store.table("ledger", "ledger_cases", self.generations["ledger"])
        rows = self.store.fetch(f"SELECT case_id, version FROM {table}", [])
        return {str(r["case_id"]): int(r["version"]) for r in rows}

    def offsets(self, partitions: Iterable[int]) -> dict[int, int | None]:
        """The next offset to read per partition, as committed with the views."""
        found = {}
        for partition in partitions:
            name = offset_tracking_name(self.group, self.topic, partition)
            stored = self.store.max_tracking_id(name)  # type: ignore[attr-defined]
            found[partition] = None if stored is None else int(stored)
        return found

    def revoked(self) -> None:
        """Partitions moved: cached cases may be changed by another instance meanwhile."""
        self.processor = self._new_processor()

    def apply(self, records: Sequence[tuple[int, int, bytes]]) -> int:
        """Applies (partition, offset, value) records in one transaction; returns events used."""
        if not records:
            return 0
        batch: list[DecodedEvent] = []
        last_offset: dict[int, int] = defaultdict(int)
        for partition, offset, value in records:
            batch.append(decode(self.app, Envelope.parse(value).notification()))
            last_offset[partition] = max(last_offset[partition], offset + 1)
        trackings = [
            Tracking(offset_tracking_name(self.group, self.topic, p), o)
            for p, o in last_offset.items()
        ]
        try:
            changes = self.processor.process(batch, {})
            self.store.write(changes, self.tables, self.generations, trackings=trackings)
        except Exception:
            self.processor = self._new_processor()
            raise
        return len(batch)
