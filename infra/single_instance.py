"""One active instance of a singleton process (the relay): an advisory lock held while it runs.

PostgreSQL: ``pg_try_advisory_lock`` on a dedicated connection (released if the process dies),
unlocked before that connection closes.
Embedded: an exclusive ``flock`` on a file in the data folder (released by the kernel likewise).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from infra.private_files import private_file
from infra.settings import Settings


class AlreadyRunning(RuntimeError):
    pass


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def single_instance(settings: Settings, name: str) -> Iterator[None]:
    if settings.database_url:
        key = _key(name)
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if not row or not row[0]:
                raise AlreadyRunning(f"another {name} holds the lock")
            try:
                yield
            finally:
                # Unlocked before the connection closes: a closed connection's server process
                # lets its locks go only as it exits, a moment later, and a successor started
                # at once (a restart) was refused meanwhile. If the server is gone, so is the lock.
                with contextlib.suppress(psycopg.Error):
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
        return
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    path = private_file(Path(settings.data_dir) / f"{safe}.lock")
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(f"another {name} holds {path}") from None
        yield
