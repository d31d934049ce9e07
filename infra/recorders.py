"""Application recorders that write two side tables in the *same* transaction as the events.

- ``banli_event_index``: one row per stored event — notification id, case id, version, event
  type and the server's ``recorded_at``. The library reconstructs an aggregate only by version;
  this index turns "as of a timestamp" (R-X3) into "as of a version" with one indexed lookup,
  and it stays readable when the events themselves are encrypted at rest.
- ``banli_idempotency``: the first answer to each ``Idempotency-Key``. Written with the events it
  answers, so a crash can never leave events without their key (a retried command would write
  them twice) or a key without its events.
- ``banli_event_requests``: the id of the HTTP request that wrote an event (``X-Request-ID``),
  to find a request's log lines from its events and back. Not in the index, whose rows the
  tamper chain hashes as they were first made.
- ``banli_login_failures``: failed password logins of the last half hour (the lockout of
  API.md § Users and sessions). Not events: an unauthenticated caller must not be able to grow
  the append-only log, and the rows are pruned. Written on its own, outside event transactions.
- ``banli_verify_runs``: verifications run in the background, their progress and answer
  (``infra/verify_runs.py``), for every worker to read. Not events either: a read's bookkeeping.

The library passes keyword arguments of ``Application.save`` down to its recorder; that is the
seam used here (selected with the library's ``APPLICATION_RECORDER_TOPIC`` setting). On SQLite
the rows ride in the library's transaction (``_insert_events``); on PostgreSQL the whole write is
one call of a database function (``insert_events``), one round trip instead of some ten.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import (
    InterfaceError,
    Notification,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composable, Composed, Identifier

from projections.core import IndexFacts


@dataclass(frozen=True)
class IndexRow:
    """What the recorder cannot read from an (possibly encrypted) stored event."""

    event_type: str
    recorded_at: str  # ISO 8601 UTC; sorts as text


@dataclass(frozen=True)
class IdempotencyRow:
    key: str
    request_hash: str
    response: str  # JSON of the first answer, without notification positions


# One stored event and its index row (None where the event has none).
IndexedNotification = tuple[Notification, IndexFacts | None]

# The index row's columns beside a stored event's, renamed apart from the event's own.
INDEX_COLUMNS = (
    "i.originator_id AS index_originator_id, i.originator_version AS index_version, "
    "i.event_type AS index_event_type, i.recorded_at AS index_recorded_at"
)


def _index_facts(row: Any) -> IndexFacts | None:
    if row["index_originator_id"] is None:
        return None
    return IndexFacts(
        str(row["index_originator_id"]),
        int(row["index_version"]),
        str(row["index_event_type"]),
        str(row["index_recorded_at"]),
    )


def _index_of(stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[IndexRow]:
    """The index rows ``Application.save`` was given: none, or one for every event."""
    index: Sequence[IndexRow] = kwargs.get("banli_index", ())
    if index and len(index) != len(stored_events):
        msg = "banli_index must describe every stored event"
        raise ValueError(msg)
    return index


def _rows(
    stored_events: Sequence[StoredEvent], ids: Sequence[int] | None, kwargs: dict[str, Any]
) -> list[tuple[int, str, int, str, str]]:
    index = _index_of(stored_events, kwargs)
    if not index or ids is None:
        return []
    if len(ids) != len(stored_events):
        msg = f"got {len(ids)} notification ids for {len(stored_events)} events"
        raise ValueError(msg)
    return [
        (nid, str(s.originator_id), s.originator_version, row.event_type, row.recorded_at)
        for nid, s, row in zip(ids, stored_events, index, strict=True)
    ]


def _request_rows(ids: Sequence[int] | None, kwargs: dict[str, Any]) -> list[tuple[int, str]]:
    """The request that wrote each event, when a request did (not a load, a migration)."""
    request: str | None = kwargs.get("banli_request")
    return [(nid, request) for nid in ids or ()] if request else []


# "Up to the newest version": asking the repository for a version bypasses its cache.
LATEST = 2**62

# The events that began a stream, by type: which streams of a kind exist (every unit), and
# where the newest of them are in the log (``IndexQueries.newest_starts``).
STARTS_INDEX = (
    "CREATE INDEX IF NOT EXISTS banli_event_index_starts "
    "ON banli_event_index (event_type, notification_id) WHERE originator_version = 1"
)

# ``{}``: the table's name (qualified by its schema on PostgreSQL). One running row at a time,
# whichever worker took the request.
VERIFY_RUNS = [
    "CREATE TABLE IF NOT EXISTS {} (run_id text PRIMARY KEY, started_by text NOT NULL, "
    "started_at text NOT NULL, status text NOT NULL, stage text, done bigint NOT NULL, "
    "total bigint NOT NULL, heartbeat text NOT NULL, finished_at text, result text, error text)",
    "CREATE UNIQUE INDEX IF NOT EXISTS banli_verify_runs_running ON {} (status) "
    "WHERE status = 'running'",
    "CREATE INDEX IF NOT EXISTS banli_verify_runs_started ON {} (started_at)",
]

SQLITE_SIDE_TABLES = [
    "CREATE TABLE IF NOT EXISTS banli_event_index ("
    "notification_id INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
    "originator_version INTEGER NOT NULL, event_type TEXT NOT NULL, recorded_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS banli_event_index_case_time "
    "ON banli_event_index (originator_id, recorded_at)",
    STARTS_INDEX,
    "CREATE TABLE IF NOT EXISTS banli_idempotency ("
    "key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, response TEXT NOT NULL)",
    # Beside the index, not in it: the tamper chain hashes index rows as they were first made.
    "CREATE TABLE IF NOT EXISTS banli_event_requests ("
    "notification_id INTEGER PRIMARY KEY, request_id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS banli_login_failures ("
    "username TEXT NOT NULL, failed_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS banli_login_failures_user "
    "ON banli_login_failures (username, failed_at)",
    "CREATE INDEX IF NOT EXISTS banli_login_failures_time ON banli_login_failures (failed_at)",
    *(statement.format("banli_verify_runs") for statement in VERIFY_RUNS),
]


class IndexedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *SQLITE_SIDE_TABLES]

    def notifications_from(self, start: int, limit: int) -> list[IndexedNotification]:
        """``select_notifications(start, limit)`` with each event's index row, in one
        statement (the view keeper reads each batch so, where it made two reads)."""
        statement = (
            f"SELECT e.rowid AS position, e.originator_id, e.originator_version, e.topic, "
            f"e.state, {INDEX_COLUMNS} FROM {self.events_table_name} e "
            "LEFT JOIN banli_event_index i ON i.notification_id = e.rowid "
            "AND i.notification_id >= ? WHERE e.rowid >= ? ORDER BY e.rowid LIMIT ?"
        )
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, (start, start, limit))
            return [
                (
                    Notification(
                        id=row["position"],
                        originator_id=self.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    ),
                    _index_facts(row),
                )
                for row in c.fetchall()
            ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        rows = _rows(stored_events, ids, kwargs)
        if rows:
            c.executemany("INSERT INTO banli_event_index VALUES (?, ?, ?, ?, ?)", rows)
        requests = _request_rows(ids, kwargs)
        if requests:
            c.executemany("INSERT INTO banli_event_requests VALUES (?, ?)", requests)
        key: IdempotencyRow | None = kwargs.get("banli_idempotency")
        if key is not None:
            c.execute(
                "INSERT INTO banli_idempotency VALUES (?, ?, ?)",
                (key.key, key.request_hash, key.response),
            )
        return ids


class IndexedPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(self.datastore.schema) if self.datastore.schema else None
        self.index_table = self._qualified(schema, "banli_event_index")
        self.idempotency_table = self._qualified(schema, "banli_idempotency")
        self.requests_table = self._qualified(schema, "banli_event_requests")
        failures = self._qualified(schema, "banli_login_failures")
        events = self._qualified(schema, self.events_table_name)
        self.select_indexed_notifications = SQL(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
            + INDEX_COLUMNS
            + " FROM {} e LEFT JOIN {} i ON i.notification_id = e.notification_id "
            # The index side bounded too: psycopg prepares the statement, and PostgreSQL may
            # then keep one generic plan for every start, which merged the join from the
            # index's first row (a scan of the whole index per batch: 132 ms at 470k events).
            "AND i.notification_id >= %(start)s "
            "WHERE e.notification_id >= %(start)s ORDER BY e.notification_id LIMIT %(limit)s"
        ).format(events, self.index_table)
        self.insert_function = self._qualified(schema, "banli_insert_events")
        # Composed once: every command runs it.
        self.invoke_insert = SQL("SELECT {}(%b, %b, %b, %b, %s, %s, %s, %s, %s, %s) AS ids").format(
            self.insert_function
        )
        self.sql_create_statements += [
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (notification_id bigint PRIMARY KEY, "
                "originator_id text NOT NULL, originator_version bigint NOT NULL, "
                "event_type text NOT NULL, recorded_at text NOT NULL)"
            ).format(self.index_table),
            SQL("CREATE INDEX IF NOT EXISTS banli_event_index_case_time ON {} ").format(
                self.index_table
            )
            + SQL("(originator_id, recorded_at)"),
            SQL(STARTS_INDEX.replace("banli_event_index (", "{} (")).format(self.index_table),
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY, "
                "request_hash text NOT NULL, response text NOT NULL)"
            ).format(self.idempotency_table),
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (notification_id bigint PRIMARY KEY, "
                "request_id text NOT NULL)"
            ).format(self.requests_table),
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (username text NOT NULL, "
                "failed_at double precision NOT NULL)"
            ).format(failures),
            SQL("CREATE INDEX IF NOT EXISTS banli_login_failures_user ON {} ").format(failures)
            + SQL("(username, failed_at)"),
            SQL("CREATE INDEX IF NOT EXISTS banli_login_failures_time ON {} ").format(failures)
            + SQL("(failed_at)"),
            *(
                SQL(statement).format(self._qualified(schema, "banli_verify_runs"))
                for statement in VERIFY_RUNS
            ),
            self._create_insert_function(events),
        ]

    def _create_insert_function(self, events: Composable) -> Composed:
        """A command's whole write as one statement: the library's own steps (the lock that
        keeps commit order equal to notification order, its NOTIFY, the insert), then the
        index, request and idempotency rows with the ids the insert drew.

        The library's pipelined transaction sends some ten statements, each costing psycopg
        about 0.1 ms of client CPU; one prepared call of this function costs one. It is the
        library's own ``enable_db_functions`` path, widened to the side tables."""
        return SQL(
            "CREATE OR REPLACE FUNCTION {function}(ids uuid[], versions bigint[], "
            "topics text[], states bytea[], event_types text[], recorded_at text[], "
            "request_id text, idempotency_key text, request_hash text, response text) "
            "RETURNS bigint[] LANGUAGE plpgsql AS $BODY$ "
            "DECLARE positions bigint[]; "
            "BEGIN "
            "SET LOCAL lock_timeout = '{lock_timeout}s'; "
            "LOCK TABLE {events} IN EXCLUSIVE MODE; "
            "NOTIFY {channel}; "
            # Ids are drawn in the order of the given events, so sorted they answer them.
            "WITH inserted AS (INSERT INTO {events} AS t "
            "(originator_id, originator_version, topic, state) "
            "SELECT g.originator_id, g.originator_version, g.topic, g.state "
            "FROM unnest(ids, versions, topics, states) WITH ORDINALITY "
            "AS g(originator_id, originator_version, topic, state, n) ORDER BY g.n "
            "RETURNING t.notification_id) "
            "SELECT array_agg(notification_id ORDER BY notification_id) INTO positions "
            "FROM inserted; "
            "IF event_types IS NOT NULL THEN "
            "INSERT INTO {index} SELECT positions[k], ids[k]::text, versions[k], "
            "event_types[k], recorded_at[k] FROM generate_subscripts(positions, 1) AS k; "
            "END IF; "
            "IF request_id IS NOT NULL THEN "
            "INSERT INTO {requests} SELECT unnest(positions), request_id; "
            "END IF; "
            "IF idempotency_key IS NOT NULL THEN "
            "INSERT INTO {idempotency} VALUES (idempotency_key, request_hash, response); "
            "END IF; "
            "RETURN positions; "
            "END; $BODY$"
        ).format(
            function=self.insert_function,
            lock_timeout=self.datastore.lock_timeout,
            events=events,
            channel=Identifier(self.channel_name),
            index=self.index_table,
            requests=self.requests_table,
            idempotency=self.idempotency_table,
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The events and their side-table rows in one transaction, as one statement."""
        if not stored_events:
            return None  # as the library: nothing written, not even an idempotency row
        index = _index_of(stored_events, kwargs)
        key: IdempotencyRow | None = kwargs.get("banli_idempotency")
        # Plain arrays, a column each: psycopg dumps them in C, where the library's array of
        # composite events was dumped as text in Python (4 % of a worker's time, py-spy).
        params = (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
            [row.event_type for row in index] if index else None,
            [row.recorded_at for row in index] if index else None,
            kwargs.get("banli_request") or None,
            key.key if key else None,
            key.request_hash if key else None,
            key.response if key else None,
        )
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.invoke_insert, params, prepare=True)
            row = curs.fetchone()
        ids = [int(i) for i in row["ids"]] if row is not None else []
        if len(ids) != len(stored_events):
            msg = f"got {len(ids)} notification ids for {len(stored_events)} events"
            raise ProgrammingError(msg)
        return ids

    def notifications_from(self, start: int, limit: int) -> list[IndexedNotification]:
        """``select_notifications(start, limit)`` with each event's index row, in one
        statement (the view keeper reads each batch so, where it made two round trips)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            params = {"start": start, "limit": limit}
            curs.execute(self.select_indexed_notifications, params, prepare=True)
            return [
                (
                    Notification(
                        id=row["notification_id"],
                        originator_id=row["originator_id"],
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=bytes(row["state"]),
                    ),
                    _index_facts(row),
                )
                for row in curs.fetchall()
            ]

    def create_table(self) -> None:
        """The library's DDL, one process at a time: every process runs it when it starts, those
        of the production shape start together, and PostgreSQL refuses concurrent DDL on one
        object ("tuple concurrently updated" from CREATE OR REPLACE FUNCTION on every start,
        a duplicate type or table on the first)."""
        key = (f"banli-ddl:{self.datastore.schema}",)
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", key)
            try:
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", key)

    @staticmethod
    def _qualified(schema: Identifier | None, table: str) -> Composable:
        if schema is None:
            return Identifier(table)
        return SQL("{}.{}").format(schema, Identifier(table))


class IndexQueries:
    """Reads of the side tables, shared by both recorders (only the SQL dialect differs)."""

    placeholder = "?"
    events_table: str  # the library's table of stored events, as a statement names it
    events_position: str  # its column of notification positions

    def _originator_id(self, stored: Any) -> Any:
        """An originator id as the library's own reads of the log answer it."""
        return stored

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        raise NotImplementedError

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        """A write to a side table in a transaction of its own (``?`` placeholders)."""
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.placeholder)

    def notifications_from(self, start: int, limit: int) -> list[IndexedNotification]:
        """Up to ``limit`` stored events from position ``start`` on, each with its index row."""
        raise NotImplementedError

    def version_at(self, originator_id: str, recorded_at: str) -> int | None:
        """R-X3: the case's last version recorded at or before ``recorded_at``."""
        rows = self._fetch(
            "SELECT MAX(originator_version) AS v FROM banli_event_index "
            "WHERE originator_id = ? AND recorded_at <= ?",
            (originator_id, recorded_at),
        )
        value = rows[0]["v"] if rows else None
        return None if value is None else int(value)

    def version_at_position(self, originator_id: str, position: int | None) -> int | None:
        """An aggregate's last version at or before log ``position`` (the newest when None)."""
        sql = "SELECT MAX(originator_version) AS v FROM banli_event_index WHERE originator_id = ?"
        params: list[Any] = [originator_id]
        if position is not None:
            sql += " AND notification_id <= ?"
            params.append(position)
        rows = self._fetch(sql, params)
        value = rows[0]["v"] if rows else None
        return None if value is None else int(value)

    def case_index(self, originator_id: str) -> list[dict[str, Any]]:
        rows = self._fetch(
            "SELECT notification_id, originator_version, event_type, recorded_at "
            "FROM banli_event_index WHERE originator_id = ? ORDER BY originator_version",
            (originator_id,),
        )
        return [dict(r) for r in rows]

    def requests_of(self, originator_id: str) -> dict[int, str]:
        """Version → the id of the request that wrote it, for a case's events written by one."""
        rows = self._fetch(
            "SELECT i.originator_version AS v, r.request_id FROM banli_event_index i "
            "JOIN banli_event_requests r ON r.notification_id = i.notification_id "
            "WHERE i.originator_id = ?",
            (originator_id,),
        )
        return {int(r["v"]): str(r["request_id"]) for r in rows}

    def idempotent_answer(self, key: str) -> tuple[str, str] | None:
        rows = self._fetch(
            "SELECT request_hash, response FROM banli_idempotency WHERE key = ?", (key,)
        )
        return (rows[0]["request_hash"], rows[0]["response"]) if rows else None

    def originators_between(self, after: int, upto: int) -> set[str]:
        """The aggregates with an event after position ``after``, up to ``upto``."""
        rows = self._fetch(
            "SELECT DISTINCT originator_id FROM banli_event_index "
            "WHERE notification_id > ? AND notification_id <= ?",
            (after, upto),
        )
        return {str(r["originator_id"]) for r in rows}

    def latest_versions(self, originator_ids: Sequence[str]) -> dict[str, int]:
        """Each aggregate's newest version in the log (none for one without events)."""
        found: dict[str, int] = {}
        ids = list(originator_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._fetch(
                "SELECT originator_id, MAX(originator_version) AS v FROM banli_event_index "
                f"WHERE originator_id IN ({', '.join('?' * len(chunk))}) GROUP BY originator_id",
                chunk,
            )
            found.update({str(r["originator_id"]): int(r["v"]) for r in rows})
        return found

    def index_facts(
        self, after: int, upto: int | None = None, limit: int = 5000
    ) -> list[tuple[int, IndexFacts]]:
        """Index rows after position ``after`` (up to ``upto``), in position order, as stored."""
        rows = self._fetch(
            "SELECT notification_id, originator_id, originator_version, event_type, recorded_at "
            "FROM banli_event_index WHERE notification_id > ? AND notification_id <= ? "
            "ORDER BY notification_id LIMIT ?",
            (after, 2**62 if upto is None else upto, limit),
        )
        return [
            (
                int(r["notification_id"]),
                IndexFacts(
                    str(r["originator_id"]),
                    int(r["originator_version"]),
                    str(r["event_type"]),
                    str(r["recorded_at"]),
                ),
            )
            for r in rows
        ]

    def existing(self, originator_ids: Sequence[str]) -> set[str]:
        """Which of ``originator_ids`` have any stored event (an import's existence check)."""
        found: set[str] = set()
        for start in range(0, len(originator_ids), 500):
            chunk = list(originator_ids[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            rows = self._fetch(
                "SELECT DISTINCT originator_id FROM banli_event_index "
                f"WHERE originator_version = 1 AND originator_id IN ({marks})",
                chunk,
            )
            found.update(str(r["originator_id"]) for r in rows)
        return found

    def newest_starts(self, event_type: str, limit: int) -> list[Notification]:
        """The newest ``limit`` stored events of ``event_type`` that began their stream, newest
        first: a probe of an index, however long ago they were, and one statement."""
        rows = self._fetch(
            "SELECT i.notification_id, e.originator_id, e.originator_version, e.topic, e.state "
            f"FROM banli_event_index i JOIN {self.events_table} e "
            f"ON e.{self.events_position} = i.notification_id "
            "WHERE i.originator_version = 1 AND i.event_type = ? "
            "ORDER BY i.notification_id DESC LIMIT ?",
            (event_type, limit),
        )
        return [
            Notification(
                id=int(r["notification_id"]),
                originator_id=self._originator_id(r["originator_id"]),
                originator_version=int(r["originator_version"]),
                topic=str(r["topic"]),
                state=bytes(r["state"]),
            )
            for r in rows
        ]

    def first_of_type(self, event_type: str) -> list[str]:
        """The aggregates whose first event has this type (every unit: ``UnitCreated``)."""
        rows = self._fetch(
            "SELECT originator_id FROM banli_event_index WHERE originator_version = 1 "
            "AND event_type = ? ORDER BY notification_id",
            (event_type,),
        )
        return [str(r["originator_id"]) for r in rows]

    def notification_id(self, originator_id: str, version: int) -> int | None:
        rows = self._fetch(
            "SELECT notification_id FROM banli_event_index "
            "WHERE originator_id = ? AND originator_version = ?",
            (originator_id, version),
        )
        return int(rows[0]["notification_id"]) if rows else None


class SQLiteIndexQueries(IndexQueries):
    def __init__(self, recorder: IndexedSQLiteApplicationRecorder) -> None:
        self.recorder = recorder
        self.events_table = recorder.events_table_name
        self.events_position = "rowid"

    def notifications_from(self, start: int, limit: int) -> list[IndexedNotification]:
        return self.recorder.notifications_from(start, limit)

    def _originator_id(self, stored: Any) -> Any:
        return self.recorder.convert_originator_id(stored)

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(self._sql(sql), params)
            return list(c.fetchall())

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        with self.recorder.datastore.transaction(commit=True) as c:
            c.execute(self._sql(sql), params)


BARE_SIDE_TABLE = re.compile(r'(?<![\w".])banli_')


class PostgresIndexQueries(IndexQueries):
    placeholder = "%s"

    def __init__(self, recorder: IndexedPostgresApplicationRecorder) -> None:
        self.recorder = recorder
        schema = recorder.datastore.schema
        self.prefix = f'"{schema}".' if schema else ""
        self.events_table = f'{self.prefix}"{recorder.events_table_name}"'
        self.events_position = "notification_id"

    def notifications_from(self, start: int, limit: int) -> list[IndexedNotification]:
        return self.recorder.notifications_from(start, limit)

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """One statement on a pooled connection, outside a transaction: the library keeps its
        connections in autocommit, so a lone statement is its own snapshot, and a BEGIN and
        ROLLBACK around it were two more round trips (the view keeper's batches and every
        command read the index this way)."""
        sql = self._qualify(sql)
        with self.recorder.datastore.get_connection() as conn, conn.cursor() as c:
            c.execute(self._sql(sql).encode(), params)
            return list(c.fetchall())

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        sql = self._qualify(sql)
        with self.recorder.datastore.transaction(commit=True) as c:
            c.execute(self._sql(sql).encode(), params)

    def _qualify(self, sql: str) -> str:
        """The side tables' bare names in the schema (a name already quoted is left as is)."""
        return BARE_SIDE_TABLE.sub(f"{self.prefix}banli_", sql)


def index_queries(recorder: object) -> IndexQueries:
    if isinstance(recorder, IndexedSQLiteApplicationRecorder):
        return SQLiteIndexQueries(recorder)
    if isinstance(recorder, IndexedPostgresApplicationRecorder):
        return PostgresIndexQueries(recorder)
    msg = f"recorder {type(recorder).__name__} has no banli side tables"
    raise TypeError(msg)


def cases_at(queries: IndexQueries, position: int) -> dict[str, int]:
    """Every aggregate with its version as of notification ``position`` (for recomputation)."""
    return {uid: head.version for uid, head in case_heads_at(queries, position).items()}


@dataclass(frozen=True)
class CaseHead:
    version: int  # the aggregate's version as of a position
    position: int  # the position of the event that gave it that version


def case_heads_at(queries: IndexQueries, position: int) -> dict[str, CaseHead]:
    """Every aggregate with its last event as of notification ``position``."""
    rows = queries._fetch(
        "SELECT originator_id, MAX(originator_version) AS v, MAX(notification_id) AS p "
        "FROM banli_event_index WHERE notification_id <= ? GROUP BY originator_id",
        (position,),
    )
    return {str(r["originator_id"]): CaseHead(int(r["v"]), int(r["p"])) for r in rows}
