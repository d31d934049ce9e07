"""Read-model store contract, run on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import time
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

from infra.bulk_writes import bulk_writers
from infra.view_store import ViewStoreBase, physical
from projections.core import Table, TextMatch
from projections.processor import ViewChanges

ROWS = Table(
    view="things",
    name="things",
    columns={"case_id": "TEXT", "seq": "INTEGER", "label": "TEXT", "weight": "REAL"},
    key=("case_id", "seq"),
)
LOG = Table(
    view="things",
    name="log",
    columns={"position": "INTEGER", "note": "TEXT"},
    key=("position",),
    case_column="",
)


def _read(
    store: ViewStoreBase, table: Table, generation: int | None = None
) -> list[dict[str, Any]]:
    order = ", ".join(table.key)
    return store.fetch(f"SELECT * FROM {store.table(table, generation)} ORDER BY {order}", ())


def _write(store: ViewStoreBase, changes: ViewChanges, generation: int = 1) -> None:
    store.write({"things": changes}, {"things": (ROWS, LOG)}, {"things": generation})


def test_rows_replace_per_case_and_append_with_tracking(stores: tuple[Any, ViewStoreBase]) -> None:
    _, store = stores
    assert store.create_generation("things", (ROWS, LOG), activate=True) == 1
    first = ViewChanges(
        replace={
            "things": (
                ["c1", "c2"],
                [
                    {"case_id": "c1", "seq": 0, "label": "甲", "weight": 0.5},
                    {"case_id": "c2", "seq": 0, "label": "乙", "weight": 1.0},
                ],
            )
        },
        append={"log": [{"position": 1, "note": "a"}, {"position": 2, "note": "b"}]},
        position=2,
    )
    _write(store, first)
    second = ViewChanges(
        replace={"things": (["c1"], [{"case_id": "c1", "seq": 1, "label": "丙", "weight": None}])},
        append={"log": [{"position": 3, "note": "c"}]},
        position=3,
    )
    _write(store, second)
    assert [(r["case_id"], r["seq"], r["label"]) for r in _read(store, ROWS)] == [
        ("c1", 1, "丙"),
        ("c2", 0, "乙"),
    ]
    assert [r["note"] for r in _read(store, LOG)] == ["a", "b", "c"]
    assert store.positions([("things", 1)]) == {"things": 3}


def test_an_old_position_is_refused_and_writes_nothing(stores: tuple[Any, ViewStoreBase]) -> None:
    _, store = stores
    store.create_generation("things", (ROWS, LOG), activate=True)
    _write(store, ViewChanges(append={"log": [{"position": 5, "note": "x"}]}, position=5))
    redelivered = ViewChanges(
        replace={"things": (["c9"], [{"case_id": "c9", "seq": 0, "label": "dup", "weight": 0}])},
        append={"log": [{"position": 4, "note": "again"}]},
        position=4,
    )
    with pytest.raises(IntegrityError):
        _write(store, redelivered)
    assert _read(store, ROWS) == []
    assert [r["note"] for r in _read(store, LOG)] == ["x"]
    assert store.positions([("things", 1)]) == {"things": 5}


def test_one_view_behind_refuses_the_whole_write_of_several(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """Every view's tracking row is checked, not only the first (PostgreSQL sends them all
    before reading any answer)."""
    _, store = stores
    other = Table(
        view="others", name="others_log", columns=LOG.columns, key=LOG.key, case_column=""
    )
    tables = {"things": (ROWS, LOG), "others": (other,)}
    store.create_generation("things", (ROWS, LOG), activate=True)
    store.create_generation("others", (other,), activate=True)
    generations = {"things": 1, "others": 1}
    at_five = {name: ViewChanges(position=5) for name in tables}
    store.write(at_five, tables, generations)
    moved = ViewChanges(append={"log": [{"position": 6, "note": "new"}]}, position=6)
    with pytest.raises(IntegrityError):
        store.write({"things": moved, "others": ViewChanges(position=4)}, tables, generations)
    assert _read(store, LOG) == []
    assert store.positions(generations.items()) == {"things": 5, "others": 5}


def test_a_write_that_fails_in_the_database_writes_nothing_and_the_next_one_works(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """A statement refused by the database (two rows under one key), not by the tracking
    check: on PostgreSQL it surfaces only when the pipeline is read, and must still roll
    the whole transaction back and leave the connection fit for the next write."""
    _, store = stores
    store.create_generation("things", (ROWS, LOG), activate=True)
    row = {"case_id": "c1", "seq": 0, "label": "甲", "weight": 1.0}
    twice = ViewChanges(
        replace={"things": (["c1"], [row, row])},
        append={"log": [{"position": 1, "note": "lost"}]},
        position=1,
    )
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        _write(store, twice)
    assert _read(store, ROWS) == [] and _read(store, LOG) == []
    assert store.positions([("things", 1)]) == {"things": None}
    for position in (1, 2, 3):  # on every pooled connection, not only a fresh one
        _write(store, ViewChanges(replace={"things": (["c1"], [row])}, position=position))
    assert [r["label"] for r in _read(store, ROWS)] == ["甲"]
    assert store.positions([("things", 1)]) == {"things": 3}


def test_a_new_generation_builds_beside_the_active_one_then_takes_over(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    _, store = stores
    store.create_generation("things", (ROWS, LOG), activate=True)
    _write(store, ViewChanges(append={"log": [{"position": 1, "note": "old"}]}, position=1))
    building = store.create_generation("things", (ROWS, LOG), activate=False)
    assert store.generations()["things"] == (1, building)
    _write(
        store,
        ViewChanges(append={"log": [{"position": 1, "note": "new"}]}, position=1),
        generation=building,
    )
    assert [r["note"] for r in _read(store, LOG)] == ["old"]  # readers still see the old one
    store.switch_generation("things", building, (ROWS, LOG))
    assert store.generations()["things"] == (building, None)
    assert [r["note"] for r in _read(store, LOG)] == ["new"]
    # The replaced generation stays readable for readers still holding its name ...
    assert [r["note"] for r in _read(store, LOG, 1)] == ["old"]
    third = store.create_generation("things", (ROWS, LOG), activate=False)
    store.switch_generation("things", third, (ROWS, LOG))
    # ... until the next switch drops it.
    with pytest.raises(Exception):  # noqa: B017 - the dropped table's error differs per database
        store.fetch(f"SELECT * FROM {store.table(LOG, 1)}", ())


def test_a_generation_built_with_other_tables_is_replaced_by_an_empty_one(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """New code reading a view stored by older code (other columns, other meaning) starts a
    fresh generation from the beginning of the log instead of reading rows it cannot trust."""
    _, store = stores
    assert store.current_generation("things", (ROWS, LOG)) == 1
    _write(store, ViewChanges(append={"log": [{"position": 1, "note": "old"}]}, position=1))
    assert store.current_generation("things", (ROWS, LOG)) == 1  # same tables: kept
    changed = Table(
        view="things",
        name="log",
        columns=dict(LOG.columns),
        key=LOG.key,
        case_column="",
        version=2,
    )
    fresh = store.current_generation("things", (ROWS, changed))
    assert fresh == 2
    assert store.generations()["things"] == (2, None)
    assert _read(store, LOG) == []
    assert store.positions([("things", fresh)]) == {"things": None}


def test_text_with_nul_from_an_old_event_is_stored_not_refused(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """A NUL accepted before input refused it must not wedge a view for good (PostgreSQL text
    cannot hold it): the view shows U+FFFD there; SQLite keeps the character as it is."""
    _, store = stores
    store.create_generation("things", (ROWS, LOG), activate=True)
    row = {"case_id": "c1", "seq": 0, "label": "bad\x00title", "weight": 0.0}
    _write(store, ViewChanges(replace={"things": (["c1"], [row])}, position=1))
    [stored] = _read(store, ROWS)
    assert stored["label"] in ("bad\x00title", "bad\ufffdtitle")
    assert store.positions([("things", 1)]) == {"things": 1}


def test_an_abandoned_generations_number_is_never_used_again(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """Its tracking position would otherwise carry over into a new generation of that number,
    which would then skip the events the abandoned one had applied."""
    _, store = stores
    store.create_generation("things", (ROWS, LOG), activate=True)
    building = store.create_generation("things", (ROWS, LOG), activate=False)
    _write(store, ViewChanges(append={"log": [{"position": 7, "note": "x"}]}, position=7), building)
    store.abandon_generation("things", building, (ROWS, LOG))
    assert store.generations()["things"] == (1, None)
    again = store.create_generation("things", (ROWS, LOG), activate=False)
    assert again == building + 1
    assert store.positions([("things", again)]) == {"things": None}


WORDS = Table(
    view="words",
    name="words",
    columns={"case_id": "TEXT", "year": "INTEGER", "head": "TEXT", "body": "TEXT"},
    key=("case_id",),
    tokens=("head", "body"),
)


def _words(store: ViewStoreBase, rows: list[dict[str, Any]], ids: list[str], at: int = 1) -> None:
    changes = ViewChanges(replace={"words": (ids, rows)}, position=at)
    store.write({"words": changes}, {"words": (WORDS,)}, {"words": 1})


def test_token_columns_are_searched_with_the_databases_own_full_text_index(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """Terms (CJK bigrams too, on a C-locale PostgreSQL) are found in one column or in all of
    them, any or every one, the best first; rows replaced per case leave no stale terms."""
    _, store = stores
    store.create_generation("words", (WORDS,), activate=True)
    rows = [
        {"case_id": "a", "year": 2024, "head": "农村 村公 公路", "body": "养护 资金"},
        {"case_id": "b", "year": 2025, "head": "老旧 小区", "body": "公路 资金 jy"},
        {"case_id": "c", "year": 2025, "head": "", "body": ""},
    ]
    _words(store, rows, ["a", "b", "c"])

    def found(
        columns: tuple[str, ...], terms: tuple[str, ...], every: bool, **kw: Any
    ) -> list[str]:
        match = TextMatch(WORDS, columns, terms, every, 10, **kw)
        return [r["case_id"] for r in store.matching(match)]

    assert found(("head",), ("公路",), False) == ["a"]
    assert sorted(found(("head", "body"), ("公路",), False)) == ["a", "b"]
    assert found(("head", "body"), ("公路", "资金", "jy"), True) == ["b"]
    assert found(("head",), ("公路", "老旧"), False, where="c.year < ?", params=(2025,)) == ["a"]
    # Several matches in one statement: each one's rows, each with its own terms and filter.
    both = store.matching(
        TextMatch(WORDS, ("head",), ("老旧",), False, 10),
        TextMatch(WORDS, ("body",), ("资金",), False, 10, "c.year < ?", (2025,)),
    )
    assert sorted(r["case_id"] for r in both) == ["a", "b"]
    # A case's rows replaced: its old terms are gone from the index.
    _words(store, [{**rows[0], "head": "城镇 老旧"}], ["a"], at=2)
    assert found(("head",), ("公路",), False) == []
    assert sorted(found(("head",), ("老旧",), False)) == ["a", "b"]
    with pytest.raises(ValueError):  # terms are quoted into the engine's language
        found(("head",), ('公路" OR "x',), False)
    # A rebuilt generation has an index of its own; the old one goes with its table.
    fresh = store.create_generation("words", (WORDS,), activate=False)
    store.switch_generation("words", fresh, (WORDS,))
    third = store.create_generation("words", (WORDS,), activate=False)
    store.switch_generation("words", third, (WORDS,))
    assert found(("head",), ("老旧",), False) == []
    with pytest.raises(Exception):  # noqa: B017 - SQLite's FTS5 table is dropped with its table
        store.fetch(f"SELECT * FROM {store.table(WORDS, 1)}_fts", ())


def _bulk_insert(store: ViewStoreBase, generation: int, rows: list[dict[str, Any]]) -> None:
    """Plain inserts, as a rebuild's bulk writers add rows to a bare generation."""
    for row in rows:
        store.execute(
            f"INSERT INTO {store.table(WORDS, generation)} (case_id, year, head, body) "
            "VALUES (?, ?, ?, ?)",
            [row["case_id"], row["year"], row["head"], row["body"]],
        )


def test_a_bare_generation_with_a_key_written_twice_fails_when_indexed(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """A rebuild's bare tables take rows without checking their key; the key added after the
    fill refuses a duplicate, as a keyed table would have refused the second insert."""
    _, store = stores
    store.create_generation("words", (WORDS,), activate=True)
    building = store.create_generation("words", (WORDS,), activate=False, indexed=False)
    row = {"case_id": "a", "year": 2024, "head": "农村 公路", "body": "养护"}
    _bulk_insert(store, building, [row, row])
    with pytest.raises(IntegrityError):
        store.create_indexes((WORDS,), building)


def test_a_bare_generation_gets_its_key_and_an_index_on_a_column_named_key(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """The key added after the fill must not take the name of a secondary index (the ledger has
    a column ``key``), which ``CREATE INDEX IF NOT EXISTS`` would then skip."""
    _, store = stores
    flagged = Table(
        view="flags",
        name="flags",
        columns={"case_id": "TEXT", "key": "INTEGER"},
        key=("case_id",),
        indexes=(("key",),),
    )
    store.create_generation("flags", (flagged,), activate=True)
    building = store.create_generation("flags", (flagged,), activate=False, indexed=False)
    store.create_indexes((flagged,), building)
    name = physical(flagged.name, building)
    catalog = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        if store.dialect == "sqlite"
        else "SELECT indexname AS name FROM pg_indexes WHERE tablename = ?"
    )
    names = {row["name"] for row in store.fetch(catalog, (name,))}
    assert {f"{name}_key", f"{name}_pkey"} <= names


def test_a_generation_indexed_after_its_rows_are_written_finds_them_and_what_comes_next_R_S4(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """A rebuild fills a generation made without keys or indexes, then adds them: the
    full-text index covers the rows already there, and keeps following the case's rows
    replaced afterwards (which needs the key: a replacement is an upsert)."""
    _, store = stores
    store.create_generation("words", (WORDS,), activate=True)
    building = store.create_generation("words", (WORDS,), activate=False, indexed=False)
    rows = [
        {"case_id": "a", "year": 2024, "head": "农村 公路", "body": "养护"},
        {"case_id": "b", "year": 2025, "head": "老旧 小区", "body": "公路"},
    ]
    _bulk_insert(store, building, rows)
    store.create_indexes((WORDS,), building)
    store.switch_generation("words", building, (WORDS,))

    def found(column: str, term: str) -> list[str]:
        match = TextMatch(WORDS, (column,), (term,), False, 10)
        return sorted(r["case_id"] for r in store.matching(match))

    assert found("head", "公路") == ["a"]
    assert found("body", "公路") == ["b"]
    replaced = ViewChanges(replace={"words": (["a"], [{**rows[0], "head": "城镇"}])})
    store.write({"words": replaced}, {"words": (WORDS,)}, {"words": building})
    assert found("head", "公路") == []
    assert found("head", "城镇") == ["a"]


def test_a_large_batch_is_tracked_when_answers_arrive_while_it_is_sent(
    stores: tuple[Any, ViewStoreBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL answers a pipeline's statements while later ones are still being sent, and
    psycopg attaches each answer to the cursor that sent its statement when it reads it. The
    answers to a large batch's INSERTs, read while the tracking row was sent on the same
    cursor, were taken for the tracking row's: "the last operation didn't produce records
    (command status: INSERT 0 1)". Nothing was lost (the batch rolled back), but the view
    keeper then applied the batch again one event per transaction, silently and far slower:
    found when a keeper caught up with 470k events at a few hundred events a second. The
    pause before the tracking row gives the server time to answer what came before it."""
    _, store = stores
    store.create_generation("things", (ROWS, LOG), activate=True)
    track_all = type(store)._track_all

    def late(self: ViewStoreBase, cursor: Any, trackings: Any) -> None:
        time.sleep(0.05)
        track_all(self, cursor, trackings)

    monkeypatch.setattr(type(store), "_track_all", late)
    position = 0
    for _ in range(12):
        rows = [{"position": position + i, "note": "x"} for i in range(1, 501)]
        position += len(rows)
        _write(store, ViewChanges(append={"log": rows}, position=position))
    assert store.positions([("things", 1)]) == {"things": position}
    assert len(_read(store, LOG)) == position


def test_a_rebuilds_bulk_writes_store_nul_as_every_write_does(
    stores: tuple[Any, ViewStoreBase],
) -> None:
    """The rebuild's writer checks a whole batch for NUL at once and guards it cell by cell
    only then: a NUL is stored as ``write`` stores it (U+FFFD on PostgreSQL), and text that
    spells ``\\u0000`` out, which the batch check cannot tell from one, is kept as written."""
    _, store = stores
    building = store.create_generation("things", (ROWS, LOG), activate=False, indexed=False)
    writers = bulk_writers(store)
    assert writers is not None
    rows = [
        {"case_id": "c1", "seq": 0, "label": "bad\x00title", "weight": 0.0},
        {"case_id": "c2", "seq": 0, "label": "spelled \\u0000 out", "weight": 1.0},
        {"case_id": "c3", "seq": 0, "label": "plain", "weight": 2.0},
    ]
    writer = writers()
    try:
        writer.insert(ROWS, building, rows[2:])  # a batch with no NUL: taken as it is
        writer.insert(ROWS, building, rows[:2])
        writer.commit()
    finally:
        writer.close()
    stored = {r["case_id"]: r["label"] for r in _read(store, ROWS, building)}
    nul = "\ufffd" if store.dialect == "postgres" else "\x00"
    assert stored == {"c1": f"bad{nul}title", "c2": "spelled \\u0000 out", "c3": "plain"}
