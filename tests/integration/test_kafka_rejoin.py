"""A consumer whose group rebalances while it polls with short timeouts gets its partitions
(real broker).

kafka-python 3.0 leaves a JoinGroup that outlasts one ``poll`` in flight for the next poll to
finish, but only while ``need_rejoin()`` holds. When the rebalance was caused by new topic
metadata (the topic grew partitions, or was created after the consumer joined), the leader's
own assignment step marks that cause handled before the join is over, so no later poll ever
completes the join: the consumer had revoked everything and stayed with nothing. It was seen
in CI as a reminders consumer that never received a record (``test_notifications_kafka``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from kafka import KafkaAdminClient
from kafka.admin import NewPartitions

from consumers.kafka_loop import PartitionedConsumer, Record
from infra.kafka_clients import create_topic, make_consumer, make_producer
from tests.integration.test_kafka_pipeline import kafka_settings

# Past kafka-python's metadata refresh (``metadata_max_age_ms``, 5 s) and the rejoin after it.
WITHIN_S = 30.0


class Collected:
    """A sink that keeps what it is given."""

    def __init__(self) -> None:
        self.partitions: list[int] = []
        self.values: set[bytes] = set()

    def apply(self, records: Sequence[Record]) -> None:
        self.values.update(value for _, _, value in records)

    def assigned(self, partitions: Sequence[int], partition_count: int) -> None:
        self.partitions = list(partitions)

    def offsets(self, partitions: Iterable[int]) -> dict[int, int | None]:
        return dict.fromkeys(partitions)

    def revoked(self) -> None:
        self.partitions = []


def test_a_rebalance_on_new_partitions_completes_across_short_polls(
    kafka_bootstrap: str, kafka_topic: str
) -> None:
    settings = kafka_settings(kafka_bootstrap, kafka_topic)
    create_topic(settings, kafka_topic, 1)
    sink = Collected()
    consumer = PartitionedConsumer(sink, make_consumer(settings, f"{kafka_topic}-g"), kafka_topic)
    try:
        deadline = time.monotonic() + WITHIN_S
        while sink.partitions != [0] and time.monotonic() < deadline:
            consumer.poll_once(timeout_ms=200)
        assert sink.partitions == [0]

        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="banli-test-grow")
        try:
            admin.create_partitions({kafka_topic: NewPartitions(total_count=3)})
        finally:
            admin.close()
        producer = make_producer(settings)
        try:
            for partition in range(3):
                producer.send(kafka_topic, value=b"p%d" % partition, partition=partition)
            producer.flush()
        finally:
            producer.close()

        # The rebalance starts in a poll too short for a JoinGroup round trip (a busy consumer's
        # can be) and ends in the background; the polls after it are ordinary ones.
        deadline = time.monotonic() + WITHIN_S
        while sink.partitions and time.monotonic() < deadline:
            consumer.poll_once(timeout_ms=0)
            time.sleep(0.05)
        assert sink.partitions == [], "the new partitions started no rebalance"
        time.sleep(1)
        deadline = time.monotonic() + WITHIN_S
        while sink.values != {b"p0", b"p1", b"p2"} and time.monotonic() < deadline:
            consumer.poll_once(timeout_ms=200)
        assert sink.partitions == [0, 1, 2]
        assert sink.values == {b"p0", b"p1", b"p2"}
    finally:
        consumer.consumer.close()
