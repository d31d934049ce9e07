"""The batched runner on SQLite and PostgreSQL: incremental processing with restarts and
crashes at random points gives, row for row, what a full rebuild gives."""

from __future__ import annotations

import random
from typing import Any

import pytest

from infra.application import BanliApplication
from infra.demo import load_demo
from infra.projection_runner import VIEW_NAMES, ProjectionRunner, all_views, rebuild
from infra.view_store import ViewStoreBase
from tests.support import Flow


def snapshot(store: ViewStoreBase) -> dict[str, list[dict[str, Any]]]:
    """Every row of every view table, in key order, from the active generations."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for group in all_views():
        for view in group:
            for table in view.tables:
                order = ", ".join(table.key)
                name = store.table(view.name, table.name)
                tables[table.name] = store.fetch(f"SELECT * FROM {name} ORDER BY {order}", ())
    return tables


class Crash(Exception):
    pass


def test_incremental_with_restarts_and_crashes_equals_a_full_rebuild(
    stores: tuple[BanliApplication, ViewStoreBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, store = stores
    load_demo(app, seed=7, scale=0.05)
    head = app.recorder.max_notification_id() or 0
    rng = random.Random(11)
    crashes = 0
    while True:
        # Each pass is a fresh process: new runner, cold cache, random batch size.
        runner = ProjectionRunner(app, store, batch_size=rng.randint(1, 300))
        if crashes < 3 and rng.random() < 0.5:
            crashes += 1
            original = store.write

            def crash(*args: Any, **kwargs: Any) -> None:
                raise Crash  # the process dies before its batch transaction commits

            monkeypatch.setattr(store, "write", crash)
            with pytest.raises(Crash):
                runner.run_batch()
            monkeypatch.setattr(store, "write", original)
        for _ in range(rng.randint(1, 5)):
            runner.run_batch()
        if min(p or 0 for p in runner.positions().values()) >= head:
            break
    incremental = snapshot(store)
    assert sum(len(rows) for rows in incremental.values()) > head  # views are not empty
    rebuild(app, store, VIEW_NAMES)
    rebuilt = snapshot(store)
    for table, rows in rebuilt.items():
        assert incremental[table] == rows, table


def test_views_follow_new_events_after_catching_up(
    stores: tuple[BanliApplication, ViewStoreBase],
) -> None:
    app, store = stores
    load_demo(app, seed=3, scale=0.03)
    runner = ProjectionRunner(app, store)
    runner.run()
    before = len(snapshot(store)["audit_events"])
    head = app.recorder.max_notification_id() or 0
    Flow(app, "EXTRA-1").assign()
    runner.run()
    after = snapshot(store)
    assert len(after["audit_events"]) == before + 2
    assert any(r["number"] == "EXTRA-1" for r in after["ledger_cases"])
    assert min(p or 0 for p in runner.positions().values()) == head + 2


def test_views_track_events_they_ignore(stores: tuple[BanliApplication, ViewStoreBase]) -> None:
    """Directory events touch no case view, yet every view's position reaches the head."""
    from infra.directory import BOOTSTRAP, Directory

    app, store = stores
    Flow(app, "T-1").assign()
    Directory(app).create_unit(BOOTSTRAP, "FIN", "财政厅")
    runner = ProjectionRunner(app, store)
    runner.run()
    head = app.recorder.max_notification_id()
    assert set(runner.positions().values()) == {head}
