"""Connections of our own to the database of a library datastore, outside its pool: for what
must not share the pool (a lock held while the pool's connections work), and for processes
that must not use a pool made before they were forked."""

from __future__ import annotations

from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore


def connect_like(datastore: PostgresDatastore) -> psycopg.Connection[Any]:
    """A new connection to the database of the library's ``datastore``."""
    given = datastore.pool.kwargs
    kwargs = given() if callable(given) else dict(given or {})
    kwargs.pop("row_factory", None)
    return psycopg.connect(**kwargs)
