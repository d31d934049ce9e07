"""Integration fixtures: a real PostgreSQL server (``tests/postgres_fixture.py``), a real Kafka
broker (``tests/kafka_fixture.py``), and the same contract run against every event-store backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.kafka_fixture import kafka_bootstrap, kafka_clients, kafka_topic  # noqa: F401  (fixtures)
from tests.postgres_fixture import pg_env, postgres_dsn  # noqa: F401  (fixtures)


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The same contract, run against every event-store backend."""
    if request.param == "sqlite":
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "e.db"),
        }
    env: dict[str, str] = request.getfixturevalue("pg_env")
    return env


@pytest.fixture
def stores(store_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """An application and its read-model store, on the backend ``store_env`` names; their
    connections are closed after the test, not whenever the garbage collector gets to them
    (PostgreSQL refuses clients past its limit, and a pool's threads outlive the test)."""
    from infra.application import BanliApplication
    from infra.read_models import build_view_store
    from infra.settings import Settings

    app = BanliApplication(env=store_env)
    store = build_view_store(Settings(data_dir=tmp_path / "views"), env=store_env)
    yield app, store
    app.close()
    store.close()


@pytest.fixture(params=["sqlite", "postgres"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Service settings on each event-store backend, unciphered, without embedded notices
    (a test drives its own follower)."""
    from infra.settings import Settings
    from tests.postgres_fixture import database_url

    if request.param == "sqlite":
        return Settings(data_dir=tmp_path, cipher_key=None, embedded_notices=False)
    env: dict[str, str] = request.getfixturevalue("pg_env")
    return Settings(
        data_dir=tmp_path,
        database_url=database_url(env),
        database_schema=env["POSTGRES_SCHEMA"],
        cipher_key=None,
        embedded_notices=False,
    )
