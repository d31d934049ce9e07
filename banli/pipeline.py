"""The production shape's Kafka processes: ``banli relay`` (store → topic, one instance) and
``banli consume projections|reminders`` (topic → views or reminder notices, any number).

kafka-python and the consumers are imported inside the commands: loading them takes a third
of a second that ``banli serve`` and the other commands need not pay.
"""

from __future__ import annotations

import argparse
import signal
import threading
import time

from banli.compose import build_application, settings_for
from infra.application import BanliApplication
from infra.read_models import ViewStore, build_view_store
from infra.settings import Settings
from infra.single_instance import single_instance


def stop_on_signals() -> threading.Event:
    """An event SIGTERM (docker stop, systemd) and SIGINT set: the loop then ends its batch and
    closes its Kafka client, so a consumer leaves its group instead of holding its partitions
    until the broker's session timeout, and the relay's last batch is complete."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def relay(args: argparse.Namespace) -> int:
    from consumers.relay import Relay
    from infra.kafka_clients import ensure_topic, make_producer

    settings = settings_for(args.data_dir)
    app = build_application(settings)
    positions = build_view_store(settings)
    stop = stop_on_signals()
    # One relay per position it moves: the topic, in this store (schema or data folder).
    with single_instance(settings, f"relay:{settings.database_schema}:{settings.kafka_topic}"):
        ensure_topic(settings)
        relay = Relay(
            app, make_producer(settings), positions, settings.kafka_topic, args.batch_size
        )
        print(f"relaying to {settings.kafka_topic} from position {relay.position()}", flush=True)

        def idle() -> None:
            stop.wait(args.poll_seconds)

        relay.run(stop, idle)
    return 0


def consume(args: argparse.Namespace) -> int:
    from infra.kafka_clients import ensure_topic

    settings = settings_for(args.data_dir)
    app = build_application(settings)
    store = build_view_store(settings)
    ensure_topic(settings)
    if args.what == "projections":
        _consume_projections(settings, app, store)
    else:
        _consume_reminders(settings, app, store)
    return 0


def _consume_projections(settings: Settings, app: BanliApplication, store: ViewStore) -> None:
    from consumers.kafka_loop import PartitionedConsumer
    from consumers.projection_consumer import KafkaProjections
    from infra.kafka_clients import make_consumer

    group = settings.kafka_group
    projections = KafkaProjections(
        app, store, group, settings.kafka_topic, settings.projection_cache_size
    )
    consumer = PartitionedConsumer(
        projections, make_consumer(settings, group), settings.kafka_topic
    )
    print(f"consuming {settings.kafka_topic} as {group}", flush=True)
    consumer.run(stop_on_signals())


def _consume_reminders(settings: Settings, app: BanliApplication, store: ViewStore) -> None:
    from banli.compose import reminders as build_reminders
    from consumers.kafka_loop import PartitionedConsumer
    from infra.kafka_clients import make_consumer

    reminders = build_reminders(settings, app, store)
    group = reminders.group
    consumer = PartitionedConsumer(reminders, make_consumer(settings, group), settings.kafka_topic)
    print(f"reminders from {settings.kafka_topic} as {group}", flush=True)
    last_sweep = 0.0

    def sweep_and_deliver() -> None:
        # Time alone turns deadlines due (R-S1, R-S3): a sweep now and then, not per event.
        nonlocal last_sweep
        if time.monotonic() - last_sweep > settings.reminder_sweep_seconds:
            reminders.sweep()
            reminders.weekly_digest()
            last_sweep = time.monotonic()
        reminders.deliver()

    consumer.run(stop_on_signals(), sweep_and_deliver)
