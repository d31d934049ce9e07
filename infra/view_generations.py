"""Generations of the read models, and the views that stopped: the part of the view store
that decides which physical tables a view has and which of them readers see.

Views are stored in *generations*: ``<table>_g<N>``. Reads use the active generation; a rebuild
fills the next one while the active one keeps answering, then switches over in one transaction.
Each generation records a fingerprint of its tables, so a layout the code no longer declares is
rebuilt. A view that cannot apply an event records where and why (``view_failures``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from projections.core import Row, Table, schema_fingerprint

# What an index's name cannot hold of an expression it is on.
NOT_A_NAME = re.compile(r"\W+")

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


class Generations:
    """Generations and failures, over the store's plumbing (``ViewStoreBase``)."""

    dialect = "sqlite"
    placeholder = "?"

    if TYPE_CHECKING:  # the view store's plumbing

        def _tx(self, *, commit: bool) -> AbstractContextManager[Cursor]: ...

        def _qualify(self, table: str) -> str: ...

        def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]: ...

        def execute(self, sql: str, params: Sequence[Any]) -> None: ...

        def _ddl_lock(self) -> AbstractContextManager[None]: ...

        # Each database's own, beside its full-text index (``infra/text_index.py``).
        def _create_text_index(self, c: Cursor, table: Table, generation: int) -> None: ...

    # -- tables ------------------------------------------------------------------
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

    def generation_schema(self, view: str, generation: int) -> str | None:
        rows = self.fetch(
            f"SELECT schema FROM {self._qualify('view_generation_schemas')} "
            "WHERE view = ? AND generation = ?",
            (view, generation),
        )
        return str(rows[0]["schema"]) if rows else None

    def current_generation(self, view: str, tables: Sequence[Table]) -> int:
        """The active generation of ``view``, created if there is none, and replaced by a new,
        empty one (filled from the start of the log) if it was built with other tables.

        Processes starting together (API workers, consumers) take turns here: two that both
        found no generation would both make the first one, and one would fail."""
        active = self.active_generation(view)
        if active is not None and self.generation_schema(view, active) == schema_fingerprint(
            tables
        ):
            return active
        with self._ddl_lock():
            active = self.active_generation(view)  # as the process before us left it
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

    def readers_generation(self, view: str) -> int | None:
        """The generation readers use, looked up at most every ``GENERATION_TTL_SECONDS``."""
        return self._cached_active(view)

    def recent_generations(self) -> dict[str, tuple[int, int | None]]:
        """``generations()`` as read at most ``GENERATION_TTL_SECONDS`` ago (or since a switch
        in this process)."""
        now = time.monotonic()
        cached = self._active_cache
        if cached is None or now - cached[0] > self.GENERATION_TTL_SECONDS:
            cached = (now, self.generations())
            self._active_cache = cached
        return cached[1]

    def _cached_active(self, view: str) -> int | None:
        found = self.recent_generations().get(view)
        return found[0] if found else None

    def create_generation(
        self, view: str, tables: Sequence[Table], *, activate: bool, indexed: bool = True
    ) -> int:
        """Creates the tables of a new generation of ``view``; active at once if it is the first.
        Without ``indexed``, bare tables: ``create_indexes`` adds their keys and indexes later.

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
                self._create_view_table(c, table, generation, keyed=indexed)
                if indexed:
                    self._create_indexes(c, table, generation)
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

    def create_indexes(self, tables: Sequence[Table], generation: int) -> None:
        """The keys, secondary and full-text indexes of a generation created without them, over
        the rows it holds: a rebuild fills bare tables first, since an index built once over all
        the rows costs far less than one kept row by row. Measured on PostgreSQL at 113k events
        (secondary indexes): the rebuild took a quarter less time, its processes had waited on
        the server's index work. Measured on SQLite (keys): 300k rows of a case-keyed table in
        shuffled case order took 2.6 s of CPU into a table with its key against 1.0 s into a
        bare one plus 0.2 s for the key's index; the audit trail's rows, keyed by position but
        written case by case, 5–7 µs a row bare against 7–9 keyed (its key is SQLite's rowid,
        which then takes them out of order). A duplicate key fails here, as it would have
        failed the insert."""
        with self._tx(commit=True) as c, self._index_sorting(c):
            for table in tables:
                self._create_key(c, table, generation)
                self._create_indexes(c, table, generation)

    def _index_sorting(self, c: Cursor) -> AbstractContextManager[None]:
        """How the database sorts an index's rows while ``create_indexes`` builds them."""
        return nullcontext()

    def _create_view_table(self, c: Cursor, table: Table, generation: int, *, keyed: bool) -> None:
        types = SQL_TYPES[self.dialect]
        name = physical(table.name, generation)
        columns = ", ".join(f"{col} {types[kind]}" for col, kind in table.columns.items())
        key = f", PRIMARY KEY ({', '.join(table.key)})" if keyed else ""
        c.execute(f"CREATE TABLE IF NOT EXISTS {self._qualify(name)} ({columns}{key})")

    def _create_key(self, c: Cursor, table: Table, generation: int) -> None:
        """The key of a table created bare: PostgreSQL adds the very primary key a keyed table
        has. SQLite cannot add one to a table and takes a unique index on the key instead: what
        its primary key is, bar one INTEGER column (the rowid then); ``ON CONFLICT`` names
        either."""
        name = physical(table.name, generation)
        key = ", ".join(table.key)
        if self.dialect == "postgres":
            c.execute(f"ALTER TABLE {self._qualify(name)} ADD PRIMARY KEY ({key})")
        else:
            # Named as PostgreSQL names a primary key's index. Not ``_key``: that is the name
            # ``_create_indexes`` gives an index on a column ``key`` (the ledger has one), which
            # its ``IF NOT EXISTS`` would then skip without a word.
            c.execute(f"CREATE UNIQUE INDEX {name}_pkey ON {self._qualify(name)} ({key})")

    def _create_indexes(self, c: Cursor, table: Table, generation: int) -> None:
        name = physical(table.name, generation)
        indexes = list(table.indexes)
        if table.case_column and (table.case_column,) != table.key[:1]:
            indexes.append((table.case_column,))
        for index in indexes:
            # An expression (a sort key reading NULL as a value) named by its words alone.
            words = NOT_A_NAME.sub("_", "_".join(index)).strip("_")
            index_name = f"{name}_{words}"
            c.execute(
                f"CREATE INDEX IF NOT EXISTS {index_name} ON {self._qualify(name)} "
                f"({', '.join(index)})"
            )
        for column in table.sparse_indexes:
            c.execute(
                f"CREATE INDEX IF NOT EXISTS {name}_{column}_set ON {self._qualify(name)} "
                f"({column}) WHERE {column} IS NOT NULL"
            )
        if table.tokens:
            self._create_text_index(c, table, generation)

    def _drop_view_table(self, c: Cursor, table: Table, generation: int) -> None:
        c.execute(f"DROP TABLE IF EXISTS {self._qualify(physical(table.name, generation))}")
