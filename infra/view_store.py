"""Read-model stores for SQLite and PostgreSQL behind one interface.

Each store is the library's tracking recorder for its database, extended with the view tables:
a batch's view changes and the ``Tracking`` positions of the views it advances are written in
one transaction, so a crash between them is impossible and redelivery is refused by the
library's own tracking check (exactly once across restarts). The two databases' stores, and the
choice between them, are in ``infra/read_models.py``.

Views are stored in *generations*: ``<table>_g<N>``. Reads use the active generation; a rebuild
fills the next one while the active one keeps answering, then switches over in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from eventsourcing.persistence import Tracking

from infra.positions import view_position_name
from projections.core import Row, Table, TextMatch, schema_fingerprint
from projections.processor import ViewChanges

CHUNK = 500

SQL_TYPES = {
    "sqlite": {"TEXT": "TEXT", "INTEGER": "INTEGER", "REAL": "REAL"},
    "postgres": {"TEXT": "text", "INTEGER": "bigint", "REAL": "double precision"},
}


@dataclass(frozen=True)
class ViewFailure:
    """A view stopped at ``position``: applying that event failed with ``error``."""

    view: str
    generation: int
    position: int
    error: str
    failed_at: str  # ISO 8601, server time


def physical(table: str, generation: int) -> str:
    return f"{table}_g{generation}"


class Cursor(Protocol):
    def execute(self, sql: Any, params: Any = ...) -> Any: ...
    def executemany(self, sql: Any, params: Any) -> Any: ...
    def fetchall(self) -> Any: ...


class Datastore(Protocol):
    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]: ...


class ViewStoreBase:
    """The dialect-independent part; subclasses provide the database plumbing, beside the
    library's tracking recorder of their database (``infra/read_models.py``)."""

    dialect = "sqlite"
    placeholder = "?"

    if TYPE_CHECKING:  # the library's tracking recorder's, later in every store's bases

        def max_tracking_id(self, application_name: str) -> int | None: ...

        def _insert_tracking(self, c: Any, tracking: Tracking) -> None: ...

        # Each database's own, beside its full-text index (``infra/text_index.py``).
        def _create_text_index(self, c: Cursor, table: Table, generation: int) -> None: ...

        def matching(self, match: TextMatch) -> list[Row]: ...

    # -- plumbing, per database -------------------------------------------------------
    def _datastore(self) -> Datastore:
        """The recorder's datastore (each recorder types its own)."""
        raise NotImplementedError

    @contextmanager
    def _tx(self, *, commit: bool) -> Iterator[Cursor]:
        with self._datastore().transaction(commit=commit) as c:
            yield c

    def _track(self, cursor: Cursor, tracking: Tracking) -> None:
        self._insert_tracking(cursor, tracking)

    def _qualify(self, table: str) -> str:
        return table

    # -- generations ------------------------------------------------------------------
    def _ensure_generation_table(self) -> None:
        with self._tx(commit=True) as c:
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self._qualify('view_generations')} "
                "(view TEXT PRIMARY KEY, active INTEGER NOT NULL, building INTEGER)"
            )
            # The table layout each generation was built with; a store written before this
            # table existed has no row, which reads as stale (rebuilt once).
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self._qualify('view_generation_schemas')} "
                "(view TEXT NOT NULL, generation INTEGER NOT NULL, schema TEXT NOT NULL, "
                "PRIMARY KEY (view, generation))"
            )
            # A view that cannot apply an event stops there, loudly: which, where and why, for
            # every process to see (status, /health, /metrics, reads that need the view).
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self._qualify('view_failures')} "
                "(view TEXT NOT NULL, generation INTEGER NOT NULL, position INTEGER NOT NULL, "
                "error TEXT NOT NULL, failed_at TEXT NOT NULL, PRIMARY KEY (view, generation))"
            )

    # -- failures ---------------------------------------------------------------------
    def record_failure(self, failure: ViewFailure) -> None:
        q = self.placeholder
        with self._tx(commit=True) as c:
            c.execute(
                f"DELETE FROM {self._qualify('view_failures')} WHERE view = {q} "
                f"AND generation = {q}",
                (failure.view, failure.generation),
            )
            c.execute(
                f"INSERT INTO {self._qualify('view_failures')} VALUES ({q}, {q}, {q}, {q}, {q})",
                (
                    failure.view,
                    failure.generation,
                    failure.position,
                    failure.error[:2000],
                    failure.failed_at,
                ),
            )

    def clear_failure(self, view: str, generation: int) -> None:
        self.execute(
            f"DELETE FROM {self._qualify('view_failures')} WHERE view = ? AND generation = ?",
            (view, generation),
        )

    def failures(self) -> list[ViewFailure]:
        """Failures of the generations in use (active or building)."""
        in_use = {
            (view, generation)
            for view, (active, building) in self.generations().items()
            for generation in (active, building)
            if generation is not None
        }
        rows = self.fetch(f"SELECT * FROM {self._qualify('view_failures')} ORDER BY view", ())
        return [
            ViewFailure(
                str(r["view"]),
                int(r["generation"]),
                int(r["position"]),
                str(r["error"]),
                str(r["failed_at"]),
            )
            for r in rows
            if (r["view"], int(r["generation"])) in in_use
        ]

    def reachable(self) -> bool:
        """Whether the store answers at all: a failure while it does is the data's, not ours."""
        try:
            self.fetch("SELECT 1 AS one", ())
        except Exception:
            return False
        return True

    def generation_schema(self, view: str, generation: int) -> str | None:
        rows = self.fetch(
            f"SELECT schema FROM {self._qualify('view_generation_schemas')} "
            "WHERE view = ? AND generation = ?",
            (view, generation),
        )
        return str(rows[0]["schema"]) if rows else None

    def current_generation(self, view: str, tables: Sequence[Table]) -> int:
        """The active generation of ``view``, created if there is none, and replaced by a new,
        empty one (filled from the start of the log) if it was built with other tables."""
        active = self.active_generation(view)
        if active is None:
            return self.create_generation(view, tables, activate=True)
        if self.generation_schema(view, active) == schema_fingerprint(tables):
            return active
        fresh = self.create_generation(view, tables, activate=False)
        self.switch_generation(view, fresh, tables)
        return fresh

    def generations(self) -> dict[str, tuple[int, int | None]]:
        rows = self.fetch(
            f"SELECT view, active, building FROM {self._qualify('view_generations')}", ()
        )
        return {r["view"]: (int(r["active"]), r["building"]) for r in rows}

    def active_generation(self, view: str) -> int | None:
        found = self.generations().get(view)
        return found[0] if found else None

    # Readers resolve table names on every request; generations change only when a rebuild
    # switches over, so a name is trusted for a second before it is looked up again.
    GENERATION_TTL_SECONDS = 1.0
    _active_cache: tuple[float, dict[str, tuple[int, int | None]]] | None = None

    def _cached_active(self, view: str) -> int | None:
        now = time.monotonic()
        cached = self._active_cache
        if cached is None or now - cached[0] > self.GENERATION_TTL_SECONDS:
            cached = (now, self.generations())
            self._active_cache = cached
        found = cached[1].get(view)
        return found[0] if found else None

    def create_generation(self, view: str, tables: Sequence[Table], *, activate: bool) -> int:
        """Creates the tables of a new generation of ``view``; active at once if it is the first.

        Numbers are never used twice, not even an abandoned rebuild's: a generation's tracking
        position must start from nothing.
        """
        used = self.fetch(
            f"SELECT MAX(generation) AS g FROM {self._qualify('view_generation_schemas')} "
            "WHERE view = ?",
            (view,),
        )
        known = self.generations().get(view)
        active, building = known if known is not None else (0, None)
        generation = max(active, building or 0, int(used[0]["g"] or 0)) + 1
        with self._tx(commit=True) as c:
            for table in tables:
                self._create_view_table(c, table, generation)
            q = self.placeholder
            c.execute(
                f"INSERT INTO {self._qualify('view_generation_schemas')} VALUES ({q}, {q}, {q})",
                (view, generation, schema_fingerprint(tables)),
            )
            if known is None:
                c.execute(
                    f"INSERT INTO {self._qualify('view_generations')} VALUES ({q}, {q}, NULL)",
                    (view, generation),
                )
            elif activate:
                raise ValueError("an existing view is activated by switch_generation")
            else:
                c.execute(
                    f"UPDATE {self._qualify('view_generations')} SET building = {q} "
                    f"WHERE view = {q}",
                    (generation, view),
                )
        self._active_cache = None
        return generation

    def switch_generation(self, view: str, generation: int, tables: Sequence[Table]) -> None:
        """Makes a rebuilt generation the one readers see.

        The generation it replaces stays readable until the next switch (a reader in another
        process may hold its name for up to ``GENERATION_TTL_SECONDS``); older ones are dropped.
        """
        old = self.active_generation(view)
        q = self.placeholder
        with self._tx(commit=True) as c:
            c.execute(
                f"UPDATE {self._qualify('view_generations')} SET active = {q}, building = NULL "
                f"WHERE view = {q}",
                (generation, view),
            )
        self._active_cache = None
        if old is not None and old != generation:
            with self._tx(commit=True) as c:
                for stale in range(1, old):
                    for table in tables:
                        self._drop_view_table(c, table, stale)

    def abandon_generation(self, view: str, generation: int, tables: Sequence[Table]) -> None:
        """Drops a generation that was being built and will not be finished."""
        q = self.placeholder
        with self._tx(commit=True) as c:
            c.execute(
                f"UPDATE {self._qualify('view_generations')} SET building = NULL "
                f"WHERE view = {q} AND building = {q}",
                (view, generation),
            )
            for table in tables:
                self._drop_view_table(c, table, generation)
            c.execute(
                f"DELETE FROM {self._qualify('view_failures')} WHERE view = {q} "
                f"AND generation = {q}",
                (view, generation),
            )
        self._active_cache = None

    def _create_view_table(self, c: Cursor, table: Table, generation: int) -> None:
        types = SQL_TYPES[self.dialect]
        name = physical(table.name, generation)
        columns = ", ".join(f"{col} {types[kind]}" for col, kind in table.columns.items())
        key = ", ".join(table.key)
        c.execute(
            f"CREATE TABLE IF NOT EXISTS {self._qualify(name)} ({columns}, PRIMARY KEY ({key}))"
        )
        indexes = list(table.indexes)
        if table.case_column and (table.case_column,) != table.key[:1]:
            indexes.append((table.case_column,))
        for index in indexes:
            index_name = f"{name}_{'_'.join(index)}"
            c.execute(
                f"CREATE INDEX IF NOT EXISTS {index_name} ON {self._qualify(name)} "
                f"({', '.join(index)})"
            )
        if table.tokens:
            self._create_text_index(c, table, generation)

    def _drop_view_table(self, c: Cursor, table: Table, generation: int) -> None:
        c.execute(f"DROP TABLE IF EXISTS {self._qualify(physical(table.name, generation))}")

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
        with self._tx(commit=True) as c:
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
                    self._track(c, Tracking(view_position_name(view, generation), change.position))
            for tracking in trackings or ():
                self._track(c, tracking)

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
        out: dict[str, int | None] = {}
        for view, generation in names:
            out[view] = self.max_tracking_id(view_position_name(view, generation))
        return out
