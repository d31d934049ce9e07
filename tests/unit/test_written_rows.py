"""What the log runner remembers having written (``infra/written_rows.py``): a case's rows in a
table are left out of a batch only when they are exactly those last written."""

from __future__ import annotations

from infra.written_rows import WrittenRows
from projections.core import Row, Table
from projections.processor import ViewChanges

TABLE = Table(view="v", name="t", columns={"case_id": "TEXT", "n": "INTEGER"}, key=("case_id", "n"))
TABLES = {"v": [TABLE]}


def batch(**cases: list[int]) -> dict[str, ViewChanges]:
    rows: list[Row] = [{"case_id": c, "n": n} for c, ns in cases.items() for n in ns]
    return {"v": ViewChanges(replace={"t": (sorted(cases), rows)})}


def written(memory: WrittenRows, changes: dict[str, ViewChanges]) -> tuple[list[str], list[Row]]:
    memory.remember(memory.leave_out_unchanged(changes, TABLES))
    return changes["v"].replace["t"]


def test_only_cases_whose_rows_changed_are_written_again_R_S1() -> None:
    memory = WrittenRows()
    assert written(memory, batch(a=[1, 2], b=[3])) == (
        ["a", "b"],
        batch(a=[1, 2], b=[3])["v"].replace["t"][1],
    )
    ids, rows = written(memory, batch(a=[1, 2], b=[3, 4]))
    assert ids == ["b"] and rows == [{"case_id": "b", "n": 3}, {"case_id": "b", "n": 4}]
    # Rows gone are a change too: the case's old rows must be deleted.
    assert written(memory, batch(a=[], b=[3, 4])) == (["a"], [])
    assert written(memory, batch(a=[], b=[3, 4])) == ([], [])


def test_nothing_counts_as_written_until_the_write_is_remembered_R_S1() -> None:
    memory = WrittenRows()
    memory.leave_out_unchanged(batch(a=[1]), TABLES)  # the batch's transaction failed
    assert written(memory, batch(a=[1])) == (["a"], [{"case_id": "a", "n": 1}])


def test_the_least_recently_written_are_forgotten_past_the_bound_R_S1() -> None:
    memory = WrittenRows(entries=2)
    written(memory, batch(a=[1], b=[1]))
    written(memory, batch(a=[1]))  # a is left out, and is now the most recent
    written(memory, batch(c=[1]))  # b is forgotten
    assert written(memory, batch(a=[1], b=[1], c=[1]))[0] == ["b"]
