"""Where anchors are published: places the database's owner cannot rewrite.

- an append-only JSON-lines file *outside* the data folder (in production a mount the database
  host does not have, or one made append-only with ``chattr +a`` / a WORM volume);
- a Kafka topic of one partition kept forever (``retention.ms=-1``): records are immutable once
  acknowledged by the broker, whose ACLs are not the database's.

Every sink receives every anchor; verification reads them all back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

from infra.anchors import SinkLine
from infra.settings import Settings

KAFKA_TIMEOUT_S = 30.0
# Reading back is on the path of every verification: a broker that is away fails it sooner.
READ_TIMEOUT_MS = 10_000
# Anchors are the evidence: the topic never deletes them by age or size.
ANCHOR_TOPIC_CONFIG = {"cleanup.policy": "delete", "retention.ms": "-1", "retention.bytes": "-1"}


class AnchorSink(Protocol):
    @property
    def name(self) -> str: ...

    def append(self, line: str) -> None: ...

    def lines(self) -> list[SinkLine]: ...


class FileSink:
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def name(self) -> str:
        return f"file {self.path}"

    def append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: one write lands whole at the end, even with another writer; fsync so an
        # anchor that was reported as published survives a crash.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def lines(self) -> list[SinkLine]:
        if not self.path.exists():
            return []
        text = self.path.read_text(encoding="utf-8", errors="replace")
        return [
            SinkLine(f"{self.path} line {number}", line)
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]


class KafkaSink:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topic = settings.anchor_topic

    @property
    def name(self) -> str:
        return f"kafka topic {self.topic}"

    def append(self, line: str) -> None:
        from kafka import KafkaProducer

        from infra.kafka_clients import create_topic

        # One partition: the topic keeps the anchors in the order they were published.
        create_topic(self.settings, self.topic, 1, ANCHOR_TOPIC_CONFIG)
        producer = KafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            client_id="banli-anchor",
            acks="all",
            enable_idempotence=True,
        )
        try:
            producer.send(self.topic, value=line.encode()).get(timeout=KAFKA_TIMEOUT_S)
        finally:
            producer.close()

    def lines(self) -> list[SinkLine]:
        from kafka import KafkaConsumer, TopicPartition

        consumer: Any = KafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            client_id="banli-anchor-reader",
            enable_auto_commit=False,
            allow_auto_create_topics=False,
            bootstrap_timeout_ms=READ_TIMEOUT_MS,
            request_timeout_ms=READ_TIMEOUT_MS,
        )
        try:
            partitions = [
                TopicPartition(self.topic, p)
                for p in sorted(consumer.partitions_for_topic(self.topic))
            ]
            if not partitions:
                return []  # nothing was ever anchored to this topic
            consumer.assign(partitions)
            consumer.seek_to_beginning()
            end = consumer.end_offsets(partitions)
            found: list[SinkLine] = []
            while any(consumer.position(tp) < end[tp] for tp in partitions):
                batches = consumer.poll(timeout_ms=READ_TIMEOUT_MS)
                if not batches:
                    raise TimeoutError(f"{self.name}: no records within {READ_TIMEOUT_MS} ms")
                for records in batches.values():
                    for record in records:
                        text = bytes(record.value).decode("utf-8", errors="replace")
                        where = f"{self.name} partition {record.partition} offset {record.offset}"
                        found.append(SinkLine(where, text))
            return found
        finally:
            consumer.close()


def configured_sinks(settings: Settings) -> list[AnchorSink]:
    """The file (``BANLI_ANCHOR_FILE``) and the topic (with ``BANLI_KAFKA_BOOTSTRAP``)."""
    sinks: list[AnchorSink] = []
    if settings.anchor_file is not None:
        data = settings.data_dir.resolve()
        where = settings.anchor_file.resolve()
        if where == data or data in where.parents:
            msg = (
                f"BANLI_ANCHOR_FILE {where} is inside the data folder {data}: whoever can "
                "rewrite the store could rewrite its anchors too"
            )
            raise ValueError(msg)
        sinks.append(FileSink(settings.anchor_file))
    if settings.kafka_bootstrap:
        sinks.append(KafkaSink(settings))
    return sinks
