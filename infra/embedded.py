"""Embedded mode: keeps the read models current in a background thread of the service.

Commands wake the thread when they commit; readers that must see their own writes wait for the
views to pass a given notification position (read-your-writes, API.md § Running).
"""

from __future__ import annotations

import logging
import threading

from infra.application import BanliApplication
from infra.projection_runner import ProjectionRunner
from infra.view_store import ViewStoreBase

log = logging.getLogger(__name__)


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
        self.position = min((p or 0) for p in self.runner.positions().values())
        self.last_error: Exception | None = None
        self._thread = threading.Thread(target=self._loop, name="banli-projections", daemon=True)
        app.saved_listeners.append(self.notify)

    def _new_runner(self) -> ProjectionRunner:
        return ProjectionRunner(self.app, self.store, cache_size=self.cache_size)

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
        with self._progress:
            self.position = min((p or 0) for p in self.runner.positions().values())
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

    def wait_for(self, position: int, timeout: float = 10.0) -> bool:
        """Blocks until every view has processed ``position``; False on timeout."""
        if self.position >= position:
            return True
        self._wake.set()
        with self._progress:
            return self._progress.wait_for(lambda: self.position >= position, timeout=timeout)
