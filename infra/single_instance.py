"""One active instance of a singleton process (the relay): an advisory lock held while it runs.

PostgreSQL: ``pg_try_advisory_lock`` on a dedicated connection (released if the process dies;
let go of at once when it stops, ``infra/advisory_locks.py``).
Embedded: an exclusive ``flock`` on a file in the data folder (released by the kernel likewise).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from infra.advisory_locks import let_go, lock_key
from infra.private_files import private_file
from infra.settings import Settings


class AlreadyRunning(RuntimeError):
    pass


@contextmanager
def single_instance(settings: Settings, name: str) -> Iterator[None]:
    if settings.database_url:
        conn = psycopg.connect(settings.database_url, autocommit=True)
        try:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),)).fetchone()
            if not row or not row[0]:
                raise AlreadyRunning(f"another {name} holds the lock")
            yield
        finally:
            let_go(conn)
        return
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    path = private_file(Path(settings.data_dir) / f"{safe}.lock")
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(f"another {name} holds {path}") from None
        yield
