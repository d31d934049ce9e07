"""Event store → relay → real Kafka broker → projection consumers, on SQLite and PostgreSQL.

The Kafka-fed read models must equal, row for row, a full rebuild from the event store by the
embedded runner, also after re-published events and a consumer that restarts mid-stream.
"""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from consumers.kafka_loop import PartitionedConsumer
from consumers.projection_consumer import KafkaProjections
from consumers.relay import Relay
from demo import load_demo
from domain.records import Actor
from infra.application import BanliApplication
from infra.command_context import CommandContext
from infra.kafka_clients import ensure_topic, make_consumer, make_producer
from infra.projection_runner import rebuild
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections.audit_trail import AUDIT
from projections.registry import KAFKA_FED
from tests.support import snapshot

Stores = tuple[BanliApplication, ViewStoreBase]


def kafka_settings(bootstrap: str, topic: str) -> Settings:
    return Settings(kafka_bootstrap=bootstrap, kafka_topic=topic, kafka_partitions=3)


def kafka_snapshot(store: ViewStoreBase) -> dict[str, list[dict[str, Any]]]:
    return snapshot(store, KAFKA_FED)


def consume_until(consumer: PartitionedConsumer, store: ViewStoreBase, events: int) -> None:
    """Polls until the audit view holds ``events`` rows (bounded: fails after 90 s)."""
    deadline = time.monotonic() + 90
    table = store.table(AUDIT)
    while time.monotonic() < deadline:
        consumer.poll_once(timeout_ms=200)
        if store.fetch(f"SELECT COUNT(*) AS n FROM {table}", ())[0]["n"] >= events:
            return
    raise AssertionError(f"consumer did not reach {events} events in 90 s")


def relay_all(app: BanliApplication, store: ViewStoreBase, settings: Settings) -> Relay:
    """Publishes the whole log, then closes the producer (its position stays in ``store``)."""
    producer = make_producer(settings)
    relay = Relay(app, producer, store, settings.kafka_topic, batch_size=250)  # type: ignore[arg-type]
    try:
        while relay.run_batch():
            pass
    finally:
        producer.close(timeout=10)
    return relay


def test_kafka_fed_views_equal_a_full_rebuild(
    stores: Stores,
    kafka_bootstrap: str,
    kafka_topic: str,
    kafka_clients: ExitStack,
) -> None:
    app, store = stores
    load_demo(app, seed=9, scale=0.03)
    # A calendar load recomputes every case's deadlines on the consumer side too (R-D7).
    admin = Actor(user="admin", role="admin", unit=None)
    spring = [date(2025, 1, 28), date(2025, 1, 29), date(2025, 2, 4), date(2025, 5, 6)]
    app.stored_calendar.load_year(CommandContext(admin, date(2026, 6, 30)), 2025, spring, [])
    head = app.recorder.max_notification_id() or 0
    settings = kafka_settings(kafka_bootstrap, kafka_topic)
    ensure_topic(settings)
    relay = relay_all(app, store, settings)
    assert relay.position() == head

    group = f"g-{uuid.uuid4().hex[:8]}"
    projections = KafkaProjections(app, store, group, kafka_topic)
    consumer = PartitionedConsumer(
        projections, make_consumer(settings, group), kafka_topic, max_records=97
    )
    kafka_clients.callback(consumer.consumer.close, autocommit=False)
    consume_until(consumer, store, head)
    fed = kafka_snapshot(store)
    assert sum(len(rows) for rows in fed.values()) > head

    # A relay that crashed after the broker's ack but before saving its position re-publishes.
    producer = make_producer(settings)
    kafka_clients.callback(producer.close, timeout=10)
    again = Relay(app, producer, _Rewound(store, head // 2), kafka_topic)
    while again.run_batch():
        pass
    for _ in range(10):
        consumer.poll_once(timeout_ms=200)
    assert kafka_snapshot(store) == fed  # duplicates changed nothing

    rebuild(app, store, list(KAFKA_FED))
    assert kafka_snapshot(store) == fed


class _Rewound:
    """A relay position store that forgets everything after ``position`` once."""

    def __init__(self, store: ViewStoreBase, position: int) -> None:
        self.store = store
        self.position = position

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.position

    def insert_tracking(self, tracking: Any) -> None:
        self.position = tracking.notification_id


def test_a_restarted_consumer_resumes_where_its_views_stopped(
    stores: Stores,
    kafka_bootstrap: str,
    kafka_topic: str,
    kafka_clients: ExitStack,
    tmp_path: Path,
) -> None:
    app, store = stores
    load_demo(app, seed=4, scale=0.03)
    head = app.recorder.max_notification_id() or 0
    settings = kafka_settings(kafka_bootstrap, kafka_topic)
    ensure_topic(settings)
    relay_all(app, store, settings)
    group = f"g-{uuid.uuid4().hex[:8]}"
    first = PartitionedConsumer(
        KafkaProjections(app, store, group, kafka_topic),
        make_consumer(settings, group),
        kafka_topic,
        max_records=50,
    )
    first.poll_once(timeout_ms=2000)
    first.poll_once(timeout_ms=2000)
    first.consumer.close(autocommit=False)  # the process dies: Kafka never saw a commit
    second = PartitionedConsumer(
        KafkaProjections(app, store, group, kafka_topic),
        make_consumer(settings, group),
        kafka_topic,
        max_records=500,
    )
    kafka_clients.callback(second.consumer.close, autocommit=False)
    consume_until(second, store, head)
    fed = kafka_snapshot(store)
    rebuild(app, store, list(KAFKA_FED))
    assert kafka_snapshot(store) == fed
