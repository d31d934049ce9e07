"""How a process that does not keep the views learns that they moved: read-your-writes across
processes without polling the store.

A view store on PostgreSQL announces the positions each write tracked, with the write
(``NOTIFY`` in its transaction, so heard only once committed; ``ViewStoreBase.write``). A
``ViewWatch`` listens on a connection of its own, in a thread, and remembers the highest
position announced per tracking name; a reader waits on it for the names it needs. What was
announced was committed, so a wait that ends on it never ends early. A notification can still
be missed (the connection dropped and came back): the waiter looks in the store again every
``recheck_seconds``, and that is also all it does on SQLite, which has no notifications.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from psycopg import sql

from infra.connections import connect_like
from infra.read_models import PostgresViewStore
from infra.view_store import ViewStoreBase

log = logging.getLogger(__name__)
READY_SECONDS = 2.0
LISTEN_SECONDS = 1.0  # how long one wait for notifications lasts before the stop flag is read


def heard(payload: str) -> dict[str, int]:
    """The positions an announcement (``infra.read_models.announcement``) names; none for an
    empty or foreign payload."""
    try:
        found: Any = json.loads(payload) if payload else {}
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): v for k, v in found.items() if isinstance(v, int)}


class ViewWatch:
    def __init__(self, store: ViewStoreBase, recheck_seconds: float = 0.5) -> None:
        self.store = store
        self.recheck_seconds = recheck_seconds
        self._announced: dict[str, int] = {}
        self._moved = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        if isinstance(store, PostgresViewStore):
            self._thread = threading.Thread(target=self._listen, name="banli-view-watch")
            self._thread.daemon = True
            self._thread.start()
            # Announcements made before the LISTEN are not heard: a first wait would end only
            # on its recheck.
            self._ready.wait(timeout=READY_SECONDS)

    @property
    def listening(self) -> bool:
        return self._thread is not None

    def heard(self, names: Iterable[str], position: int) -> bool:
        """Whether every tracking name in ``names`` was announced at ``position`` or beyond
        (committed, so a reader needs no look in the store)."""
        with self._moved:
            return all(self._announced.get(name, 0) >= position for name in names)

    def wait(self, names: Iterable[str], position: int, timeout: float) -> bool:
        """Until every tracking name in ``names`` was announced at ``position`` or beyond (True),
        or at most ``min(timeout, recheck_seconds)`` (False: look in the store again)."""
        wanted = list(names)

        def reached() -> bool:
            return all(self._announced.get(name, 0) >= position for name in wanted)

        budget = max(0.0, min(timeout, self.recheck_seconds))
        if not self.listening:
            time.sleep(min(budget, 0.005))  # SQLite: the store is the only news (polled)
            return False
        with self._moved:
            return self._moved.wait_for(reached, timeout=budget)

    def close(self) -> None:
        """Stops listening (within a second: the listener looks at its flag that often)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=LISTEN_SECONDS + 1)

    def _listen(self) -> None:
        assert isinstance(self.store, PostgresViewStore)
        channel = self.store.views_channel
        while not self._stop.is_set():
            conn: Any = None
            try:
                conn = connect_like(self.store.datastore)
                conn.autocommit = True
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                self._ready.set()
                while not self._stop.is_set():
                    for note in conn.notifies(timeout=LISTEN_SECONDS):
                        self._remember(heard(note.payload))
            except Exception:  # the store went away: waiters fall back on their rechecks
                if self._stop.is_set():
                    return
                log.warning("view watch lost its connection; listening again", exc_info=True)
                self._stop.wait(1.0)
            finally:
                if conn is not None:
                    conn.close()

    def _remember(self, positions: dict[str, int]) -> None:
        if not positions:
            return
        with self._moved:
            for name, position in positions.items():
                if position > self._announced.get(name, 0):
                    self._announced[name] = position
            self._moved.notify_all()
