"""The fast path of a rebuild on its own (``infra/rebuild_fill.py``): processes split by case id
fill new generations that equal, row for row, the views the log runner kept event by event.
The differential tests compare whole rebuilds, which fall back to the runner if the fast path
fails; here the fast path must succeed, and nothing else writes the new generations."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from domain.case import Case
from infra import bulk_writes, rebuild_fill
from infra.application import BanliApplication
from infra.log_reader import log_reader
from infra.partitions import partition_of
from infra.projection_runner import ProjectionRunner, rebuild
from infra.read_models import PostgresViewStore, build_view_store
from infra.rebuild_fill import fill
from infra.settings import Settings
from infra.view_store import ViewStoreBase, physical
from projections import registry
from projections.core import Table
from tests.integration.differential import (
    assert_history_exercised,
    assert_same_rows,
    history_seed,
    reproduce,
    run_until_exercised,
)
from tests.random_history import RandomHistory
from tests.support import Flow, snapshot


@pytest.fixture(autouse=True)
def no_service_threads() -> None:
    """The fill forks: a child inherits any lock another thread held at that moment, and one
    that was inside SQLite (a read-model runner left going by an earlier test in this process)
    left a child waiting for ever. Services a test starts are closed by it, not left running."""
    running = [t.name for t in threading.enumerate() if t.name.startswith("banli-")]
    assert not running, f"service threads still running in this test process: {running}"


@pytest.fixture(params=["sqlite", "postgres"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[BanliApplication, ViewStoreBase]]:
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path / "data")
        app, store = BanliApplication(env=settings.eventsourcing_env()), build_view_store(settings)
    else:
        pg_env: dict[str, str] = request.getfixturevalue("pg_env")
        app, store = BanliApplication(env=pg_env), build_view_store(Settings(), env=pg_env)
    yield app, store
    app.close()
    store.close()


def test_cases_split_across_processes_fill_the_same_rows_as_the_runner_R_D7(
    stores: tuple[BanliApplication, ViewStoreBase],
) -> None:
    app, store = stores
    seed = history_seed()
    print(reproduce(seed))
    history = RandomHistory(app, seed)
    run_until_exercised(history, 150)
    history.load_calendar()
    ProjectionRunner(app, store).run()
    kept = snapshot(store)

    tables = registry.tables()
    generations = {
        name: store.create_generation(name, tables[name], activate=False) for name in registry.NAMES
    }
    head = app.recorder.max_notification_id() or 0
    assert fill(app, store, generations, head, processes=3)
    positions = store.positions(generations.items())
    assert set(positions.values()) == {head}
    for name, generation in generations.items():
        store.switch_generation(name, generation, tables[name])
    rebuilt = snapshot(store)
    assert_history_exercised(rebuilt, seed)
    assert_same_rows(kept, rebuilt, seed)


def test_fewer_cases_than_processes_fill_every_view_R_D7(
    stores: tuple[BanliApplication, ViewStoreBase],
) -> None:
    """A log with fewer cases than processes (a new office's first case): an empty share
    starts no process, and every job that runs is waited for. Two jobs once shared a number:
    one process ran for both, and the fill waited for ever on the other's report."""
    app, store = stores
    # A case in the second of two shares: the count of non-empty shares (one) is then that
    # share's number, which the whole-log job took as well. Either store's spelling of the id.
    number = next(
        number
        for number in (f"2025-{n}" for n in range(200, 300))
        if all(
            partition_of(spelled, 2) == 1
            for case_id in [Case.create_id("suggestion", 2025, number)]
            for spelled in (case_id.hex, str(case_id))
        )
    )
    Flow(app, number).assign()
    head = app.recorder.max_notification_id() or 0
    reader = log_reader(app.recorder)
    assert reader is not None
    (case_id,) = reader.originators(head)  # spelled as the fill splits it
    assert partition_of(case_id, 2) == 1
    ProjectionRunner(app, store).run()
    kept = snapshot(store)

    tables = registry.tables()
    generations = {
        name: store.create_generation(name, tables[name], activate=False) for name in registry.NAMES
    }
    filled: list[bool] = []
    worker = threading.Thread(
        target=lambda: filled.append(fill(app, store, generations, head, processes=2)),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=120)
    assert filled == [True]
    for name, generation in generations.items():
        store.switch_generation(name, generation, tables[name])
    assert snapshot(store) == kept


def test_a_process_that_stops_reporting_gives_the_fill_up_and_empties_its_tables_R_D7(
    stores: tuple[BanliApplication, ViewStoreBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked process can hang for ever (a lock another thread of the parent held at the
    fork); the fill once waited on it for ever. Here each split process writes its first batch
    and then says nothing: the fill gives up, empties what was written, and the caller rebuilds
    event by event."""
    app, store = stores
    for n in range(1, 5):
        Flow(app, f"2025-{n}").assign()
    head = app.recorder.max_notification_id() or 0
    written = bulk_writes.insert_changes

    def write_then_hang(writer: Any, *changed: Any) -> None:
        written(writer, *changed)
        time.sleep(600)

    # Forked: the children's too.
    monkeypatch.setattr(rebuild_fill, "insert_changes", write_then_hang)
    monkeypatch.setattr(rebuild_fill, "STALL_SECONDS", 1.0)
    tables = registry.tables()
    generations = {
        name: store.create_generation(name, tables[name], activate=False) for name in registry.NAMES
    }
    assert not fill(app, store, generations, head, processes=2)
    assert multiprocessing.active_children() == []
    left = {
        table.name: store.fetch(f"SELECT COUNT(*) AS n FROM {store.table(table, generation)}", ())
        for name, generation in generations.items()
        for table in tables[name]
    }
    assert all(count == [{"n": 0}] for count in left.values()), left
    assert not any(store.positions(generations.items()).values())


def _indexes(store: ViewStoreBase, tables: Sequence[Table], generation: int) -> set[str]:
    """Every index of a generation's tables in PostgreSQL's catalog, as written for the table
    without its generation: comparable across generations."""
    assert isinstance(store, PostgresViewStore)
    schema = store.datastore.schema
    found: set[str] = set()
    for table in tables:
        name = physical(table.name, generation)
        rows = store.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ? AND tablename = ?",
            (schema, name),
        )
        found |= {f"{r['indexname']}: {r['indexdef']}".replace(name, table.name) for r in rows}
    return found


def test_a_rebuild_on_several_connections_builds_every_index_of_one_R_D7(
    pg_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL builds the new generations' keys and indexes on several connections at once:
    each view's tables get every index they get when built one after another."""
    app, store = BanliApplication(env=pg_env), build_view_store(Settings(), env=pg_env)
    try:
        Flow(app, "2025-1").assign()
        tables = registry.tables()
        monkeypatch.setattr(store, "index_builders", 1)
        one = rebuild(app, store, registry.NAMES)
        expected = {name: _indexes(store, tables[name], g) for name, g in one.items()}
        monkeypatch.setattr(store, "index_builders", 3)
        several = rebuild(app, store, registry.NAMES)
        for name, generation in several.items():
            assert generation != one[name]
            assert expected[name], name  # a key at least
            assert _indexes(store, tables[name], generation) == expected[name], name
    finally:
        app.close()
        store.close()


def test_a_failed_index_build_fails_the_rebuild_once_the_builds_under_way_are_done_R_D7(
    pg_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key the fill's rows break fails the rebuild and readers keep the active generations;
    the builds under way on the other connections have finished by then, none is left
    running."""
    app, store = BanliApplication(env=pg_env), build_view_store(Settings(), env=pg_env)
    try:
        Flow(app, "2025-1").assign()
        ProjectionRunner(app, store).run()
        active = {name: store.active_generation(name) for name in registry.NAMES}
        original = store.create_indexes

        def build(tables: Sequence[Table], generation: int) -> None:
            if tables[0].view == "ledger":
                raise RuntimeError("a duplicate key")
            original(tables, generation)

        monkeypatch.setattr(store, "index_builders", 3)
        monkeypatch.setattr(store, "create_indexes", build)
        with pytest.raises(RuntimeError, match="a duplicate key"):
            rebuild(app, store, registry.NAMES)
        assert not [t for t in threading.enumerate() if t.name.startswith("banli-index")]
        assert {name: store.active_generation(name) for name in registry.NAMES} == active
    finally:
        app.close()
        store.close()
