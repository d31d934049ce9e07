"""The cases whose case-view rows may differ from their recomputation, found by SQLite itself
(part of verify's check of the views, ``infra/view_audit.py``).

Reading every row of both sides into Python and comparing them took a quarter of a verify at
10⁶ events (25 s for 1.45 M rows). Where the live views are a SQLite file, one connection opens
it with the recomputation's file attached, and for each table the rows one side holds and the
other does not (``EXCEPT``, both ways) and the cases whose rows are not as many on both sides
name the cases to compare. The comparison in Python stays the judge (it types cells alike where
a store hands them back otherwise); this only spares it the cases whose rows SQLite finds the
same. SQLite's equality is stricter than the comparison's (the text '1' is not the integer 1),
never looser but for 1 = 1.0, which the comparison takes as equal too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from contextlib import closing, contextmanager

from infra.read_models import SQLiteViewStore
from infra.view_store import ViewStoreBase
from projections.core import Table


@contextmanager
def suspects(
    live: ViewStoreBase, recomputed: SQLiteViewStore, left_out: Collection[str]
) -> Iterator[Suspects | None]:
    """The cases to compare in each table, and the live rows of all but ``left_out``, from one
    snapshot of the live views; None where they are not a SQLite file (every case is compared
    then)."""
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
    def __init__(
        self,
        conn: sqlite3.Connection,
        live: ViewStoreBase,
        recomputed: SQLiteViewStore,
        left_out: Collection[str],
    ) -> None:
        self.conn = conn
        self.live = live
        self.recomputed = recomputed
        self.left_out = left_out

    def cases(self, table: Table) -> set[str]:
        """The cases whose rows in ``table`` may differ."""
        mine, theirs = self._mine(table), f"recomputed.{self.recomputed.table(table)}"
        return _differing(self.conn, table, mine, theirs) - set(self.left_out)

    def rows(self, table: Table) -> int:
        """The live rows of ``table`` that are compared (all but the left-out cases')."""
        sql = f"SELECT count(*) FROM {self._mine(table)}"
        if self.left_out:
            marks = ", ".join("?" * len(self.left_out))
            sql += f" WHERE {table.case_column} NOT IN ({marks})"
        [(count,)] = self.conn.execute(sql, list(self.left_out)).fetchall()
        return int(count)

    def _mine(self, table: Table) -> str:
        return f"main.{self.live.table(table)}"


def _differing(conn: sqlite3.Connection, table: Table, mine: str, theirs: str) -> set[str]:
    case, columns = table.case_column, ", ".join(table.columns)
    counted = f"{case}, count(*)"
    apart = [
        f"SELECT {case} FROM (SELECT {columns} FROM {a} EXCEPT SELECT {columns} FROM {b})"
        for a, b in ((mine, theirs), (theirs, mine))
    ] + [
        f"SELECT {case} FROM (SELECT {counted} FROM {a} GROUP BY {case} "
        f"EXCEPT SELECT {counted} FROM {b} GROUP BY {case})"
        for a, b in ((mine, theirs), (theirs, mine))
    ]
    return {str(row[0]) for row in conn.execute(" UNION ".join(apart))}
