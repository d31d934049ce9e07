"""The read-model store on each database, and the choice between them (composition helper).

Each is the library's tracking recorder of its database with ``ViewStoreBase`` in front; the
SQL they share lives there, what differs (placeholders, schemas, what text can hold) here.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import psycopg
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from infra.connections import connect_like
from infra.private_files import private_file
from infra.settings import Settings
from infra.text_index import PostgresTextIndex, SQLiteTextIndex, union_all
from infra.view_store import Cursor, Datastore, ViewStoreBase, physical
from projections.core import Row, Table, TextMatch


def dict_rows(names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[Row]:
    """``rows`` as dicts by column name. A name given twice (``p.*`` beside a column of the
    same name) keeps its first column, as reading a row by name always has."""
    if len(set(names)) == len(names):
        return [dict(zip(names, row, strict=True)) for row in rows]
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        first.setdefault(name, i)
    take = itemgetter(*first.values())
    picked = list(first)
    if len(picked) == 1:
        return [{picked[0]: take(row)} for row in rows]
    return [dict(zip(picked, take(row), strict=True)) for row in rows]


class SQLiteViewStore(ViewStoreBase, SQLiteTrackingRecorder):
    dialect = "sqlite"
    placeholder = "?"

    def __init__(self, datastore: SQLiteDatastore) -> None:
        SQLiteTrackingRecorder.__init__(self, datastore)
        with self._ddl_lock():
            self.create_table()
            self._ensure_generation_table()

    def _datastore(self) -> Datastore:
        return self.datastore

    def _tracking_table(self) -> str:
        return "tracking"  # the library's SQLite tracking table

    @contextmanager
    def _ddl_lock(self) -> Iterator[None]:
        """An exclusive ``flock`` on a file beside the database (none for a database in memory,
        which no other process can open)."""
        pool = self.datastore.pool
        if pool.is_sqlite_memory_mode:
            yield
            return
        with private_file(Path(f"{pool.db_name}.ddl.lock")).open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    @contextmanager
    def _index_sorting(self, c: Cursor) -> Iterator[None]:
        """With helper threads: SQLite sorts on the calling thread alone unless told it may
        use more (``PRAGMA threads``, 0 by default), and a rebuild's index builds run after
        the fill, one after another, with every other core idle. Measured: two indexes over
        1.1M rows (as many as the audit trail's at 10⁶ events) in 1.35–1.46 s with two threads
        against 1.68–1.73 s with none. Set back after: the connection goes back to the pool."""
        c.execute(f"PRAGMA threads = {os.cpu_count() or 1}")
        try:
            yield
        finally:
            c.execute("PRAGMA threads = 0")

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        """The rows as dicts made from plain tuples: ``dict`` over the library's
        ``sqlite3.Row`` looks each name up again, comparing it with every column in turn. A
        台账 page of the demo year (50 cases and their deadlines, some 50 columns) took 3.0–3.5
        ms of CPU to read against 4.2–4.4 ms (alternated runs)."""
        with self._tx(commit=False) as c:
            cursor: sqlite3.Cursor = cast(SQLiteCursor, c).sqlite_cursor
            cursor.row_factory = None
            cursor.execute(sql, params)
            if cursor.description is None:
                return []
            return dict_rows([d[0] for d in cursor.description], cursor.fetchall())

    def _create_text_index(self, c: Cursor, table: Table, generation: int) -> None:
        SQLiteTextIndex.create(c, physical(table.name, generation), table)

    def _drop_view_table(self, c: Cursor, table: Table, generation: int) -> None:
        SQLiteTextIndex.drop(c, physical(table.name, generation))
        super()._drop_view_table(c, table, generation)

    def matching(self, *matches: TextMatch) -> list[Row]:
        return self.fetch(
            *union_all(SQLiteTextIndex.query(self.table(m.table), m) for m in matches)
        )


class PostgresViewStore(ViewStoreBase, PostgresTrackingRecorder):
    dialect = "postgres"
    placeholder = "%s"
    # PostgreSQL builds indexes of different tables at once, a server process each. This
    # machine's cores stand in for the server's (measured, 10⁶ events, 2 cores: a rebuild's
    # index builds took 3.7 / 4.1 s on two connections against 6.0 / 5.4 s on one).
    index_builders = min(os.cpu_count() or 1, 4)

    def _cell(self, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL. Input refuses it now, but an event stored before
        # that must not wedge a view for good: the read model shows U+FFFD where the stored
        # event (bytea, unchanged) has NUL.
        if isinstance(value, str) and "\x00" in value:
            return value.replace("\x00", "\ufffd")
        return value

    def __init__(self, datastore: PostgresDatastore) -> None:
        PostgresTrackingRecorder.__init__(self, datastore, tracking_table_name="view_tracking")
        # Where writes announce their positions (``infra/view_watch.py``): one channel per
        # schema, named by a digest since a channel name is at most 63 bytes.
        digest = hashlib.sha256(datastore.schema.encode()).hexdigest()[:24]
        self.views_channel = f"banli_views_{digest}"
        with self._ddl_lock():
            self.create_table()
            self._ensure_generation_table()

    @contextmanager
    def _ddl_lock(self) -> Iterator[None]:
        """An advisory lock per schema, as the event store's recorder takes for its own DDL
        (``infra/recorders.py``): concurrent ``CREATE TABLE IF NOT EXISTS`` of one table fails
        in PostgreSQL with a duplicate type."""
        key = (f"banli-views-ddl:{self.datastore.schema}",)
        # A connection of its own: the statements inside take the pool's.
        with connect_like(self.datastore) as conn:
            conn.autocommit = True
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", key)
            yield

    def _datastore(self) -> Datastore:
        return self.datastore

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        """One statement on a pooled connection, outside ``_tx``: the library keeps its
        connections in autocommit, so a lone statement is a transaction (and a snapshot) of
        its own, and the BEGIN and ROLLBACK around it would be two more round trips per
        read, each a wake-up of a server process on a busy machine. The rows are made
        dicts as they are read, not copied into dicts after."""
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=dict_row) as c:
            c.execute(sql.replace("?", "%s"), params)
            return c.fetchall()

    def _qualify(self, table: str) -> str:
        schema = self.datastore.schema
        return f'"{schema}".{table}' if schema else table

    def _tracking_table(self) -> str:
        return self._qualify(self.tracking_table_name)

    @contextmanager
    def _write_tx(self) -> Iterator[Cursor]:
        """psycopg's pipeline mode around the whole transaction: its BEGIN, a batch's DELETEs
        and INSERTs (two per table, some twenty tables), the tracking rows, the announcement
        and the COMMIT go out without a round trip each, which the view keeper spent most of
        a batch waiting on while commands ran. Reading the tracking rows' answers collects
        everything before them, the end of the pipeline the rest: two round trips a batch.
        BEGIN and COMMIT are plain statements in it (the library's connections are in
        autocommit): psycopg's own transaction block waits for the pipeline on entering and
        on leaving. Whatever fails, in the database or here, the transaction rolls back."""
        if not psycopg.Pipeline.is_supported():  # a libpq older than 14: one statement at a time
            with self._tx(commit=True) as c:
                yield c
            return
        with self.datastore.get_connection() as conn:
            try:
                with conn.pipeline(), conn.cursor() as c:
                    c.execute("BEGIN")
                    yield c
                    c.execute("COMMIT")
            except BaseException:
                if conn.info.transaction_status != TransactionStatus.IDLE:
                    conn.execute("ROLLBACK")
                raise

    def _track_all(self, cursor: Cursor, trackings: Sequence[Tracking]) -> None:
        """Every view's position in one statement: the library's tracking statement (insert
        the row, or move it forward only) for all rows at once. One statement instead of one
        per view, each a round of psycopg's work for the view keeper: timed alone, a batch's
        tracking took 240-270 us of client CPU instead of 430-550. The answer is checked as
        the library checks each: a row missing from it did not move forward, and the
        transaction rolls back."""
        if not self.datastore.single_row_tracking:
            super()._track_all(cursor, trackings)
            return
        if not trackings:
            return
        rows = ", ".join(["(%s, %s)"] * len(trackings))
        table = self._tracking_table()
        # A cursor of its own: in a pipeline, psycopg attaches each answer to the cursor that
        # sent its statement when it reads it, so on the batch's cursor the answer of an
        # INSERT sent before, read while this one was sent, would be taken for this one's.
        with cast("psycopg.Cursor[Any]", cursor).connection.cursor() as own:
            own.execute(
                f"INSERT INTO {table} (application_name, notification_id) VALUES {rows} "
                "ON CONFLICT (application_name) DO UPDATE "
                "SET notification_id = EXCLUDED.notification_id "
                f"WHERE {table}.notification_id < EXCLUDED.notification_id "
                "RETURNING application_name",
                [value for t in trackings for value in (t.application_name, t.notification_id)],
            )
            moved = {row["application_name"] for row in own.fetchall()}
        for tracking in trackings:
            if tracking.application_name not in moved:
                raise IntegrityError(
                    f"Failed to record tracking for {tracking.application_name} "
                    f"{tracking.notification_id}"
                )

    def _announce(self, cursor: Cursor, trackings: Sequence[Tracking]) -> None:
        cursor.execute("SELECT pg_notify(%s, %s)", (self.views_channel, announcement(trackings)))

    def _create_text_index(self, c: Cursor, table: Table, generation: int) -> None:
        name = physical(table.name, generation)
        PostgresTextIndex.create(c, name, self._qualify(name), table)

    def matching(self, *matches: TextMatch) -> list[Row]:
        return self.fetch(
            *union_all(PostgresTextIndex.query(self.table(m.table), m) for m in matches)
        )


# PostgreSQL refuses a notification payload of 8,000 bytes or more; a longer announcement is
# sent empty, which tells listeners only that something moved (they look in the store).
MAX_ANNOUNCEMENT = 7_000


def announcement(trackings: Sequence[Tracking]) -> str:
    """The payload of a write's notification: each tracking name and its new position."""
    payload = json.dumps({t.application_name: t.notification_id for t in trackings})
    return payload if len(payload.encode()) <= MAX_ANNOUNCEMENT else ""


# What ``build_view_store`` answers: either store, with the library's tracking methods.
ViewStore = SQLiteViewStore | PostgresViewStore


def build_view_store(settings: Settings, env: dict[str, str] | None = None) -> ViewStore:
    """SQLite views beside the embedded event store, or tables in the PostgreSQL database."""
    env = env if env is not None else settings.eventsourcing_env()
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        datastore = PostgresDatastore(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"],
            schema=env.get("POSTGRES_SCHEMA", ""),
            # As the event store's: API threads read views concurrently (the library's
            # default for a datastore of its own is a single connection).
            pool_size=5,
            max_overflow=10,
        )
        return PostgresViewStore(datastore)
    views = private_file(settings.data_dir / "views.sqlite3")
    return SQLiteViewStore(SQLiteDatastore(str(views)))
