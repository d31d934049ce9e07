"""Part of ``bench.relay_lag``: relay throughput against a raw producer.

The event store is filled outside any timing through ``BanliApplication.record`` (events plus
their index rows), then the whole log is read once and every notification's envelope payload is
built beforehand. Timed, each on a fresh topic with the service's own producer, connected
before the clock starts: the relay's ``run_batch()`` loop; the raw producer sending everything
then flushing once; and, for reference, the raw producer in the relay's batches.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import Notification

from bench.plumbing import Topics
from bench.workload import EVENTS_PER_CASE, build_raw_case, case_number
from consumers.envelope import Envelope
from consumers.relay import Relay
from infra.application import BanliApplication
from infra.read_models import ViewStore
from infra.settings import Settings

ACK_TIMEOUT_S = 120.0

Payload = tuple[bytes, bytes, list[tuple[str, bytes]]]  # value, key, headers


def build_case(number: str) -> list[CanMutateAggregate[UUID]]:
    """One whole lifecycle in memory, by the domain's commands: its 8 pending events."""
    return [event for step in build_raw_case(number) for event in step]


def fill(app: BanliApplication, events: int, batch: int) -> tuple[int, int]:
    """Writes whole cases through ``BanliApplication.record`` until ``events`` are stored."""
    cases = -(-events // EVENTS_PER_CASE)
    written = 0
    began = time.perf_counter()
    for start in range(0, cases, batch):
        pending: list[CanMutateAggregate[UUID]] = []
        for i in range(start, min(start + batch, cases)):
            pending.extend(build_case(case_number("F", i)))
        app.record(pending)
        written += len(pending)
        if (start // batch) % 25 == 24:
            elapsed = time.perf_counter() - began
            print(f"  filled {written:,} events in {elapsed:.0f} s", flush=True)
    return cases, written


def read_log(app: BanliApplication) -> list[Notification]:
    notifications: list[Notification] = []
    start = 1
    while page := app.recorder.select_notifications(start=start, limit=5000):
        notifications.extend(page)
        start = page[-1].id + 1
    return notifications


def build_payloads(notifications: Sequence[Notification]) -> list[Payload]:
    payloads: list[Payload] = []
    for n in notifications:
        envelope = Envelope.of(n)
        payloads.append((envelope.value(), envelope.key(), envelope.headers()))
    return payloads


@dataclass
class Side:
    label: str
    events: int = 0
    seconds: float = 0.0
    stored: int = 0  # messages the topics ended with

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def time_relay(
    app: BanliApplication, store: ViewStore, topics: Topics, settings: Settings, batch: int
) -> tuple[int, float]:
    producer = topics.producer(settings)
    try:
        relay = Relay(
            app,
            producer,
            store,
            settings.kafka_topic,
            batch_size=batch,
            ack_timeout=ACK_TIMEOUT_S,
        )
        sent = 0
        gc.collect()
        began = time.perf_counter()
        while count := relay.run_batch():
            sent += count
        seconds = time.perf_counter() - began
        head = app.recorder.max_notification_id() or 0
        if relay.position() != head:
            msg = f"relay stopped at {relay.position()}, the log's head is {head}"
            raise RuntimeError(msg)
    finally:
        producer.close()
    return sent, seconds


def send_and_ack(producer: Any, topic: str, payloads: Sequence[Payload]) -> None:
    futures = [
        producer.send(topic, value=value, key=key, headers=headers)
        for value, key, headers in payloads
    ]
    producer.flush(timeout=ACK_TIMEOUT_S)
    for future in futures:
        future.get(timeout=ACK_TIMEOUT_S)


def time_raw(
    topics: Topics, settings: Settings, payloads: Sequence[Payload], batch: int | None
) -> tuple[int, float]:
    producer = topics.producer(settings)
    try:
        gc.collect()
        began = time.perf_counter()
        if batch is None:
            send_and_ack(producer, settings.kafka_topic, payloads)
        else:
            for start in range(0, len(payloads), batch):
                send_and_ack(producer, settings.kafka_topic, payloads[start : start + batch])
        seconds = time.perf_counter() - began
    finally:
        producer.close()
    return len(payloads), seconds


def measure_throughput(
    args: argparse.Namespace,
    app: BanliApplication,
    store: ViewStore,
    topics: Topics,
    dsn: str,
    schema: str,
) -> None:
    print(f"\n== relay throughput: fill {args.events:,} events (not timed)")
    began = time.perf_counter()
    cases, written = fill(app, args.events, args.fill_batch)
    print(
        f"filled {cases:,} cases / {written:,} events through BanliApplication.record in "
        f"{time.perf_counter() - began:.0f} s"
    )
    notifications = read_log(app)
    payloads = build_payloads(notifications)
    size = sum(len(v) + len(k) + sum(len(h) + len(b) for h, b in hs) for v, k, hs in payloads)
    print(
        f"log: {len(notifications):,} notifications, positions "
        f"{notifications[0].id}..{notifications[-1].id}; payloads pre-built "
        f"(mean {size / len(payloads):,.0f} bytes of value+key+headers)"
    )
    del notifications

    sides = {
        "relay": Side("relay: Relay.run_batch() loop"),
        "raw": Side("raw: send all, flush, get"),
        "batched": Side(f"raw-batched: {args.batch_size}/flush"),
    }

    def run(kind: str) -> None:
        settings = topics.settings(dsn, schema, topics.fresh(kind))
        if kind == "relay":
            events, seconds = time_relay(app, store, topics, settings, args.batch_size)
        else:
            batch = args.batch_size if kind == "batched" else None
            events, seconds = time_raw(topics, settings, payloads, batch)
        stored = topics.message_count(settings.kafka_topic)
        side = sides[kind]
        side.events += events
        side.seconds += seconds
        side.stored += stored
        print(
            f"  {side.label:<32}{events:>9,}{seconds:>9.2f} s{events / seconds:>10,.0f} ev/s"
            f"   topic holds {stored:,}",
            flush=True,
        )

    for round_no in range(args.rounds):
        order = ["relay", "raw", "batched"] if round_no % 2 == 0 else ["batched", "raw", "relay"]
        print(f"round {round_no + 1}/{args.rounds} (fresh topics, {args.partitions} partitions)")
        for kind in order:
            run(kind)

    print(f"{'side':<34}{'events':>10}{'seconds':>10}{'events/s':>11}{'in topics':>11}")
    for side in sides.values():
        print(
            f"{side.label:<34}{side.events:>10,}{side.seconds:>10.2f}{side.rate:>11,.0f}"
            f"{side.stored:>11,}"
        )
    relay, raw, batched = sides["relay"], sides["raw"], sides["batched"]
    if not relay.events == raw.events == relay.stored == raw.stored:
        print("!! the relay and the raw producer did not deliver the same events; no ratio")
        return
    print(f"ratio {relay.rate / raw.rate:.2f}  (relay events/s ÷ raw events/s; goal ≥ 0.7)")
    print(f"(relay ÷ raw-batched: {relay.rate / batched.rate:.2f}; same batches, no database)")
