"""What a read model is, independent of storage and transport.

Every read model is one module of ``projections/``: its tables, its event → row code and its
queries, listed once in ``projections/registry.py``, which both transports (the log runner and
the Kafka consumer), rebuild and status go by. Two shapes cover every read model here:

- a ``CaseView`` derives its rows for one case from that case's state (ledger, deadlines, unit
  facts, disclosures, B-class commitments). After any event on a case, the runner replaces that
  case's rows: the view is a pure function of the case, so incremental processing and a full
  rebuild cannot drift apart;
- an ``EventView`` appends rows per stored event (audit trail, tamper chain).

A view declares its tables with ``Table``; the stores create them in SQLite or PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import orjson

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar

Row = dict[str, Any]


# A day after every day: what a row with no such day holds or sorts as, so a sort by it (and
# its keyset cursor) is the same on every store, where NULL sorts first on one, last on another.
NO_DAY = "9999-12-31"


def iso_day(value: date | None) -> str | None:
    """A day as rows store it (ISO text), or NULL."""
    return value.isoformat() if value else None


def iso_time(value: datetime) -> str:
    """``value.isoformat()``. Every recorded time is in UTC (the library stamps events so), and
    ``orjson`` writes such a time as ``isoformat`` does in a third of the time (a row of the
    audit trail per event of every rebuild); any other zone is left to ``isoformat``."""
    if value.tzinfo is UTC:
        return orjson.dumps(value)[1:-1].decode()
    return value.isoformat()


def case_heading(case: Case) -> Row:
    """What names a case on its papers and pages: its id, number, kind, level, year and title."""
    return {
        "case_id": str(case.id),
        "number": case.number,
        "kind": case.kind,
        "level": case.level,
        "year": case.year,
        "title": case.title,
    }


def column_equals(prefix: str, **values: object) -> tuple[list[str], list[Any]]:
    """The read filters a caller gave (None: not filtered by that column) as SQL conditions
    ``<prefix><column> = ?`` with their parameters; ``prefix`` is a table alias and a dot, or
    empty."""
    given = {column: value for column, value in values.items() if value is not None}
    return [f"{prefix}{column} = ?" for column in given], list(given.values())


def keyset_after(
    cursor: str, keys: Sequence[tuple[str, type]], descending: bool = False
) -> tuple[str, list[Any]]:
    """Keyset paging: the rows after the values a page's cursor holds for ``keys`` (each an
    SQL expression qualified by its table's alias, and the type its value has), in order: the
    last key breaks the ties of the others."""
    values = json.loads(cursor)
    if not isinstance(values, list) or len(values) != len(keys):
        raise ValueError("cursor")
    if not all(isinstance(v, kind) for v, (_, kind) in zip(values, keys, strict=True)):
        raise ValueError("cursor")
    beyond = "<" if descending else ">"
    alternatives, params = [], []
    for n, (expression, _) in enumerate(keys):
        equal = [f"{earlier} = ?" for earlier, _ in keys[:n]]
        alternatives.append("(" + " AND ".join([*equal, f"{expression} {beyond} ?"]) + ")")
        params += values[: n + 1]
    return "(" + " OR ".join(alternatives) + ")", params


@dataclass(frozen=True)
class Table:
    """A view table: column name → "TEXT" | "INTEGER" | "REAL" (portable types only)."""

    # The read model that owns the table: its generation decides which physical table a
    # reader sees, so a query names the ``Table`` alone and cannot pair it with another view.
    view: str
    name: str
    columns: Mapping[str, str]
    key: tuple[str, ...]
    # Each a tuple of columns, or of SQL expressions over them that both stores take (a sort
    # key reading NULL as a value: ``COALESCE(lead_unit, '')``, as the sort's ORDER BY has it).
    indexes: Sequence[tuple[str, ...]] = ()
    # The column holding the case id, for CaseView tables (rows replaced per case).
    case_column: str = "case_id"
    # Appended rows never overwrite a stored one (ON CONFLICT DO NOTHING) instead of upserting.
    insert_only: bool = False
    # Bumped when what the rows *mean* changes without a change of columns (a new hash format,
    # a new reading of a rule): a stored generation of another version is rebuilt.
    version: int = 1
    # Columns holding space-separated terms that the store indexes for full-text search with
    # its own engine (``ViewReader.matching``): FTS5 in SQLite, GIN over tsvector in PostgreSQL.
    tokens: tuple[str, ...] = ()
    # Columns indexed only where they hold a value (``WHERE col IS NOT NULL``): a column few
    # rows fill costs no index work on the rest, which a case view rewrites at every event.
    sparse_indexes: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        """Everything about the table that stored rows depend on.

        Not ``view``: stored generations are already filed under their view, and their
        fingerprints were taken before tables named it (adding it would rebuild every view).
        """
        shape = (
            self.name,
            sorted(self.columns.items()),
            self.key,
            sorted(self.indexes),
            self.case_column,
            self.insert_only,
            self.version,
        )
        # Only when set: every table's fingerprint before full-text and sparse indexes stays
        # what it was.
        added: tuple[tuple[str, ...], ...] = ()
        if self.sparse_indexes:
            added = (self.tokens, self.sparse_indexes)
        elif self.tokens:
            added = (self.tokens,)
        return repr((*shape, *added))


def schema_fingerprint(tables: Sequence[Table]) -> str:
    """One short hash for a view's tables: a generation built under another one is stale."""
    text = "\n".join(t.fingerprint() for t in tables)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class IndexFacts:
    """An event's row in the store's time index (``banli_event_index``), as stored.

    Reads depend on it ("as of" a time resolves through it), so the tamper chain covers it too.
    """

    originator_id: str
    version: int
    event_type: str
    recorded_at: str  # ISO 8601 UTC text, exactly as stored


@dataclass(slots=True, eq=False)
class StoredEventInfo:
    """One notification: what EventViews need to know about an event.

    The stored facts are fields; what only the decoded event knows (its type, ``recorded_at``,
    its attributes) is decoded the first time a view asks and kept. A view that reads only
    the stored facts (the tamper chain hashes bytes and index rows) then costs no decoding:
    a rebuild runs such views over the whole log in one process, where decoding every event
    would be most of the work.
    """

    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes  # as stored (encrypted when the cipher is on): what the chain hashes
    # Decodes the domain event; called once, when a view first needs it, then dropped.
    decode: Callable[[], Any] | None
    # The event's index row; None when the store has none (or the transport does not carry
    # it: Kafka-fed views do not need it).
    index: IndexFacts | None = None
    _event: Any = field(default=None, init=False, repr=False)

    @property
    def event(self) -> Any:
        """The decoded domain event (an ``eventsourcing`` aggregate event)."""
        if self.decode is not None:
            self._event = self.decode()
            self.decode = None
        return self._event

    @property
    def event_type(self) -> str:
        return type(self.event).__name__

    @property
    def recorded_at(self) -> datetime:
        recorded: datetime = self.event.timestamp
        return recorded

    @property
    def data(self) -> Mapping[str, Any]:
        """The decoded event's attributes."""
        attributes: Mapping[str, Any] = self.event.__dict__
        return attributes


class ReadModel(Protocol):
    """What the runners, the stores and status know of any read model.

    A read model's class names its shape as a base (``class LedgerView(CaseView)``), so mypy
    checks it against the shape where it is written, and it inherits ``kafka_fed``.
    """

    # Its name in the store (generations, tracking, failures) and on the command line.
    name: str
    # Its tables, each naming this read model as its ``view``.
    tables: Sequence[Table]
    # Whether the Kafka consumers keep it too, not only the log runner beside the store: true
    # unless its rows depend on the order of the whole log, which partitions do not keep.
    kafka_fed: bool = True


class CaseView(ReadModel, Protocol):
    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        """Every row of every table of this view for ``case``, computed from its state."""
        ...


class EventView(ReadModel, Protocol):
    def resume(self, last_row: Row | None) -> None:
        """Called before a run with this view's last stored row of its first table (or None)."""
        ...

    def rows(self, event: StoredEventInfo) -> Mapping[str, list[Row]]:
        """Rows to append for ``event``."""
        ...


@dataclass(frozen=True)
class Views:
    """Read model instances for one run, by shape (what the batch processor drives)."""

    case: Sequence[CaseView]
    event: Sequence[EventView]

    def all(self) -> list[ReadModel]:
        return [*self.case, *self.event]

    def names(self) -> list[str]:
        return [view.name for view in self.all()]

    def tables(self) -> dict[str, Sequence[Table]]:
        return {view.name: view.tables for view in self.all()}


@dataclass(frozen=True)
class TextMatch:
    """Rows of ``table`` whose token ``columns`` hold every one (or, ``every=False``, any) of
    ``terms``, best matches first by the store's own ranking; ``where`` narrows them further (a
    predicate over the table's columns, alias ``c``, with ``?`` placeholders for ``params``).

    Terms are words of letters and digits only (no quotes, no spaces); in one column they must
    all be found together when ``every`` holds.
    """

    table: Table
    columns: tuple[str, ...]
    terms: tuple[str, ...]
    every: bool
    limit: int
    where: str = "1 = 1"
    params: tuple[Any, ...] = ()


class ViewReader(Protocol):
    """What read queries need of a store: physical table names and a SQL select."""

    def table(self, table: Table, generation: int | None = None) -> str:
        """The physical name of ``table`` in its view's active (or the given) generation;
        ``LookupError`` while the view has no generation yet."""
        ...

    def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]: ...

    def matching(self, *matches: TextMatch) -> list[Row]:
        """The rows full-text matches find (the dialect's engine over ``Table.tokens``), each
        match's in turn, in one statement."""
        ...
