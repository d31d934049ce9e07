"""The running service's parts, as the API and the entry points hold them (``banli.compose``
builds them)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from infra.accounts import Accounts
from infra.application import BanliApplication
from infra.clock import utc_now
from infra.directory import Directory
from infra.documents import DocumentStore
from infra.embedded import EmbeddedProjections, ViewStopped
from infra.proposer_links import ProposerLinks
from infra.sessions import Sessions
from infra.settings import Settings
from infra.telemetry import READ_WAIT_SECONDS
from infra.verify_runs import VerifyRuns
from infra.view_store import ViewStoreBase
from projections.audit_trail import has_event_at

# Seconds ``close`` waits for a verification under way before the stores close under it (its
# row then goes stale and reads as abandoned).
RUN_WAIT_AT_CLOSE = 30.0


@dataclass
class Services:
    settings: Settings
    app: BanliApplication
    directory: Directory
    views: ViewStoreBase
    projections: EmbeddedProjections | None
    accounts: Accounts
    sessions: Sessions
    links: ProposerLinks  # R-F4: proposers' personal links
    documents: DocumentStore  # the bytes of documents on cases, by SHA-256
    # Background work that stops with the service (the embedded notices follower).
    on_close: list[Callable[[], None]] = field(default_factory=list)
    # Held while a bulk load writes a case's history in many transactions (the demo year):
    # notices judged on a half-loaded case would tell a unit of deadlines it met long ago.
    notices_gate: threading.Lock = field(default_factory=threading.Lock)

    def views_current(
        self, views: Iterable[str] | None = None, timeout: float = 10.0, *, head: int | None = None
    ) -> bool:
        """Read-your-writes: wait until ``views`` (all when None) include every event committed
        so far, or up to ``head``, the log's head as the caller already read it during this
        request (one query fewer, and no wait for what was committed since). Raises
        ``ViewStopped`` at once for a view stopped by an event it cannot apply.

        Fed from Kafka, views advance per partition, so the check is that the newest event (a
        caller's own last write lands there) is in the audit view, written in the same
        transaction as the case views; earlier events of that case share its partition.

        Timed into ``banli_read_wait_seconds``, refusals and timeouts included.
        """
        started = time.perf_counter()
        try:
            if head is None:
                head = self.app.recorder.max_notification_id() or 0
            return self._views_current(views, timeout, head)
        finally:
            READ_WAIT_SECONDS.observe(time.perf_counter() - started)

    def views_heard(self, views: Iterable[str], position: int) -> bool:
        """Whether ``views`` are known to hold ``position`` without a query (what the view
        keeper of this process did or announced); False when that is not known here, as
        always when Kafka feeds the views."""
        return self.projections is not None and self.projections.heard(position, views)

    def _views_current(self, views: Iterable[str] | None, timeout: float, head: int) -> bool:
        if self.projections is not None:
            return self.projections.wait_for(head, views, timeout=timeout)
        wanted = set(views) if views is not None else None
        for failure in self.views.failures():
            if wanted is None or failure.view in wanted:
                raise ViewStopped(failure)
        deadline = time.monotonic() + timeout
        while not self._has_applied(head):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _has_applied(self, position: int) -> bool:
        return position == 0 or has_event_at(self.views, position)

    @cached_property
    def verify_runs(self) -> VerifyRuns:
        """The verifications this process runs in the background (their rows are every
        worker's to read). Stopping waits a while for one under way: its answer is kept."""
        runs = VerifyRuns(self.app.index, utc_now)
        self.on_close.append(lambda: runs.wait(RUN_WAIT_AT_CLOSE))
        return runs

    def close(self) -> None:
        """Stops the background work, then closes the event store's and the views' database
        connections (their pools' threads with them): a test process that starts many
        services once ended with a hundred pool threads and their connections still open."""
        for stop in self.on_close:
            stop()
        self.on_close.clear()  # closed twice (a lifespan's end, then a test's): stopped once
        if self.projections is not None:
            self.projections.stop()
        self.app.close()
        self.views.close()
