"""One active relay per (store, topic): a second is refused, another topic or schema is not."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from infra.advisory_locks import lock_key
from infra.settings import Settings
from infra.single_instance import AlreadyRunning, single_instance


def test_a_second_instance_with_the_same_name_is_refused_on_postgres(postgres_dsn: str) -> None:
    settings = Settings(database_url=postgres_dsn)
    with single_instance(settings, "relay:a:topic-1"):
        with pytest.raises(AlreadyRunning), single_instance(settings, "relay:a:topic-1"):
            pass
        with single_instance(settings, "relay:b:topic-1"):  # another schema's relay runs
            pass
    with single_instance(settings, "relay:a:topic-1"):  # released when the holder stopped
        pass


def test_a_stopped_instance_has_let_its_lock_go_when_it_returns_on_postgres(
    postgres_dsn: str,
) -> None:
    """Released as the holder stops, not a moment later when its server process exits: a
    relay restarted at once was refused (and this file's first test failed once in CI)."""
    settings = Settings(database_url=postgres_dsn)
    # A bigint advisory key shows in pg_locks as its high and low 32 bits, unsigned.
    held = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s::oid "
        "AND objid = %s::oid AND objsubid = 1"
    )
    key = lock_key("relay:c:topic-1")
    halves = ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF)
    with psycopg.connect(postgres_dsn, autocommit=True) as watcher:
        for _ in range(20):
            with single_instance(settings, "relay:c:topic-1"):
                assert watcher.execute(held, halves).fetchone() == (1,)
            assert watcher.execute(held, halves).fetchone() == (0,)


def test_a_second_instance_with_the_same_name_is_refused_embedded(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with single_instance(settings, "relay::banli.events"):
        with pytest.raises(AlreadyRunning), single_instance(settings, "relay::banli.events"):
            pass
        with single_instance(settings, "relay::other"):
            pass
