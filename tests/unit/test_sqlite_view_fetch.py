"""The SQLite view store's rows: dicts keyed by column name, as every read expects them."""

from __future__ import annotations

from pathlib import Path

from infra.read_models import SQLiteViewStore, build_view_store
from infra.settings import Settings


def _store(tmp_path: Path) -> SQLiteViewStore:
    store = build_view_store(Settings(data_dir=tmp_path, database_url=None, cipher_key=None))
    assert isinstance(store, SQLiteViewStore)
    return store


def test_rows_are_dicts_in_column_order(tmp_path: Path) -> None:
    rows = _store(tmp_path).fetch("SELECT 1 AS b, 'x' AS a, NULL AS c", ())
    assert rows == [{"b": 1, "a": "x", "c": None}]
    assert list(rows[0]) == ["b", "a", "c"]


def test_a_name_twice_keeps_its_first_column(tmp_path: Path) -> None:
    """A join that selects a name twice (``p.*`` beside a column of the same name) reads the
    first, as rows read by name always have."""
    store = _store(tmp_path)
    rows = store.fetch("SELECT 0 AS x, 1 AS a, 2 AS b, 3 AS a", ())
    assert rows == [{"x": 0, "a": 1, "b": 2}]
    assert list(rows[0]) == ["x", "a", "b"]
    assert store.fetch("SELECT 1 AS a, 2 AS a", ()) == [{"a": 1}]


def test_a_statement_without_rows_gives_none(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert store.fetch("SELECT 1 AS a WHERE 0", ()) == []
    assert store.fetch("CREATE TABLE t (a)", ()) == []
