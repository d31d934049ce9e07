"""`banli consume reminders`: due-soon and overdue notices (R-S1, R-S3), each exactly once.

Events from Kafka say which cases changed; the case is read from the event store and its
deadlines judged for today. A periodic sweep does the same for every case with a deadline due
soon or overdue in the ledger, since time alone turns a pending deadline into an overdue one.
A notice is keyed by (case, deadline, status): inserting it is idempotent, in the same
transaction as the consumed Kafka offsets. Delivery to the configured webhook follows the
commit and is retried until the receiver answers 2xx; the notice id travels as the
``Idempotency-Key`` header, so a receiver sees a repeated delivery for what it is. The notices
table and its reads are ``projections/notices.py``; here is the driving.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from consumers.envelope import Envelope
from domain.case import Case
from infra.application import BanliApplication
from infra.positions import consumer_offsets, kafka_offset_name
from infra.view_store import ViewStoreBase
from projections import ledger
from projections.core import Row
from projections.notices import NAME, NOTICES, mark_delivered, notices_for, undelivered
from projections.processor import ViewChanges

log = logging.getLogger(__name__)


class Reminders:
    def __init__(
        self,
        app: BanliApplication,
        store: ViewStoreBase,
        group: str,
        topic: str,
        today: Callable[[], date],
        webhook: Callable[[Row], bool] | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.group = group
        self.topic = topic
        self.today = today
        self.webhook = webhook
        # Never ``current_generation``: that would trade delivery marks for a new layout.
        self.generation = store.active_generation(NAME) or store.create_generation(
            NAME, (NOTICES,), activate=True
        )

    def _notices(self, case_ids: Iterable[str]) -> list[Row]:
        calendar = self.app.calendar()
        rows: list[Row] = []
        for case_id in sorted(set(case_ids)):
            case: Aggregate = self.app.repository.get(UUID(case_id))
            if isinstance(case, Case):
                rows += notices_for(case, calendar, self.today())
        return rows

    def _insert_new(self, rows: list[Row], trackings: Sequence[Tracking] = ()) -> None:
        """Inserts notices not yet known (never touching one) with the offsets, atomically."""
        changes = {NAME: ViewChanges(append={NOTICES.name: rows})}
        self.store.write(changes, {NAME: (NOTICES,)}, {NAME: self.generation}, list(trackings))

    def assigned(self, partitions: Sequence[int], partition_count: int) -> None:
        """Notices are keyed by the case they concern, whichever instance noticed them."""

    def apply(self, records: Sequence[tuple[int, int, bytes]]) -> None:
        """Kafka records (partition, offset, value): notices for the cases they touch."""
        if not records:
            return
        case_ids = {Envelope.parse(value).originator_id for _, _, value in records}
        last: dict[int, int] = {}
        for partition, offset, _ in records:
            last[partition] = max(last.get(partition, 0), offset + 1)
        trackings = [
            Tracking(kafka_offset_name(self.group, self.topic, p), o) for p, o in last.items()
        ]
        self._insert_new(self._notices(case_ids), trackings)

    def sweep(self) -> None:
        """Time passes without events: every case with a deadline due soon or late, today."""
        soon = date.fromordinal(self.today().toordinal() + 7)
        try:
            due = ledger.cases_due_by(self.store, soon, unmet_on=self.today())
        except LookupError:
            return  # no ledger yet: nothing is known to be due
        self._insert_new(self._notices(due))

    def deliver(self) -> int:
        """Posts undelivered notices to the webhook; marks each once the receiver took it."""
        if self.webhook is None:
            return 0
        delivered = 0
        for row in undelivered(self.store, self.generation):
            if self.webhook(row):
                mark_delivered(self.store, self.generation, row["notice_id"], datetime.now(UTC))
                delivered += 1
        return delivered

    def revoked(self) -> None:
        """Nothing cached between batches."""

    def offsets(self, partitions: Iterable[int]) -> dict[int, int | None]:
        return consumer_offsets(self.store, self.group, self.topic, partitions)


def http_webhook(url: str, timeout: float = 10.0) -> Callable[[Row], bool]:
    def post(notice: Row) -> bool:
        request = urllib.request.Request(
            url,
            data=json.dumps(notice, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": notice["notice_id"]},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return 200 <= int(response.status) < 300
        except OSError as error:
            log.warning("webhook delivery failed, will retry: %s", error)
            return False

    return post
