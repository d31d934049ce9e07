"""Embedded mode: keeps the read models current in a background thread of the service, in
exactly one process of all those sharing the store.

That process (the *leader*) holds the store's log-runner lock (``infra/leadership.py``): a
dedicated ``banli projections follow``, or the one API worker that took it. The others stand
by and take over if the leader dies. The leader wakes when a command commits in its own process,
or in any other (``infra/log_watch.py``).

Readers that must see their own writes wait for the views they read to pass a notification
position (read-your-writes, API.md § Running): in the leader on the positions it publishes, in
any other process on the positions the store has tracked, woken by the leader's announcements
(``infra/view_watch.py``) rather than polling. A view stopped by an event it cannot apply is
reported to its readers at once (``ViewStopped``) instead of being waited for; the other views
and every command carry on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from infra.application import BanliApplication
from infra.leadership import Leadership
from infra.log_watch import LogWatcher
from infra.positions import view_position_name
from infra.projection_runner import ProjectionRunner
from infra.view_store import ViewFailure, ViewStoreBase
from infra.view_watch import ViewWatch
from projections.registry import NAMES

log = logging.getLogger(__name__)

# How often a process standing by tries to become the leader.
TAKEOVER_SECONDS = 2.0
# How long a reader standing by waits for the keeper before it looks for a stopped view.
FAILURES_AFTER_SECONDS = 0.05


class ViewStopped(RuntimeError):
    def __init__(self, failure: ViewFailure) -> None:
        self.failure = failure
        super().__init__(
            f"read model {failure.view!r} stopped at event position {failure.position} "
            f"({failure.error}); the other read models and all commands keep working"
        )


class EmbeddedProjections:
    def __init__(
        self,
        app: BanliApplication,
        store: ViewStoreBase,
        poll_seconds: float = 1.0,
        cache_size: int = 500_000,
        *,
        leadership: Leadership | None = None,
        watch: bool = False,
    ) -> None:
        """``leadership`` None: this process is the only one (tests, one-process serving).
        ``watch``: wake on commits of other processes too."""
        self.app = app
        self.store = store
        self.cache_size = cache_size
        self.leadership = leadership
        self.poll_seconds = poll_seconds
        self.runner: ProjectionRunner | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._progress = threading.Condition()
        self.positions: dict[str, int] = {}
        self.stopped: dict[str, ViewFailure] = {}
        self.last_error: Exception | None = None
        self._watch: ViewWatch | None = None  # standing by: made by the first wait
        self._watch_lock = threading.Lock()
        self._on_lead: list[Callable[[], object]] = []
        self._lead_lock = threading.Lock()
        if self._lead():
            self._publish()
        self._threads = [threading.Thread(target=self._loop, name="banli-projections", daemon=True)]
        if watch:
            self._threads.append(
                threading.Thread(target=self._watch_log, name="banli-log-watch", daemon=True)
            )
        app.saved_listeners.append(self.notify)

    @property
    def leading(self) -> bool:
        return self.runner is not None

    def _lead(self) -> bool:
        """Becomes the leader if the lock is free; answers whether this process leads."""
        lock = self.leadership
        if self.runner is None and (lock is None or lock.try_acquire(again=True)):
            self.runner = self._new_runner()
            if self.leadership is not None:
                log.info("this process keeps the read models now")
            self._led()
        return self.runner is not None

    def when_leading(self, start: Callable[[], object]) -> None:
        """Runs ``start`` once this process keeps the views: now if it does, else when it
        takes them over (the work that goes with them: the notices)."""
        with self._lead_lock:
            if self.runner is None:
                self._on_lead.append(start)
                return
        start()

    def _led(self) -> None:
        with self._lead_lock:
            starts, self._on_lead = self._on_lead, []
        for start in starts:
            start()

    def _new_runner(self) -> ProjectionRunner:
        return ProjectionRunner(self.app, self.store, cache_size=self.cache_size)

    @property
    def position(self) -> int:
        """How far every view has come (a stopped one holds this back)."""
        return min(self.positions.values(), default=0)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=10)
        if self._watch is not None:
            self._watch.close()
        if self.leadership is not None:
            self.leadership.release()

    def notify(self, position: int) -> None:
        # Standing by, a commit is no reason to try for the lead (that is on a timer).
        if self.leading:
            self._wake.set()

    def catch_up(self) -> int:
        """Processes everything in the log now (in the caller's thread); returns the position."""
        if not self._lead():
            return self.position
        runner = self.runner
        assert runner is not None
        # A short batch read up to the head as it was: everything committed before the call.
        while runner.run_batch() >= runner.batch_size:
            self._publish()
        self._publish()
        return self.position

    def _publish(self) -> None:
        assert self.runner is not None
        positions = {name: p or 0 for name, p in self.runner.positions().items()}
        stopped = {f.view: f for f in self.runner.failures()}
        with self._progress:
            self.positions = positions
            self.stopped = stopped
            self._progress.notify_all()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.catch_up()
                self.last_error = None
            except Exception as error:  # keep serving; the next wake retries from the store
                self.last_error = error
                log.exception("projection batch failed; retrying")
                self.runner = self._new_runner()
            wait = self.poll_seconds if self.leading else TAKEOVER_SECONDS
            self._wake.wait(wait)
            self._wake.clear()

    def _watch_log(self) -> None:
        # Only the leader has anything to wake: standing by, listening would only take in a
        # notification per commit of every process.
        while not self.leading:
            if self._stop.wait(TAKEOVER_SECONDS):
                return
        watcher = LogWatcher(self.app)
        try:
            while not self._stop.is_set():
                watcher.wait(1.0)
                if self.leading:
                    self._wake.set()
        finally:
            watcher.close()

    def wait_for(
        self, position: int, views: Iterable[str] | None = None, timeout: float = 10.0
    ) -> bool:
        """Blocks until ``views`` (all when None) have processed ``position``; False on timeout.

        Raises ``ViewStopped`` at once when one of them stopped before reaching it.
        """
        names = list(views) if views is not None else None
        if not self.leading:
            return self._wait_in_store(position, names or list(NAMES), timeout)

        def reached() -> bool:
            wanted = names if names is not None else list(self.positions)
            for name in wanted:
                if self.positions.get(name, 0) >= position:
                    continue
                if name in self.stopped:
                    raise ViewStopped(self.stopped[name])
                return False
            return True

        with self._progress:
            if reached():
                return True
        self._wake.set()
        with self._progress:
            return self._progress.wait_for(reached, timeout=timeout)

    def heard(self, position: int, views: Iterable[str]) -> bool:
        """Whether ``views`` are known to hold ``position`` without asking the store: the
        leader's own positions, or, standing by, what the leader announced. False is no
        answer (an announcement not heard yet), only no knowledge."""
        names = list(views)
        if self.leading:
            with self._progress:
                return all(self.positions.get(name, 0) >= position for name in names)
        generations, tracking = self._readers_tracking(names)
        return len(generations) == len(names) and self._standby_watch().heard(tracking, position)

    def _readers_tracking(self, names: list[str]) -> tuple[list[tuple[str, int]], list[str]]:
        """The views' generations as readers resolve them (those made yet), and the names
        their positions are tracked and announced under."""
        generations = [(n, g) for n in names if (g := self.store.readers_generation(n))]
        return generations, [view_position_name(n, g) for n, g in generations]

    def _wait_in_store(self, position: int, names: list[str], timeout: float) -> bool:
        """Standing by: the positions the leader tracked in the store (one query a look) and
        the failures it recorded; between looks, its announcements of what it wrote."""
        deadline = time.monotonic() + timeout
        watch = self._standby_watch()
        # A live keeper reaches a new position within milliseconds: the failures (two
        # queries) are looked at only once a reader has waited a little, then every recheck.
        failures_due = time.monotonic() + FAILURES_AFTER_SECONDS
        while True:
            generations, tracking = self._readers_tracking(names)
            # Announced is committed: most reads end here, without a query. A view that
            # reached the position has every event the reader needs, stopped or not.
            if len(generations) == len(names) and watch.heard(tracking, position):
                return True
            found = self.store.positions(generations)
            if len(found) == len(names) and all((p or 0) >= position for p in found.values()):
                return True
            now = time.monotonic()
            if now >= failures_due:
                failures_due = now + watch.recheck_seconds
                for failure in self.store.failures():  # a view that stopped is not waited for
                    if failure.view in names:
                        raise ViewStopped(failure)
            left = deadline - now
            if left <= 0:
                return False
            if len(generations) < len(names):  # a view not made yet: nothing to listen for
                time.sleep(min(left, 0.05))
                continue
            if watch.wait(tracking, position, min(left, max(failures_due - now, 0.001))):
                return True
            # Otherwise look in the store again: an announcement missed, a new generation.

    def _standby_watch(self) -> ViewWatch:
        with self._watch_lock:
            if self._watch is None:
                self._watch = ViewWatch(self.store)
            return self._watch
