"""The fast path of a rebuild on its own (``infra/rebuild_fill.py``): processes split by case id
fill new generations that equal, row for row, the views the log runner kept event by event.
The differential tests compare whole rebuilds, which fall back to the runner if the fast path
fails; here the fast path must succeed, and nothing else writes the new generations."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.application import BanliApplication
from infra.projection_runner import ProjectionRunner
from infra.read_models import build_view_store
from infra.rebuild_fill import fill
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections import registry
from tests.integration.differential import (
    assert_history_exercised,
    assert_same_rows,
    history_seed,
    reproduce,
)
from tests.random_history import RandomHistory
from tests.support import snapshot


@pytest.fixture(params=["sqlite", "postgres"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[BanliApplication, ViewStoreBase]:
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path / "data")
        return BanliApplication(env=settings.eventsourcing_env()), build_view_store(settings)
    pg_env: dict[str, str] = request.getfixturevalue("pg_env")
    return BanliApplication(env=pg_env), build_view_store(Settings(), env=pg_env)


def test_cases_split_across_processes_fill_the_same_rows_as_the_runner_R_D7(
    stores: tuple[BanliApplication, ViewStoreBase],
) -> None:
    app, store = stores
    seed = history_seed()
    print(reproduce(seed))
    history = RandomHistory(app, seed)
    history.run(150)
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
