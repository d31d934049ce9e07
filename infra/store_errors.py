"""Which database errors mean the store is busy or out of reach for now, not a fault of ours.

A write lock held past the busy timeout (another process's long transaction on SQLite, the
library's table lock on PostgreSQL), a lost connection, a full or failing disk: the request
could not be served *now*, and the same request may be served in a moment. They answer 503
(``api/problems.py``), not the 500 of a bug. A statement the database refuses as written (a
missing table, a syntax error) is a bug and stays a 500: SQLite raises those as the same
``OperationalError`` class, told apart by their result code.
"""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing import persistence

# SQLite's primary result codes for a busy or unreachable database (the low byte of an
# extended code): BUSY, LOCKED, NOMEM, IOERR, FULL, CANTOPEN, PROTOCOL.
SQLITE_UNAVAILABLE = frozenset({5, 6, 7, 10, 13, 14, 15})

# The classes a handler is registered for; ``unavailable`` judges each instance.
OPERATIONAL_ERRORS: tuple[type[Exception], ...] = (
    persistence.OperationalError,
    psycopg.OperationalError,
    sqlite3.OperationalError,
)


def unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or the driver's error the library wrapped in it) says the database
    is busy or cannot be reached."""
    if isinstance(error, persistence.PersistenceError) and error.__cause__ is not None:
        error = error.__cause__
    if isinstance(error, psycopg.OperationalError):
        return True  # connection, pool and lock timeouts; a bad statement is a ProgrammingError
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in SQLITE_UNAVAILABLE
    return False
