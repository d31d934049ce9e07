"""Differential test of the embedded transport, on SQLite and PostgreSQL.

A real ``banli projections follow`` (a case cache of one, small batches) follows a random
history with calendar loads (``tests.random_history``) and is SIGKILLed at random positions
of the log, while commands keep arriving and while it is down. Once every view's tracked
position reaches the head, every row of every view must equal a fresh rebuild from the store.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from infra.application import BanliApplication
from infra.projection_runner import rebuild
from infra.read_models import build_view_store
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections.registry import NAMES
from tests.integration.differential import (
    assert_history_exercised,
    assert_same_rows,
    history_seed,
    point_ahead,
    reproduce,
)
from tests.integration.supervised import (
    Supervised,
    banli_env,
    postgres_url,
    supervising,
    wait_for,
)
from tests.random_history import RandomHistory
from tests.support import snapshot

KILLS = 3


@dataclass
class Backend:
    app: BanliApplication
    store: ViewStoreBase
    env: dict[str, str]  # what a `banli` process needs to use the same store


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path / "data")
        return Backend(
            BanliApplication(env=settings.eventsourcing_env()),
            build_view_store(settings),
            banli_env(data_dir=str(settings.data_dir), projection_cache_size="1"),
        )
    pg_env: dict[str, str] = request.getfixturevalue("pg_env")
    return Backend(
        BanliApplication(env=pg_env),
        build_view_store(Settings(), env=pg_env),
        banli_env(
            database_url=postgres_url(pg_env),
            database_schema=pg_env["POSTGRES_SCHEMA"],
            projection_cache_size="1",
        ),
    )


def lowest_position(store: ViewStoreBase) -> int:
    """The position every view has reached (0 until the follower created them all)."""
    generations = store.generations()  # the notices' table too, once the follower notices
    if not set(NAMES) <= set(generations):
        return 0
    positions = store.positions((name, generations[name][0]) for name in NAMES)
    return min(p or 0 for p in positions.values())


def follow_to(store: ViewStoreBase, position: int, follower: Supervised) -> None:
    wait_for(
        lambda: lowest_position(store) >= position,
        f"every view to reach position {position}",
        [follower],
    )


def test_followed_log_killed_at_random_equals_a_rebuild_R_D7_R_S1(
    backend: Backend, tmp_path: Path
) -> None:
    seed = history_seed()
    print(reproduce(seed))
    app, store = backend.app, backend.store
    history = RandomHistory(app, seed)
    faults = random.Random(f"faults:{seed}")
    history.run(100)
    follower = Supervised(
        "follower",
        ["projections", "follow", "--batch-size", "7", "--poll-seconds", "0.05"],
        backend.env,
        tmp_path / "banli.log",
    )
    with supervising(follower):
        for _ in range(KILLS):
            history.run(faults.randint(40, 70))  # appended while it follows
            head = app.recorder.max_notification_id() or 0
            # Killed once it has passed a random point of what it has still to do.
            follow_to(store, point_ahead(faults, lowest_position(store), head), follower)
            print(f"follower killed past position {lowest_position(store)} of {head}")
            follower.kill()
            history.run(faults.randint(10, 30))  # appended while it is down
            history.load_calendar()
            follower.start()
        follow_to(store, app.recorder.max_notification_id() or 0, follower)
    kept = snapshot(store)
    rebuild(app, store, NAMES)
    rebuilt = snapshot(store)
    assert_history_exercised(rebuilt, seed)
    assert_same_rows(kept, rebuilt, seed)
