"""`banli consume reminders`: due-soon and overdue notices (R-S1, R-S3), each exactly once.

Events from Kafka say which cases changed; the case is read from the event store and its
deadlines judged for today. A periodic sweep does the same for every case with a deadline due
soon or overdue in the ledger and not yet noticed overdue (``cases_to_sweep``), since time alone
turns a pending deadline into an overdue one.
A notice is keyed by (case, deadline, status): inserting it is idempotent, in the same
transaction as the consumed Kafka offsets. Delivery to the configured webhook follows the
commit and is retried until the receiver answers 2xx; the notice id travels as the
``Idempotency-Key`` header, so a receiver sees a repeated delivery for what it is. The notices
table and its reads are ``projections/notices.py``; here is the driving.

Issue 12 adds the notifications of ``projections/notifications.py``, noticed in the same
transaction: a reply issued, to the proposer through their link (R-F4); each deadline notice,
to the unit that owes it; a weekly digest, to the office. Each goes by e-mail when it has an
address and by the webhook, each channel retried until it accepts, each acceptance recorded
once. ``consumers/notices_follower.py`` drives the same work from the log when embedded.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from consumers.envelope import Envelope
from domain.case import Case
from domain.deadlines.case_deadlines import case_deadlines
from infra.application import BanliApplication
from infra.positions import consumer_offsets, kafka_offset_name
from infra.recorders import LATEST
from infra.unit_names import UnitNames
from infra.view_store import ViewStoreBase
from projections import notifications as n
from projections.core import Row
from projections.notices import (
    NAME,
    NOTICES,
    cases_to_sweep,
    mark_delivered,
    notices_for,
    undelivered,
)
from projections.processor import ViewChanges

log = logging.getLogger(__name__)
# Notice rows remembered as written: a few per case, for the cases of a busy stretch.
KNOWN_WRITTEN = 100_000


class Reminders:
    def __init__(
        self,
        app: BanliApplication,
        store: ViewStoreBase,
        group: str,
        topic: str,
        today: Callable[[], date],
        webhook: Callable[[Row], bool] | None = None,
        mail: Callable[[Row], bool] | None = None,
        emails: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.group = group
        self.topic = topic
        self.today = today
        self.webhook = webhook
        self.mail = mail
        self.emails = dict(emails or {})  # unit code or "office" → address
        # Never ``current_generation``: that would trade delivery marks for a new layout.
        self.generation = store.active_generation(NAME) or store.create_generation(
            NAME, (NOTICES,), activate=True
        )
        self.messages = store.active_generation(n.NAME) or store.create_generation(
            n.NAME, n.TABLES, activate=True
        )
        # Rows known to be in the two insert-only tables (once there, always there): each
        # round notices again what every touched case owes, and sending those rows again was
        # most of a round's statements (issue 13). Kept after their transaction commits.
        self._written: OrderedDict[tuple[str, str], None] = OrderedDict()

    def _stored(self, case_ids: Iterable[str]) -> list[Case]:
        """The cases as the store holds them now."""
        found: list[Case] = []
        for case_id in sorted(set(case_ids)):
            # From the store: this process's command cache would hold a case as first read.
            case: Aggregate = self.app.repository.get(UUID(case_id), version=LATEST)
            if isinstance(case, Case):
                found.append(case)
        return found

    def _notices(self, cases: Iterable[Case]) -> tuple[list[Row], list[Row]]:
        """The deadline notices the cases owe today, and every notification (theirs too)."""
        calendar = self.app.calendar()
        today = self.today()
        # A round names the same few units for many cases: each name is read once a round
        # (a read a notice was a tenth of the embedded notices' time, issue 13).
        names = UnitNames(self.app)
        rows: list[Row] = []
        messages: list[Row] = []
        for case in sorted(cases, key=lambda c: str(c.id)):
            deadlines = case_deadlines(case, calendar, today)
            due = notices_for(case, deadlines, today)
            rows += due
            messages += n.deadline_messages(case, due, self.emails, names.name)
            messages += n.reply_notices(case, today, names.name)
            messages += n.rehandling_notices(case, deadlines, today, self.emails, names.name)
            messages += n.reminder_notices(case, deadlines, today, self.emails, names.name)
            messages += n.extension_notices(case, today, self.emails, names.name)
        return rows, messages

    def _insert_new(
        self,
        found: tuple[list[Row], list[Row]],
        trackings: Sequence[Tracking] = (),
    ) -> None:
        """Inserts notices not yet known (never touching one) with the offsets, atomically."""
        rows, messages = (
            self._not_written(NOTICES.name, found[0]),
            self._not_written(n.NOTIFICATIONS.name, found[1]),
        )
        changes = {
            NAME: ViewChanges(append={NOTICES.name: rows}),
            n.NAME: ViewChanges(append={n.NOTIFICATIONS.name: messages}),
        }
        tables = {NAME: (NOTICES,), n.NAME: n.TABLES}
        generations = {NAME: self.generation, n.NAME: self.messages}
        self.store.write(changes, tables, generations, list(trackings))
        for table, written in ((NOTICES.name, rows), (n.NOTIFICATIONS.name, messages)):
            for row in written:
                self._written[(table, row["notice_id"])] = None
        while len(self._written) > KNOWN_WRITTEN:
            self._written.popitem(last=False)

    def _not_written(self, table: str, rows: list[Row]) -> list[Row]:
        fresh = []
        for row in rows:
            key = (table, row["notice_id"])
            if key in self._written:
                self._written.move_to_end(key)
            else:
                fresh.append(row)
        return fresh

    def notice(self, case_ids: Iterable[str], trackings: Sequence[Tracking] = ()) -> None:
        """Notices what ``case_ids`` owe today, with the positions they were read up to."""
        self.notice_cases(self._stored(case_ids), trackings)

    def notice_cases(self, cases: Iterable[Case], trackings: Sequence[Tracking] = ()) -> None:
        """Notices what ``cases`` (as the log up to ``trackings`` leaves them) owe today."""
        self._insert_new(self._notices(cases), trackings)

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
        self.notice(case_ids, trackings)

    def sweep(self) -> None:
        """Time passes without events: every case with a deadline due soon or late today and
        not yet noticed overdue (``cases_to_sweep``)."""
        soon = date.fromordinal(self.today().toordinal() + 7)
        try:
            due = cases_to_sweep(self.store, self.generation, soon, unmet_on=self.today())
        except LookupError:
            return  # no ledger yet: nothing is known to be due
        self.notice(due)

    def weekly_digest(self) -> None:
        """The office's digest of this week, once (the first call of a new week makes it)."""
        try:
            digest = n.weekly_digest(self.store, self.today(), self.emails)
        except LookupError:
            return  # no ledger yet: nothing to sum up
        self._insert_new(([], digest))

    def deliver(self) -> int:
        """Sends undelivered notices by each channel; marks each once the channel took it."""
        delivered = 0
        if self.webhook is not None:
            for row in undelivered(self.store, self.generation):
                if self.webhook(row):
                    now = datetime.now(UTC)
                    mark_delivered(self.store, self.generation, row["notice_id"], now)
                    delivered += 1
        for channel, send in (("webhook", self.webhook), ("email", self.mail)):
            if send is None:
                continue
            for row in n.undelivered(self.store, self.messages, channel):
                if send(row):
                    now = datetime.now(UTC)
                    n.mark_delivered(self.store, self.messages, row["notice_id"], channel, now)
                    delivered += 1
        return delivered

    def revoked(self) -> None:
        """Nothing to drop: the rows known written are in the store whichever consumer of
        the group wrote them."""

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
