"""Embedded mode: keeps the read models current in a background thread of the service.

Commands wake the thread when they commit; readers that must see their own writes wait for the
views they read to pass a given notification position (read-your-writes, API.md § Running).
A view stopped by an event it cannot apply is reported to its readers at once (``ViewStopped``)
instead of being waited for; the other views and every command carry on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from infra.application import BanliApplication
from infra.projection_runner import ProjectionRunner
from infra.view_store import ViewFailure, ViewStoreBase

log = logging.getLogger(__name__)


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
    ) -> None:
        self.app = app
        self.store = store
        self.cache_size = cache_size
        self.runner = self._new_runner()
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._progress = threading.Condition()
        self.positions: dict[str, int] = {}
        self.stopped: dict[str, ViewFailure] = {}
        self._publish()
        self.last_error: Exception | None = None
        self._thread = threading.Thread(target=self._loop, name="banli-projections", daemon=True)
        app.saved_listeners.append(self.notify)

    def _new_runner(self) -> ProjectionRunner:
        return ProjectionRunner(self.app, self.store, cache_size=self.cache_size)

    @property
    def position(self) -> int:
        """How far every view has come (a stopped one holds this back)."""
        return min(self.positions.values(), default=0)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def notify(self, position: int) -> None:
        self._wake.set()

    def catch_up(self) -> int:
        """Processes everything in the log now (in the caller's thread); returns the position."""
        while self.runner.run_batch():
            self._publish()
        self._publish()
        return self.position

    def _publish(self) -> None:
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
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def wait_for(
        self, position: int, views: Iterable[str] | None = None, timeout: float = 10.0
    ) -> bool:
        """Blocks until ``views`` (all when None) have processed ``position``; False on timeout.

        Raises ``ViewStopped`` at once when one of them stopped before reaching it.
        """
        names = list(views) if views is not None else None

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
