"""Kafka client wiring (kafka-python): an idempotent, acks=all producer; manual-offset consumers."""

from __future__ import annotations

from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from infra.settings import Settings


def _bootstrap(settings: Settings) -> str:
    if not settings.kafka_bootstrap:
        raise RuntimeError("BANLI_KAFKA_BOOTSTRAP is not set")
    return settings.kafka_bootstrap


def ensure_topic(settings: Settings) -> None:
    create_topic(settings, settings.kafka_topic, settings.kafka_partitions)


def create_topic(
    settings: Settings, name: str, partitions: int, configs: dict[str, str] | None = None
) -> None:
    admin = KafkaAdminClient(bootstrap_servers=_bootstrap(settings), client_id="banli-admin")
    try:
        admin.create_topics(
            [NewTopic(name, partitions, replication_factor=1, topic_configs=configs or {})]
        )
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


def make_producer(settings: Settings) -> Any:
    return KafkaProducer(
        bootstrap_servers=_bootstrap(settings),
        client_id="banli-relay",
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        retries=2**31 - 1,
    )


def make_consumer(settings: Settings, group: str) -> Any:
    return KafkaConsumer(
        bootstrap_servers=_bootstrap(settings),
        group_id=group,
        client_id=f"banli-{group}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=2000,
        # A consumer that joined while the broker was restarting may have seen no partitions
        # for the topic; refresh metadata often so it is assigned within seconds, not minutes.
        metadata_max_age_ms=5000,
    )
