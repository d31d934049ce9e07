"""The test broker from ``tests.kafka_fixture`` is a real Kafka: keyed messages keep their
per-key order and headers through an idempotent producer and a consumer group, and topics,
messages and committed offsets survive a broker restart."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer  # type: ignore[import-untyped, unused-ignore]

from consumers.kafka_loop import finish_stranded_join
from tests.kafka_fixture import kafka_bootstrap, kafka_topic, restart_broker  # noqa: F401

TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Received:
    key: str
    value: str
    partition: int
    offset: int
    headers: tuple[tuple[str, bytes], ...]


def _producer(bootstrap: str) -> Any:
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=f"banli-test-{uuid.uuid4().hex[:6]}",
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        request_timeout_ms=30_000,
    )


def _produce(
    bootstrap: str, topic: str, messages: list[tuple[str, str, list[tuple[str, bytes]]]]
) -> dict[str, set[int]]:
    """Send (key, value, headers) in order; return the partitions each key landed on."""
    producer = _producer(bootstrap)
    try:
        futures = [
            (key, producer.send(topic, key=key.encode(), value=value.encode(), headers=headers))
            for key, value, headers in messages
        ]
        producer.flush(timeout=TIMEOUT_S)
        partitions: dict[str, set[int]] = defaultdict(set)
        for key, future in futures:
            metadata = future.get(timeout=TIMEOUT_S)
            assert metadata.offset >= 0
            partitions[key].add(int(metadata.partition))
        return partitions
    finally:
        producer.close(timeout=10)


def _consume(bootstrap: str, topic: str, group: str, expected: int) -> list[Received]:
    """Read from the group's committed position until ``expected`` records (or a timeout),
    then a little longer to catch extras; commit and return what arrived."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        client_id=f"banli-test-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        # Right after a broker restart the topic may be missing from the first metadata answer;
        # the default 5-minute refresh would leave the group with no partitions until then.
        metadata_max_age_ms=1000,
    )
    received: list[Received] = []
    try:
        deadline = time.monotonic() + TIMEOUT_S
        linger_until: float | None = None
        while time.monotonic() < deadline:
            if len(received) >= expected:
                linger_until = linger_until or time.monotonic() + 1.0
                if time.monotonic() >= linger_until:
                    break
            # Right after a restart the group may join before the topic is known, and the join
            # that its metadata then starts strands (kafka-python 3.0); the consumers' own
            # remedy, as theirs: one failed CI run read nothing for 60 s.
            finish_stranded_join(consumer)
            batches: dict[Any, list[Any]] = consumer.poll(timeout_ms=250)
            for records in batches.values():
                received.extend(
                    Received(
                        key=bytes(r.key).decode(),
                        value=bytes(r.value).decode(),
                        partition=int(r.partition),
                        offset=int(r.offset),
                        headers=tuple((str(k), bytes(v)) for k, v in r.headers),
                    )
                    for r in records
                )
        consumer.commit()
    finally:
        consumer.close()
    return received


def _messages(keys: int, per_key: int, run: str) -> list[tuple[str, str, list[tuple[str, bytes]]]]:
    """Interleaved keyed messages: value ``key:seq``, headers carrying seq and a run tag."""
    return [
        (
            f"key-{k}",
            f"key-{k}:{seq}",
            [("seq", str(seq).encode()), ("run", run.encode()), ("bin", bytes([k, seq, 0, 255]))],
        )
        for seq in range(per_key)
        for k in range(keys)
    ]


def _seqs_by_key(received: list[Received]) -> dict[str, list[int]]:
    by_key: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for r in received:
        by_key[r.key].append((r.partition, r.offset, int(r.value.split(":")[1])))
    seqs: dict[str, list[int]] = {}
    for key, items in by_key.items():
        assert len({partition for partition, _, _ in items}) == 1, f"{key} spread over partitions"
        # Arrival order within a partition is offset order; check both.
        assert [offset for _, offset, _ in items] == sorted(offset for _, offset, _ in items)
        seqs[key] = [seq for _, _, seq in items]
    return seqs


def test_keyed_messages_round_trip_in_order_with_headers(
    kafka_bootstrap: str,  # noqa: F811
    kafka_topic: str,  # noqa: F811
) -> None:
    run = uuid.uuid4().hex
    messages = _messages(keys=10, per_key=10, run=run)
    assert len(messages) == 100

    partitions = _produce(kafka_bootstrap, kafka_topic, messages)
    assert all(len(p) == 1 for p in partitions.values()), "a key must map to one partition"

    received = _consume(kafka_bootstrap, kafka_topic, f"banli-test-{run}", expected=100)

    assert len(received) == 100
    assert sorted(r.value for r in received) == sorted(v for _, v, _ in messages)
    assert _seqs_by_key(received) == {f"key-{k}": list(range(10)) for k in range(10)}
    sent_headers = {value: tuple(headers) for _, value, headers in messages}
    for r in received:
        assert r.headers == sent_headers[r.value]
    # The group's offsets were committed: it has nothing left to read.
    assert _consume(kafka_bootstrap, kafka_topic, f"banli-test-{run}", expected=0) == []


@pytest.mark.broker_restart
def test_broker_restart_keeps_data_and_offsets(
    kafka_bootstrap: str,  # noqa: F811
    kafka_topic: str,  # noqa: F811
) -> None:
    run = uuid.uuid4().hex
    group = f"banli-test-{run}"
    before = _messages(keys=3, per_key=5, run=f"{run}-before")
    _produce(kafka_bootstrap, kafka_topic, before)
    assert len(_consume(kafka_bootstrap, kafka_topic, group, expected=len(before))) == len(before)

    address = restart_broker()
    assert address == kafka_bootstrap, "a restart keeps the broker's address"

    after = _messages(keys=3, per_key=5, run=f"{run}-after")
    _produce(kafka_bootstrap, kafka_topic, after)
    # The group resumes from the offsets it committed before the restart...
    resumed = _consume(kafka_bootstrap, kafka_topic, group, expected=len(after))
    assert sorted(r.value for r in resumed) == sorted(v for _, v, _ in after)
    assert {r.headers[1] for r in resumed} == {("run", f"{run}-after".encode())}
    # ...and the messages from before the restart are still in the log.
    everything = _consume(kafka_bootstrap, kafka_topic, f"{group}-all", expected=30)
    assert len(everything) == 30
    assert _seqs_by_key(everything) == {f"key-{k}": list(range(5)) * 2 for k in range(3)}
