"""A rebuild's bulk writes take each row's cells in the table's column order."""

from __future__ import annotations

from infra.bulk_writes import values
from projections.core import Row, Table

TABLE = Table(view="v", name="t", columns={"a": "TEXT", "b": "INTEGER", "c": "TEXT"}, key=("a",))


def test_cells_follow_the_column_order_whatever_the_row_order() -> None:
    rows: list[Row] = [
        {"c": "z", "a": "x", "b": 1},
        {"b": 2, "c": None, "a": "y", "extra": "ignored"},
    ]
    assert values(TABLE, rows) == [("x", 1, "z"), ("y", 2, None)]


def test_a_column_a_row_leaves_out_is_null() -> None:
    rows: list[Row] = [{"a": "x", "b": 1, "c": "z"}, {"a": "y"}]
    assert values(TABLE, rows) == [("x", 1, "z"), ("y", None, None)]


def test_a_one_column_table_gives_one_cell_tuples() -> None:
    one = Table(view="v", name="o", columns={"a": "TEXT"}, key=("a",))
    assert values(one, [{"a": "x"}, {"a": "y"}]) == [("x",), ("y",)]
