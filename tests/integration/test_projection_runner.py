"""The batched runner on SQLite and PostgreSQL: incremental processing with restarts and
crashes at random points gives, row for row, what a full rebuild gives."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from demo import load_demo
from domain import commands as cmd
from infra.application import BanliApplication
from infra.projection_runner import ProjectionRunner, rebuild
from infra.view_store import ViewStoreBase
from projections.ledger import DEADLINES
from projections.registry import NAMES
from tests.support import Flow, snapshot


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
    rebuild(app, store, NAMES)
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


def test_a_keeper_follows_a_switch_made_by_another_process_and_loses_nothing(
    stores: tuple[BanliApplication, ViewStoreBase],
    store_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The keeper looks at the generations as readers do, at most once a
    ``GENERATION_TTL_SECONDS``: a rebuild switched over by another process is followed after
    that, and what the keeper wrote meanwhile into the generation it replaced is not lost (the
    new one carries on from its own position)."""
    from infra.read_models import build_view_store
    from infra.settings import Settings

    app, store = stores
    # Within the second however long the rebuild takes on a slow machine; then past it.
    monkeypatch.setattr(store, "GENERATION_TTL_SECONDS", 3600.0)
    Flow(app, "SW-1").assign()
    runner = ProjectionRunner(app, store)
    runner.run()
    before = dict(runner.generations)
    other = build_view_store(Settings(data_dir=tmp_path / "views"), env=store_env)
    try:
        rebuild(app, other, NAMES)  # another process's rebuild, with its own switch-over
    finally:
        other.close()
    Flow(app, "SW-2").assign()
    runner.run()  # within the second: still the old generation, as readers here see it
    assert runner.generations == before
    monkeypatch.setattr(store, "GENERATION_TTL_SECONDS", 0.0)  # the second has passed
    Flow(app, "SW-3").assign()
    runner.run()
    assert all(runner.generations[n] > before[n] for n in NAMES)
    head = app.recorder.max_notification_id()
    assert set(runner.positions().values()) == {head}
    numbers = {r["number"] for r in snapshot(store)["ledger_cases"]}
    assert {"SW-1", "SW-2", "SW-3"} <= numbers
    followed = snapshot(store)
    rebuild(app, store, NAMES)
    assert snapshot(store) == followed


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


def _reply_due_in_ledger(store: ViewStoreBase, case_id: str) -> tuple[str, int]:
    table = store.table(DEADLINES)
    rows = store.fetch(
        f"SELECT due_on, calendar_provisional FROM {table} WHERE case_id = ? AND kind = 'reply'",
        [case_id],
    )
    return rows[0]["due_on"], rows[0]["calendar_provisional"]


@pytest.mark.parametrize("restart", [True, False], ids=["restarted", "cache-of-one"])
def test_a_loaded_calendar_year_survives_restarts_and_evictions_R_D7(
    stores: tuple[BanliApplication, ViewStoreBase], restart: bool
) -> None:
    """The reproduction: 2027-03-01 loaded as a holiday, then (after a restart, or with a case
    cache of one) a case assigned on 2026-12-01 is due on the next working day, 2027-03-02,
    in the ledger exactly as on the case itself - not Monday-Friday and provisional."""
    from datetime import date

    from tests.support import ctx

    app, store = stores
    app.stored_calendar.load_year(ctx(), 2027, [date(2027, 3, 1)], [])
    ProjectionRunner(app, store, cache_size=1 if not restart else 500_000).run()
    runner = ProjectionRunner(app, store, cache_size=1)  # a fresh process, or a tiny cache
    flow = Flow(app, "CAL-1", year=2026, received_on=date(2025, 11, 20))
    flow.run(
        cmd.Assign(case_id=flow.id, assigned_on=date(2026, 12, 1), lead_unit="FIN"),
        today=date(2026, 12, 2),
    )
    Flow(app, "CAL-2", year=2026, received_on=date(2025, 11, 20))  # evicts CAL-1 (cache of 1)
    runner.run()
    reply = next(d for d in flow.case_deadlines(date(2026, 12, 2)) if d.kind == "reply")
    assert (reply.due_on, reply.calendar_provisional) == (date(2027, 3, 2), False)
    assert _reply_due_in_ledger(store, flow.id) == ("2027-03-02", 0)
