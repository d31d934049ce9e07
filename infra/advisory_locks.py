"""PostgreSQL session advisory locks, each held on a connection of its own: one relay per
store and topic (``infra/single_instance.py``), one log runner per views database
(``infra/leadership.py``). The lock lasts as long as its session, so a holder that dies lets
it go with its connection."""

from __future__ import annotations

import contextlib
import hashlib

import psycopg


def lock_key(name: str) -> int:
    """The lock's 64-bit key: the first 8 bytes of the name's SHA-256, signed."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def let_go(conn: psycopg.Connection[object]) -> None:
    """Unlocks the connection's advisory locks, then closes it. Closing alone is not enough:
    a closed connection's server process lets its locks go only as it exits, a moment later,
    and a successor started at once (a relay restarted, a standby taking over) was refused
    meanwhile. If the server is gone, so are the locks."""
    with contextlib.suppress(psycopg.Error):
        conn.execute("SELECT pg_advisory_unlock_all()")
    conn.close()
