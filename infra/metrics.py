"""Prometheus text exposition: event-store head, projection positions and lag, relay position,
Kafka consumer offsets and lag."""

from __future__ import annotations

from typing import Any

from infra.application import BanliApplication
from infra.positions import consumer_offsets, relay_position, view_status
from infra.settings import Settings
from infra.view_store import ViewStoreBase

_end_offset_clients: dict[str, Any] = {}


def _gauge(lines: list[str], name: str, help_text: str, samples: list[tuple[str, int]]) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines += [
        f"{name}{{{labels}}} {value}" if labels else f"{name} {value}" for labels, value in samples
    ]


def _end_offsets(settings: Settings) -> dict[int, int]:
    """The topic's end offset per partition, or nothing when Kafka is not configured/reachable."""
    if not settings.kafka_bootstrap:
        return {}
    try:
        from kafka import KafkaConsumer, TopicPartition

        client = _end_offset_clients.get(settings.kafka_bootstrap)
        if client is None:
            client = KafkaConsumer(
                bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=3000
            )
            _end_offset_clients[settings.kafka_bootstrap] = client
        partitions = client.partitions_for_topic(settings.kafka_topic) or set()
        ends = client.end_offsets([TopicPartition(settings.kafka_topic, p) for p in partitions])
        return {tp.partition: int(offset) for tp, offset in ends.items()}
    except Exception:  # metrics never fail the scrape; the gauge is simply absent
        return {}


def prometheus_text(app: BanliApplication, store: ViewStoreBase, settings: Settings) -> str:
    head = app.recorder.max_notification_id() or 0
    lines: list[str] = []
    _gauge(
        lines, "banli_events_total", "Last notification position of the event store.", [("", head)]
    )
    rows = view_status(store, head)
    labels = [f'projection="{r.projection}",generation="{r.generation}"' for r in rows]
    _gauge(
        lines,
        "banli_projection_position",
        "Last log position a projection processed.",
        [(label, r.position) for label, r in zip(labels, rows, strict=True)],
    )
    _gauge(
        lines,
        "banli_projection_lag",
        "Events a log-fed projection has yet to process.",
        [(label, r.lag) for label, r in zip(labels, rows, strict=True)],
    )
    _gauge(
        lines,
        "banli_projection_stopped",
        "1 when a projection stopped at an event it cannot apply (its position is the event).",
        [(label, int(r.stopped_at is not None)) for label, r in zip(labels, rows, strict=True)],
    )
    topic = settings.kafka_topic
    relay = relay_position(store, topic)
    _gauge(
        lines,
        "banli_relay_position",
        "Last log position the broker acknowledged.",
        [(f'topic="{topic}"', relay)],
    )
    _gauge(
        lines,
        "banli_relay_lag",
        "Stored events not yet acknowledged by the broker.",
        [(f'topic="{topic}"', head - relay)],
    )
    if not settings.kafka_bootstrap:
        return "\n".join(lines) + "\n"
    ends = _end_offsets(settings)
    partitions = sorted(set(ends) | set(range(settings.kafka_partitions)))
    offsets = consumer_offsets(store, settings.kafka_group, topic, partitions)
    consumed = []
    lag = []
    for partition in partitions:
        offset = offsets[partition] or 0
        label = f'group="{settings.kafka_group}",topic="{topic}",partition="{partition}"'
        consumed.append((label, offset))
        if partition in ends:
            lag.append((label, max(0, ends[partition] - offset)))
    _gauge(
        lines, "banli_consumer_offset", "Next Kafka offset the projection consumer reads.", consumed
    )
    if lag:
        _gauge(
            lines, "banli_consumer_lag", "Messages the projection consumer has yet to read.", lag
        )
    return "\n".join(lines) + "\n"
