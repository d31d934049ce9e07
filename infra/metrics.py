"""``/metrics``, through ``prometheus_client``: what this process counted (requests, commands;
``infra/telemetry.py``) and what the store says at the time of the scrape (the log's head, each
view's position and lag, the relay's and the Kafka consumers' positions and lag).

Lag is reported in the unit its transport tracks: events of the log for views a log runner
keeps (``unit="events"``), partition offsets for views the Kafka consumers keep
(``unit="offsets"``: the group's committed offsets against the topic's end offsets). Every view
also has one comparable figure, ``banli_projection_events_behind_head``: for a Kafka-fed view,
the events the relay has yet to publish plus the messages its consumers have yet to apply (the
relay publishes one message per event).

Under ``banli serve --workers N`` the counters of every worker are summed through
``prometheus_client``'s multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, set by ``serve``).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator, Mapping
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from infra.application import BanliApplication
from infra.positions import (
    NOTICE_VIEWS,
    consumer_offsets,
    relay_position,
    reminders_group,
    view_status,
)
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections.registry import KAFKA_FED

_end_offset_clients: dict[str, Any] = {}


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
    except Exception:  # metrics never fail the scrape; the gauges are simply absent
        return {}


class StoreCollector(Collector):
    """Read from the store at every scrape (any worker answers the same)."""

    def __init__(self, app: BanliApplication, store: ViewStoreBase, settings: Settings) -> None:
        self.app = app
        self.store = store
        self.settings = settings

    def collect(self) -> Iterator[Metric]:
        settings = self.settings
        head = self.app.recorder.max_notification_id() or 0
        yield GaugeMetricFamily(
            "banli_events_total", "Last notification position of the event store.", value=head
        )
        topic = settings.kafka_topic
        relay = relay_position(self.store, topic)
        relay_labels = ["topic"]
        yield _gauge(
            "banli_relay_position",
            "Last log position the broker acknowledged.",
            relay_labels,
            [([topic], relay)],
        )
        yield _gauge(
            "banli_relay_lag",
            "Stored events not yet acknowledged by the broker.",
            relay_labels,
            [([topic], head - relay)],
        )
        # In the Kafka shape, which consumer group keeps which view: the projections group the
        # Kafka-fed views, the reminders group the notices.
        keepers = {name: settings.kafka_group for name in KAFKA_FED}
        keepers.update(dict.fromkeys(NOTICE_VIEWS, reminders_group(settings.kafka_group)))
        consumer_lag = yield from self._consumers(list(dict.fromkeys(keepers.values())))
        yield from self._views(head, head - relay, keepers, consumer_lag)

    def _consumers(self, groups: list[str]) -> Generator[Metric, None, dict[str, int]]:
        """The Kafka consumer groups' offsets and lag; answers each group's total lag (none
        when the broker's end offsets are unknown)."""
        settings = self.settings
        if not settings.kafka_bootstrap:
            return {}
        topic = settings.kafka_topic
        ends = _end_offsets(settings)
        partitions = sorted(set(ends) | set(range(settings.kafka_partitions)))
        labels = ["group", "topic", "partition"]
        consumed, lag, totals = [], [], {}
        for group in groups:
            offsets = consumer_offsets(self.store, group, topic, partitions)
            consumed += [([group, topic, str(p)], offsets[p] or 0) for p in partitions]
            behind = [([group, topic, str(p)], max(0, ends[p] - (offsets[p] or 0))) for p in ends]
            lag += behind
            if ends:
                totals[group] = sum(value for _, value in behind)
        yield _gauge(
            "banli_consumer_offset", "Next Kafka offset a consumer group reads.", labels, consumed
        )
        if ends:
            yield _gauge(
                "banli_consumer_lag", "Messages a consumer group has yet to read.", labels, lag
            )
        return totals

    def _views(
        self,
        head: int,
        relay_lag: int,
        keepers: Mapping[str, str],
        consumer_lag: Mapping[str, int],
    ) -> Iterator[Metric]:
        # In the Kafka shape the consumer groups (``keepers``) keep these views; their log
        # positions mean nothing.
        settings = self.settings
        kafka_shape = bool(settings.kafka_bootstrap) and not settings.embedded_projections
        rows = view_status(self.store, head)
        labels = ["projection", "generation"]
        position, lag, behind, stopped = [], [], [], []
        for r in rows:
            key = [r.projection, str(r.generation)]
            stopped.append((key, int(r.stopped_at is not None)))
            if kafka_shape and r.projection in keepers and r.role == "active":
                group_lag = consumer_lag.get(keepers[r.projection])
                if group_lag is not None:
                    lag.append(([*key, "offsets"], group_lag))
                    behind.append((key, relay_lag + group_lag))
                continue
            position.append((key, r.position))
            lag.append(([*key, "events"], r.lag))
            behind.append((key, r.lag))
        yield _gauge(
            "banli_projection_position",
            "Last log position a log-fed projection processed.",
            labels,
            position,
        )
        yield _gauge(
            "banli_projection_lag",
            "What a projection has yet to process, in the unit "
            "its transport tracks (events of the log, or partition offsets).",
            [*labels, "unit"],
            lag,
        )
        yield _gauge(
            "banli_projection_events_behind_head",
            "Events of the log a projection has yet to reflect, whichever its transport.",
            labels,
            behind,
        )
        yield _gauge(
            "banli_projection_stopped",
            "1 when a projection stopped at an event it cannot apply (its position is the event).",
            labels,
            stopped,
        )


def _gauge(
    name: str, help_text: str, labels: list[str], samples: list[tuple[list[str], int]]
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, help_text, labels=labels)
    for values, value in samples:
        family.add_metric(values, value)
    return family


def exposition(app: BanliApplication, store: ViewStoreBase, settings: Settings) -> bytes:
    """The text a scrape gets: this process's counts (every worker's, in multiprocess mode),
    then the store's figures."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        counted = CollectorRegistry()
        MultiProcessCollector(counted)  # type: ignore[no-untyped-call]  # untyped upstream
    else:
        counted = REGISTRY
    store_registry = CollectorRegistry()
    store_registry.register(StoreCollector(app, store, settings))
    return generate_latest(counted) + generate_latest(store_registry)
