"""The log runner rewrites only the case-view tables whose rows a batch changed
(``infra/written_rows.py``), and the views it keeps so stay, row for row, what a full rebuild
gives."""

from __future__ import annotations

from typing import Any

import pytest

from infra.application import BanliApplication
from infra.projection_runner import ProjectionRunner, rebuild
from infra.view_store import ViewStoreBase
from projections.core import Table
from projections.registry import NAMES
from tests.support import Flow, snapshot


def rewritten_tables(store: ViewStoreBase, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables whose rows of some case the store deletes (to write them again) from now on."""
    seen: list[str] = []
    delete = store._delete_cases

    def noting(c: Any, table: Table, generation: int, ids: list[str]) -> None:
        if ids:
            seen.append(table.name)
        delete(c, table, generation, ids)

    monkeypatch.setattr(store, "_delete_cases", noting)
    return seen


def test_a_contact_rewrites_only_the_tables_it_changes_and_the_views_equal_a_rebuild_R_S1(
    stores: tuple[BanliApplication, ViewStoreBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, store = stores
    flow = Flow(app, "2025-101")
    flow.assign(co=["EDU"])
    runner = ProjectionRunner(app, store)
    runner.run()
    seen = rewritten_tables(store, monkeypatch)

    flow.contact()
    runner.run()
    # The contact moved the ledger and the contact papers; nothing a reply makes changed.
    assert {"ledger_cases", "paper_contacts"} <= set(seen)
    assert not {"public_replies", "disclosure_register", "b_commitments"} & set(seen)

    seen.clear()
    reply = flow.submit()
    flow.approve(reply)
    runner.run()
    assert "ledger_cases" in seen

    incremental = snapshot(store)
    rebuild(app, store, NAMES)
    assert snapshot(store) == incremental


def test_after_a_failed_batch_every_table_of_its_cases_is_written_again_R_S1(
    stores: tuple[BanliApplication, ViewStoreBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the runner remembers having written is dropped with its processor: a batch that
    failed part-way is never taken to have left rows in place."""
    app, store = stores
    flow = Flow(app, "2025-102")
    flow.assign()
    runner = ProjectionRunner(app, store)
    runner.run()
    every = {t.name for name in NAMES for t in runner.tables[name] if t.case_column}

    def failing(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away mid-batch")

    monkeypatch.setattr(store, "write", failing)
    monkeypatch.setattr(store, "reachable", lambda: False)
    flow.contact()
    with pytest.raises(RuntimeError):
        runner.run_batch()
    monkeypatch.undo()  # the store writes again
    seen = rewritten_tables(store, monkeypatch)
    runner.run()
    assert set(seen) == every  # every case table of the case, again

    incremental = snapshot(store)
    rebuild(app, store, NAMES)
    assert snapshot(store) == incremental
