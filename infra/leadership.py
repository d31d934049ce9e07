"""One process of many does a job only one may do (the log runner that keeps the views): the
one holding a lock. The others stand by, try again now and then, and take over when the holder
dies, since its lock goes with it.

PostgreSQL: ``pg_try_advisory_lock`` on a connection of its own, in the views' database (held
as long as that session lives). SQLite: an exclusive ``flock`` on a file beside the views'
database (released by the kernel when the process dies).
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO, Any

import psycopg

from infra.advisory_locks import let_go, lock_key
from infra.connections import connect_like
from infra.private_files import private_file
from infra.read_models import PostgresViewStore, SQLiteViewStore
from infra.view_store import ViewStoreBase

# The log runner of a store: one per views database (schema, or SQLite file).
LOG_RUNNER = "log-runner"


class Leadership:
    """``try_acquire`` answers whether this process holds the lock (now or already)."""

    def __init__(self, store: ViewStoreBase, name: str = LOG_RUNNER) -> None:
        self.store = store
        self.name = name
        self._held: Any = None  # the connection or open file that holds the lock
        # The connection of a failed try, kept for the next when the caller said it would try
        # again soon (a standby, every couple of seconds): a PostgreSQL connection starts a
        # server process, too dear to pay for each try.
        self._trying: Any = None

    @property
    def held(self) -> bool:
        return self._held is not None

    def try_acquire(self, *, again: bool = False) -> bool:
        """``again``: the caller will try again soon if this fails (see ``_trying``)."""
        if self._held is None:
            self._held = self._try(again)
        return self._held is not None

    def _try(self, again: bool) -> Any:
        store = self.store
        if isinstance(store, PostgresViewStore):
            conn, self._trying = self._trying, None
            if conn is None or conn.closed:
                conn = connect_like(store.datastore)
                conn.autocommit = True
            key = lock_key(f"{self.name}:{store.datastore.schema}")
            try:
                row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            except Exception:
                conn.close()  # broken: the next try connects afresh
                raise
            if row and row[0]:
                return conn
            if again:
                self._trying = conn
            else:
                conn.close()
            return None
        if isinstance(store, SQLiteViewStore) and not store.datastore.pool.is_sqlite_memory_mode:
            path = private_file(Path(f"{store.datastore.pool.db_name}.{self.name}.lock"))
            handle: IO[str] = path.open("w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return None
            return handle
        return True  # a store no other process can open: this one is the only runner

    def release(self) -> None:
        held, self._held = self._held, None
        if isinstance(held, psycopg.Connection):
            let_go(held)
        elif held is not None and held is not True:
            held.close()
        trying, self._trying = self._trying, None
        if trying is not None:
            trying.close()
