"""Embedded notices: the reminders' work (``consumers/reminders.py``) driven from the event
store's notification log instead of Kafka, in a thread of ``banli serve``.

It reads the log from its own tracked position (``infra/positions.py``), notices what the cases
it touched owe, and records the new position in the same transaction; now and then it sweeps
the ledger (time alone makes deadlines due) and makes the week's digest; and after each round it
delivers what no channel has accepted yet. A crash between noticing and recording is harmless:
notices are insert-only, so reading the same events again adds nothing.

The cases are judged as the page of the log leaves them, those whose newest event it holds:
the page's events are applied to the cases held from earlier pages with the aggregate's own
``mutate`` (the views' batch processor), so a case is read from the store only when first met
(or dropped from the cache) and each event is decoded once. Reading each touched case's whole
stream back from the store every round was a fifth of a serving worker's GIL time under a
steady command load (py-spy, issue 13).
"""

from __future__ import annotations

import logging
import threading
import time

from eventsourcing.persistence import Tracking

from consumers.reminders import Reminders
from domain.case import Case
from infra.application import BanliApplication
from infra.positions import notices_log_name
from infra.view_feed import decode, loader
from infra.view_store import ViewStoreBase
from projections.core import Views
from projections.processor import BatchProcessor

log = logging.getLogger(__name__)
CASE_TOPIC = "domain.case:Case."
BATCH = 500
# After a round, commits are gathered this long before the next: a round per command would read
# a case from the store once per event (a busy case has several a second) and write a
# transaction each time; a second later, a round reads each case touched once. Notices are about
# days, and a proposer's link notice may well take a second.
GATHER_SECONDS = 1.0
# Cases held between rounds: those worked on lately (a case dropped is read again when met).
CASES_HELD = 2_000


class NoticesFollower:
    def __init__(
        self,
        reminders: Reminders,
        app: BanliApplication,
        store: ViewStoreBase,
        sweep_seconds: float,
        poll_seconds: float = 1.0,
        gate: threading.Lock | None = None,
        gather_seconds: float = GATHER_SECONDS,
    ) -> None:
        self.reminders = reminders
        self.app = app
        self.store = store
        self.sweep_seconds = sweep_seconds
        self.poll_seconds = poll_seconds
        self.gather_seconds = gather_seconds
        self.gate = gate or threading.Lock()  # a round runs only while it holds the gate
        self.cases = BatchProcessor(
            Views(case=(), event=()), load_case=loader(app), list_cases=None, cache_size=CASES_HELD
        )
        self._last_sweep = float("-inf")
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="banli-notices", daemon=True)
        app.saved_listeners.append(self.notify)

    def position(self) -> int:
        return self.store.max_tracking_id(notices_log_name()) or 0

    def follow_once(self) -> bool:
        """Notices one batch of the log past the tracked position; False when there was none."""
        page = self.app.recorder.select_notifications(start=self.position() + 1, limit=BATCH)
        if not page:
            return False
        events = [decode(self.app, e) for e in page if e.topic.startswith(CASE_TOPIC)]
        # A round that fails after this leaves the held cases ahead of the tracked position:
        # the next reads the page again, and a case held at another version than an event
        # continues is read from the store at the version before it (``BatchProcessor``).
        moved = self.cases.fold(events)
        cases = [case for case in moved.values() if isinstance(case, Case)]
        # Judged against today, a case as this page leaves it would owe what its later events
        # (further on in a backlog: a bulk load, a restart) meet: it is judged on the page that
        # holds its newest event.
        newest = self.app.index.latest_versions([str(case.id) for case in cases])
        cases = [case for case in cases if case.version >= newest.get(str(case.id), 0)]
        self.reminders.notice_cases(cases, [Tracking(notices_log_name(), page[-1].id)])
        return True

    def round(self) -> int:
        """Everything due now: the log, a sweep and the digest when their time came, delivery."""
        while self.follow_once():
            pass
        if time.monotonic() - self._last_sweep >= self.sweep_seconds:
            self.reminders.sweep()
            self.reminders.weekly_digest()
            self._last_sweep = time.monotonic()
        return self.reminders.deliver()

    def notify(self, position: int) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                with self.gate:
                    self.round()
            except Exception:  # the store or a channel failed: the next round tries again
                log.exception("notices round failed; retrying")
            if self._stop.wait(self.gather_seconds):
                break
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
