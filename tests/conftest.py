"""Suite-wide collection: the tests of the shared Kafka broker form one xdist group.

``make test`` spreads the suite over processes (pytest-xdist, ``--dist loadgroup``). Every
test has its own data folder, PostgreSQL schema and Kafka topics, but there is one broker,
and ``test_kafka_faults`` stops and restarts it: a Kafka test running beside it in another
process would lose its broker mid-test. Grouping them runs them in one process, one at a time.
"""

from __future__ import annotations

import pytest

KAFKA_FIXTURES = frozenset({"kafka_bootstrap", "kafka_topic"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if KAFKA_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("kafka"))
