"""One active relay per (store, topic): a second is refused, another topic or schema is not."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_a_second_instance_with_the_same_name_is_refused_embedded(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with single_instance(settings, "relay::banli.events"):
        with pytest.raises(AlreadyRunning), single_instance(settings, "relay::banli.events"):
            pass
        with single_instance(settings, "relay::other"):
            pass
