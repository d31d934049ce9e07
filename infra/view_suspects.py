"""The cases whose case-view rows may differ from their recomputation, found by the database
itself (part of verify's check of the views, ``infra/view_audit.py``).

Reading every row of both sides into Python and comparing them took a quarter of a verify at
10⁶ events (25 s for 1.45 M rows). Instead the database holding the live views gets the
recomputation beside them: SQLite attaches its file; PostgreSQL takes its rows into temporary
tables (``COPY``, as a rebuild writes, NUL shown as the live views show it). For each table,
the rows one side holds and the other does not (``EXCEPT``, both ways) and the cases whose rows
are not as many on both sides (an insider who drops a key can copy a row, which sets of rows do
not show) name the cases to compare. The comparison in Python stays the judge (it types cells
alike where a store hands them back otherwise); this only spares it the cases whose rows the
database finds the same. Its equality is stricter than the comparison's (the text '1' is not
the integer 1), never looser but for 1 = 1.0, which the comparison takes as equal too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import closing, contextmanager
from typing import Any

from infra.connections import connect_like
from infra.read_models import PostgresViewStore, SQLiteViewStore
from infra.view_store import ViewStoreBase
from projections.core import Table


@contextmanager
def suspects(
    live: ViewStoreBase, recomputed: SQLiteViewStore, left_out: Collection[str]
) -> Iterator[Suspects | None]:
    """The cases to compare in each table, and the live rows of all but ``left_out``, from one
    snapshot of the live views; None where they are in neither database (every case is
    compared then)."""
    if isinstance(live, PostgresViewStore):
        with closing(connect_like(live.datastore)) as conn:  # a transaction from the first read
            try:
                yield PostgresSuspects(conn, live, recomputed, left_out)
            finally:
                conn.rollback()  # and the temporary tables with it
        return
    if not isinstance(live, SQLiteViewStore) or live.datastore.pool.is_sqlite_memory_mode:
        yield None
        return
    with closing(sqlite3.connect(live.datastore.pool.db_name, timeout=60)) as conn:
        conn.execute("ATTACH DATABASE ? AS recomputed", (recomputed.datastore.pool.db_name,))
        conn.execute("BEGIN")  # one snapshot of the live views for every table
        try:
            yield Suspects(conn, live, recomputed, left_out)
        finally:
            conn.execute("ROLLBACK")


class Suspects:
    """The live views and their recomputation in one SQLite connection."""

    placeholder = "?"

    def __init__(
        self, conn: Any, live: ViewStoreBase, recomputed: SQLiteViewStore, left_out: Collection[str]
    ) -> None:
        self.conn = conn
        self.live = live
        self.recomputed = recomputed
        self.left_out = left_out

    def cases(self, table: Table) -> set[str]:
        """The cases whose rows in ``table`` may differ."""
        mine, theirs = self._mine(table), self._theirs(table)
        case, columns = table.case_column, ", ".join(table.columns)
        counted = f"{case}, count(*)"
        apart = [
            f"SELECT {case} FROM (SELECT {columns} FROM {a} "
            f"EXCEPT SELECT {columns} FROM {b}) AS apart"
            for a, b in ((mine, theirs), (theirs, mine))
        ] + [
            f"SELECT {case} FROM (SELECT {counted} FROM {a} GROUP BY {case} "
            f"EXCEPT SELECT {counted} FROM {b} GROUP BY {case}) AS apart"
            for a, b in ((mine, theirs), (theirs, mine))
        ]
        found = {str(row[0]) for row in self.conn.execute(" UNION ".join(apart))}
        return found - set(self.left_out)

    def rows(self, table: Table) -> int:
        """The live rows of ``table`` that are compared (all but the left-out cases')."""
        sql = f"SELECT count(*) FROM {self._mine(table)}"
        if self.left_out:
            marks = ", ".join([self.placeholder] * len(self.left_out))
            sql += f" WHERE {table.case_column} NOT IN ({marks})"
        [(count,)] = self.conn.execute(sql, list(self.left_out)).fetchall()
        return int(count)

    def _mine(self, table: Table) -> str:
        return f"main.{self.live.table(table)}"

    def _theirs(self, table: Table) -> str:
        return f"recomputed.{self.recomputed.table(table)}"


class PostgresSuspects(Suspects):
    """The live views in PostgreSQL, each table's recomputation copied beside them into a
    temporary table when the table is first asked about."""

    placeholder = "%s"
    live: PostgresViewStore

    def _mine(self, table: Table) -> str:
        return self.live.table(table)

    def _theirs(self, table: Table) -> str:
        name = f"banli_recomputed_{table.name}"
        self.conn.execute(f"CREATE TEMPORARY TABLE {name} (LIKE {self._mine(table)})")
        columns = ", ".join(table.columns)
        cell = self.live._cell  # NUL as the live views store it (PostgreSQL text holds none)
        with closing(sqlite3.connect(self.recomputed.datastore.pool.db_name)) as scratch:
            rows = scratch.execute(f"SELECT {columns} FROM {self.recomputed.table(table)}")
            with (
                self.conn.cursor() as cursor,
                cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(tuple(map(cell, row)))
        return name
