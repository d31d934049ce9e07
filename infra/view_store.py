"""Read-model stores for SQLite and PostgreSQL behind one interface.

Each store is the library's tracking recorder for its database, extended with the view tables:
a batch's view changes and the ``Tracking`` positions of the views it advances are written in
one transaction, so a crash between them is impossible and redelivery is refused by the
library's own tracking check (exactly once across restarts). The two databases' stores, and the
choice between them, are in ``infra/read_models.py``; which generation of a view's tables is
in use, and which views stopped, in ``infra/view_generations.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, Protocol

from eventsourcing.persistence import Tracking

from infra.positions import view_position_name
from infra.view_generations import Cursor, Generations, ViewFailure, physical
from projections.core import Row, Table, TextMatch
from projections.processor import ViewChanges

__all__ = ["Cursor", "Datastore", "ViewFailure", "ViewStoreBase", "physical"]

CHUNK = 500


class Datastore(Protocol):
    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]: ...

    def close(self) -> None: ...


class ViewStoreBase(Generations):
    """The dialect-independent part; subclasses provide the database plumbing, beside the
    library's tracking recorder of their database (``infra/read_models.py``)."""

    dialect = "sqlite"
    placeholder = "?"
    # Generations whose indexes may be built at once, each in a transaction of its own: one
    # where the database has one writer at a time (SQLite).
    index_builders = 1

    if TYPE_CHECKING:  # the library's tracking recorder's, later in every store's bases

        def max_tracking_id(self, application_name: str) -> int | None: ...

        def _insert_tracking(self, c: Any, tracking: Tracking) -> None: ...

        # Each database's own, beside its full-text index (``infra/text_index.py``).
        def matching(self, *matches: TextMatch) -> list[Row]: ...

    # -- plumbing, per database -------------------------------------------------------
    def _datastore(self) -> Datastore:
        """The recorder's datastore (each recorder types its own)."""
        raise NotImplementedError

    def close(self) -> None:
        """Closes the store's connections (a PostgreSQL pool's threads with them)."""
        self._datastore().close()

    @contextmanager
    def _tx(self, *, commit: bool) -> Iterator[Cursor]:
        with self._datastore().transaction(commit=commit) as c:
            yield c

    def _track_all(self, cursor: Cursor, trackings: Sequence[Tracking]) -> None:
        """Each view's position, by the library's tracking recorder (which refuses one that
        does not move forward)."""
        for tracking in trackings:
            self._insert_tracking(cursor, tracking)

    def _qualify(self, table: str) -> str:
        return table

    def _ddl_lock(self) -> AbstractContextManager[None]:
        """Held while creating tables or generations: one process at a time."""
        return nullcontext()

    # -- writing ----------------------------------------------------------------------
    def write(
        self,
        changes: Mapping[str, ViewChanges],
        tables: Mapping[str, Sequence[Table]],
        generations: Mapping[str, int],
        trackings: Sequence[Tracking] | None = None,
    ) -> None:
        """One transaction: every view's row changes and its tracking position.

        ``trackings`` replaces the per-view log positions when the events came from elsewhere
        (Kafka: one position per partition, since partitions interleave log positions).
        """
        with self._write_tx() as c:
            tracked = list(trackings or ())
            for view, change in changes.items():
                if change.position is None and not change.replace and not change.append:
                    continue
                generation = generations[view]
                by_name = {t.name: t for t in tables[view]}
                for table_name, (case_ids, rows) in change.replace.items():
                    table = by_name[table_name]
                    self._delete_cases(c, table, generation, case_ids)
                    self._insert(c, table, generation, rows, upsert=False)
                for table_name, rows in change.append.items():
                    self._insert(c, by_name[table_name], generation, rows, upsert=True)
                if trackings is None and change.position is not None:
                    tracked.append(Tracking(view_position_name(view, generation), change.position))
            self._track_all(c, tracked)
            if tracked:
                self._announce(c, tracked)

    def _write_tx(self) -> AbstractContextManager[Cursor]:
        """The transaction of a batch's writes; where the database can, they go out without
        waiting for each answer (see the PostgreSQL store)."""
        return self._tx(commit=True)

    def _announce(self, cursor: Cursor, trackings: Sequence[Tracking]) -> None:
        """Tells other processes, once committed, which positions moved (see the PostgreSQL
        store and ``infra/view_watch.py``); SQLite has no way to."""

    def _delete_cases(self, c: Cursor, table: Table, generation: int, ids: list[str]) -> None:
        name = self._qualify(physical(table.name, generation))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ", ".join([self.placeholder] * len(chunk))
            c.execute(f"DELETE FROM {name} WHERE {table.case_column} IN ({marks})", chunk)

    def _insert(
        self, c: Cursor, table: Table, generation: int, rows: Sequence[Row], *, upsert: bool
    ) -> None:
        if not rows:
            return
        columns = list(table.columns)
        marks = ", ".join([self.placeholder] * len(columns))
        sql = (
            f"INSERT INTO {self._qualify(physical(table.name, generation))} "
            f"({', '.join(columns)}) VALUES ({marks})"
        )
        if upsert and table.insert_only:
            sql += f" ON CONFLICT ({', '.join(table.key)}) DO NOTHING"
        elif upsert:
            updates = ", ".join(
                f"{col} = excluded.{col}" for col in columns if col not in table.key
            )
            sql += f" ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {updates}"
        c.executemany(sql, [tuple(self._cell(row.get(col)) for col in columns) for row in rows])

    def _cell(self, value: Any) -> Any:
        """A value as this database can hold it (see the PostgreSQL store)."""
        return value

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        """One statement in its own transaction (``?`` placeholders)."""
        with self._tx(commit=True) as c:
            c.execute(sql.replace("?", self.placeholder), params)

    def reachable(self) -> bool:
        """Whether the store answers at all: a failure while it does is the data's, not ours."""
        try:
            self.fetch("SELECT 1 AS one", ())
        except Exception:
            return False
        return True

    # -- reading ----------------------------------------------------------------------
    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        """Runs ``sql`` written with ``?`` placeholders (physical names from ``table``)."""
        with self._tx(commit=False) as c:
            c.execute(
                sql.replace("?", self.placeholder) if self.placeholder != "?" else sql, params
            )
            return [dict(r) for r in c.fetchall()]

    def table(self, table: Table, generation: int | None = None) -> str:
        """The physical (qualified) name of a view table in its active or given generation."""
        gen = generation if generation is not None else self._cached_active(table.view)
        if gen is None:
            raise LookupError(f"view {table.view} has no generation yet")
        return self._qualify(physical(table.name, gen))

    def last_row(self, table: Table, generation: int) -> Row | None:
        key = ", ".join(f"{k} DESC" for k in table.key)
        rows = self.fetch(
            f"SELECT * FROM {self.table(table, generation)} ORDER BY {key} LIMIT 1", ()
        )
        return rows[0] if rows else None

    def positions(self, names: Iterable[tuple[str, int]]) -> dict[str, int | None]:
        """How far each ``(view, generation)`` has come, in one query (the log runner asks for
        every view before each batch, a reader standing by for its views on each look)."""
        tracking = {view_position_name(view, generation): view for view, generation in names}
        out: dict[str, int | None] = dict.fromkeys(tracking.values())
        if not tracking:
            return out
        marks = ", ".join([self.placeholder] * len(tracking))
        rows = self.fetch(
            f"SELECT application_name AS name, MAX(notification_id) AS position "
            f"FROM {self._tracking_table()} WHERE application_name IN ({marks}) "
            "GROUP BY application_name",
            list(tracking),
        )
        for row in rows:
            out[tracking[row["name"]]] = int(row["position"])
        return out

    def _tracking_table(self) -> str:
        """The library's tracking table of this store (qualified)."""
        raise NotImplementedError
