"""`banli consume projections`: the same read models as the embedded runner, fed from Kafka.

Several instances share the topic's partitions through a consumer group. Each poll's events go
through the same ``BatchProcessor`` as the log runner; the view changes and the consumed offset
of every partition in the batch are written in one transaction (the library's tracking table,
one row per partition), and on assignment each partition resumes after its stored offset, so a
crash or a rebalance redelivers nothing twice. Events re-published by a restarted relay are
dropped by the case version the batch already reached, else the one the ledger holds.

The tamper chain is not fed from Kafka: it hashes the event store's own order, which partitions
do not keep; it stays with the log runner beside the store.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence

from eventsourcing.persistence import Tracking

from consumers.envelope import Envelope
from infra.application import BanliApplication
from infra.partitions import partition_of
from infra.positions import consumer_offsets, kafka_calendar_name, kafka_offset_name
from infra.view_feed import decode, loader
from infra.view_store import ViewStoreBase
from projections import ledger, registry
from projections.core import Table
from projections.processor import BatchProcessor, DecodedEvent

log = logging.getLogger(__name__)


class KafkaProjections:
    """Applies batches of Kafka records to the active generations of the Kafka-fed views.

    A case's rows are only ever written by the instance owning the case's partition: the
    events of a case arrive there in order, and so does any recomputation of its rows. When
    the stored calendar (R-D7) is newer than the one a partition's cases were derived with,
    the owner derives every case of that partition again, in the transaction that records the
    new calendar version for the partition.
    """

    def __init__(
        self,
        app: BanliApplication,
        store: ViewStoreBase,
        group: str,
        topic: str,
        cache_size: int = 500_000,
    ):
        self.app = app
        self.store = store
        self.group = group
        self.topic = topic
        self.cache_size = cache_size
        self.tables: dict[str, Sequence[Table]] = registry.views(kafka_fed=True).tables()
        self.generations = {
            name: self.store.current_generation(name, tables)
            for name, tables in self.tables.items()
        }
        self.partitions: list[int] = []
        self.partition_count = 0
        self.processor = self._new_processor()

    def _new_processor(self) -> BatchProcessor:
        return BatchProcessor(
            registry.views(kafka_fed=True),
            load_case=loader(self.app),
            list_cases=None,  # calendar changes: see ``_stale_partitions``
            cache_size=self.cache_size,
            known_version=self._ledger_version,
        )

    def _ledger_version(self, case_id: str) -> int | None:
        return ledger.case_version(self.store, case_id, self.generations[ledger.NAME])

    def _owned_cases(self, partitions: set[int]) -> dict[str, int]:
        """The cases of ``partitions`` at the version this view holds (all of them applied by
        this instance, the partitions' one writer)."""
        held = ledger.case_versions(self.store, self.generations[ledger.NAME])
        return {
            case_id: version
            for case_id, version in held.items()
            if partition_of(case_id, self.partition_count) in partitions
        }

    def _stale_partitions(self, calendar_version: int) -> set[int]:
        stale = set()
        for partition in self.partitions:
            name = kafka_calendar_name(self.group, self.topic, partition)
            derived = self.store.max_tracking_id(name)
            if (derived or 0) < calendar_version:
                stale.add(partition)
        return stale

    def assigned(self, partitions: Sequence[int], partition_count: int) -> None:
        self.partitions = list(partitions)
        self.partition_count = partition_count

    def offsets(self, partitions: Iterable[int]) -> dict[int, int | None]:
        """The next offset to read per partition, as committed with the views."""
        return consumer_offsets(self.store, self.group, self.topic, partitions)

    def revoked(self) -> None:
        """Partitions moved: cached cases may be changed by another instance meanwhile."""
        self.partitions = []
        self.processor = self._new_processor()

    def apply(self, records: Sequence[tuple[int, int, bytes]]) -> int:
        """Applies (partition, offset, value) records in one transaction; returns events used.

        Called after every poll, with no records too: a calendar loaded meanwhile is caught up
        on the partitions this instance owns even when they carry no new events.
        """
        calendar_version = self.app.stored_calendar.version_at(None)
        stale = self._stale_partitions(calendar_version) if self.partition_count else set()
        if not records and not stale:
            return 0
        batch: list[DecodedEvent] = []
        last_offset: dict[int, int] = defaultdict(int)
        for partition, offset, value in records:
            batch.append(decode(self.app, Envelope.parse(value).notification()))
            last_offset[partition] = max(last_offset[partition], offset + 1)
        trackings = [
            Tracking(kafka_offset_name(self.group, self.topic, p), o)
            for p, o in last_offset.items()
        ]
        trackings += [
            Tracking(kafka_calendar_name(self.group, self.topic, p), calendar_version)
            for p in sorted(stale)
        ]
        try:
            changes = self.processor.process(
                batch,
                {},
                calendar=self.app.stored_calendar.of_version(calendar_version),
                recompute=self._owned_cases(stale) if stale else None,
            )
            self.store.write(changes, self.tables, self.generations, trackings=trackings)
        except Exception:
            self.processor = self._new_processor()
            raise
        return len(batch)
