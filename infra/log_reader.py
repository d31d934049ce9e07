"""Stored events with their time-index rows, read straight from the event store's tables.

What a rebuild's processes read: each opens its own connection (a connection never crosses a
fork), and reads either the whole log in log order, or the events of a set of aggregates case by
case (every event of one aggregate, in version order, before the next aggregate's). The library's
``select_notifications`` reads pages in log order only and builds a ``Notification`` per row;
these are the same rows, as ``Notification`` objects too, so decoding is the library's mapper's.

Aggregate ids come as text, as the views use them (``str(UUID)``): the mapper makes the ``UUID``
itself when an event is decoded (``find_id_convertor``), and an event that is never decoded (the
tamper chain's pass) never costs one (a ``UUID`` made and printed again was 12 µs an event).
SQLite stores them as 32 hex digits; they are spelled with hyphens here, once per aggregate
(``LogReader.spelled``), not by SQL for every row: ``substr`` and ``||`` cost 0.85 µs a row of
a read that takes 1.4 µs without them (the whole log at 10⁶ events, in log order or by case).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from functools import lru_cache
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import Notification

from infra.connections import connect_like
from infra.recorders import (
    IndexedNotification,
    IndexedPostgresApplicationRecorder,
    IndexedSQLiteApplicationRecorder,
)
from projections.core import IndexFacts
from projections.tamper_chain import StoredFacts

PAGE = 5000  # rows fetched at a time

# Aggregate ids spelled at a time (``LogReader.spelled``) by a reader of hex ids: the whole
# log's pass meets its cases interleaved, and a case's events are seldom further apart than
# this many others; a miss costs the spelling (1 µs), not a wrong answer.
SPELLED_IDS = 1 << 16


class LogReader:
    """Reads one event store's log. Made in the parent process; ``pages`` connects anew."""

    def __init__(
        self,
        connect: Callable[[], Any],
        events: str,
        index: str,
        *,
        position: str,
        placeholder: str,
        ids: str,
        hex_ids: bool = False,
    ) -> None:
        self._connect = connect
        self.events = events
        self.index = index
        self.position = position  # the column (or rowid) holding the notification id
        self.placeholder = placeholder
        # SQL reading the stored aggregate id ``{}`` as text
        self.ids = ids
        # True: that text is the library's SQLite spelling of a UUID, its 32 hex digits
        # (``UUID.hex``), which ``spelled`` writes as ``str(UUID)`` does (the views' spelling)
        self.hex_ids = hex_ids
        self.spelled: Callable[[str], str] = _hyphenated() if hex_ids else str

    def _select(self, with_index: bool) -> str:
        stored = (
            f"SELECT s.{self.position}, {self.ids.format('s.originator_id')}, "
            "s.originator_version, s.topic, s.state"
        )
        if not with_index:
            return f"{stored} FROM {self.events} s WHERE s.{self.position} <= {self.placeholder}"
        return (
            f"{stored}, i.originator_id, i.originator_version, "
            f"i.event_type, i.recorded_at FROM {self.events} s LEFT JOIN {self.index} i "
            f"ON i.notification_id = s.{self.position} "
            f"WHERE s.{self.position} <= {self.placeholder}"
        )

    def _ids_clause(self) -> str:
        if self.placeholder == "?":
            return " AND s.originator_id IN (SELECT value FROM json_each(?))"
        return " AND s.originator_id = ANY(%s::uuid[])"

    def originators(self, upto: int) -> list[str]:
        """Every aggregate with an event at or before position ``upto``, as stored (what
        ``case_rows`` takes)."""
        sql = f"SELECT DISTINCT originator_id FROM {self.events} WHERE {self.position} <= "
        with closing(self._connect()) as conn:
            rows = conn.execute(sql + self.placeholder, (upto,)).fetchall()
        return [str(r[0]) for r in rows]

    def stored_id(self, text: str) -> str:
        """An aggregate id as the views spell it (``str(UUID)``) as the store holds it, for
        ``case_rows``' ``originators``."""
        return UUID(text).hex if self.hex_ids else text

    def pages(self, upto: int, *, with_index: bool = True) -> Iterator[list[IndexedNotification]]:
        """Every event up to position ``upto`` in log order; without their index rows (None)
        unless ``with_index``."""
        sql = self._select(with_index) + f" ORDER BY s.{self.position}"
        for rows in self._fetched(sql, [upto]):
            yield [self._row(r) for r in rows]

    def case_rows(self, upto: int, originators: Sequence[str]) -> Iterator[Sequence[Sequence[Any]]]:
        """The events of ``originators`` (as stored: ``stored_id``) up to position ``upto``,
        case by case (each aggregate's events in version order), as the stored rows
        ``(position, aggregate id as stored, version, topic, state)``, a page at a time, for
        ``view_feed.decoded_runs``, which spells each aggregate's id once (``spelled``): no
        object per row here."""
        sql = self._select(False) + self._ids_clause()
        sql += " ORDER BY s.originator_id, s.originator_version"
        ids = json.dumps(list(originators)) if self.placeholder == "?" else originators
        yield from self._fetched(sql, [upto, ids])

    def stored_facts(self, upto: int) -> Iterator[list[StoredFacts]]:
        """The whole log up to position ``upto`` in log order, as the tamper chain hashes it:
        plain tuples, no object per event (``StoredFacts``)."""
        sql = self._select(True) + f" ORDER BY s.{self.position}"
        spelled = self.spelled
        for rows in self._fetched(sql, [upto]):
            yield [(r[0], spelled(r[1]), r[2], r[3], bytes(r[4]), _index_facts(r)) for r in rows]

    def _fetched(self, sql: str, params: list[Any]) -> Iterator[Sequence[Sequence[Any]]]:
        """The rows of ``sql``, ``PAGE`` at a time, over a connection of this reader's own."""
        with closing(self._connect()) as conn:
            cursor = self._cursor(conn)
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(PAGE):
                yield rows

    def _cursor(self, conn: Any) -> Any:
        if self.placeholder == "?":
            return conn.cursor()
        # A server-side cursor: the rows stream instead of arriving all at once.
        return conn.cursor(name="banli_log_reader")

    def _row(self, r: Sequence[Any]) -> IndexedNotification:
        state = bytes(r[4])
        notification = Notification(
            id=r[0],
            originator_id=self.spelled(r[1]),
            originator_version=r[2],
            topic=r[3],
            state=state,
        )
        facts = _index_facts(r)
        return notification, None if facts is None else IndexFacts(*facts)


def _index_facts(r: Sequence[Any]) -> tuple[str, int, str, str] | None:
    """A row's index columns (after the five stored ones) as stored; None without them."""
    if len(r) == 5 or r[5] is None:
        return None
    return str(r[5]), int(r[6]), str(r[7]), str(r[8])


def _hyphenated() -> Callable[[str], str]:
    """``str(UUID)``'s spelling of a ``UUID.hex``, remembered for the last ``SPELLED_IDS``
    aggregates (a reader's own: a forked process starts with its parent's)."""

    @lru_cache(maxsize=SPELLED_IDS)
    def spelled(hex_id: str) -> str:
        return str(UUID(hex_id))

    return spelled


def log_reader(recorder: object) -> LogReader | None:
    """A reader for the application's recorder; None where other processes cannot open the
    store (an in-memory SQLite database)."""
    if isinstance(recorder, IndexedSQLiteApplicationRecorder):
        datastore = recorder.datastore
        if datastore.pool.is_sqlite_memory_mode:
            return None
        path = datastore.pool.db_name

        def sqlite() -> sqlite3.Connection:
            return sqlite3.connect(path, timeout=600)

        return LogReader(
            sqlite,
            recorder.events_table_name,
            "banli_event_index",
            position="rowid",
            placeholder="?",
            ids="{}",
            hex_ids=datastore.originator_id_type == "uuid",
        )
    if isinstance(recorder, IndexedPostgresApplicationRecorder):
        pg = recorder.datastore
        schema = pg.schema

        def postgres() -> psycopg.Connection[Any]:
            return connect_like(pg)

        return LogReader(
            postgres,
            f'"{schema}"."{recorder.events_table_name}"',
            f'"{schema}".banli_event_index',
            position="notification_id",
            placeholder="%s",
            ids="{}::text",  # a uuid column: PostgreSQL's text is str(UUID)'s
        )
    return None
