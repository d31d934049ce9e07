"""Waits until the event log may have grown, whichever process wrote to it: how a log runner in
one process learns at once of a command committed in another (the API's other workers).

PostgreSQL: the library's recorder issues ``NOTIFY`` on every insert; a connection of our own
``LISTEN``s to that channel. SQLite has no notifications: the head is looked at every
``poll_seconds`` (one indexed ``MAX`` query), and the wait ends when it moved.
"""

from __future__ import annotations

import time
from typing import Any

from psycopg import sql

from infra.application import BanliApplication
from infra.connections import connect_like
from infra.recorders import IndexedPostgresApplicationRecorder


class LogWatcher:
    def __init__(self, app: BanliApplication, poll_seconds: float = 0.02) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self._listening: Any = None
        self._head = app.recorder.max_notification_id() or 0
        recorder = app.recorder
        if isinstance(recorder, IndexedPostgresApplicationRecorder):
            conn = connect_like(recorder.datastore)
            conn.autocommit = True
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(recorder.channel_name)))
            self._listening = conn

    def wait(self, timeout: float) -> None:
        """Returns when an event may have been written since the last return, or after
        ``timeout`` seconds."""
        if self._listening is not None:
            for _ in self._listening.notifies(timeout=timeout, stop_after=1):
                pass
            return
        deadline = time.monotonic() + timeout
        while True:
            head = self.app.recorder.max_notification_id() or 0
            if head != self._head:
                self._head = head
                return
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(self.poll_seconds, left))

    def close(self) -> None:
        if self._listening is not None:
            self._listening.close()
            self._listening = None
