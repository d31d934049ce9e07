"""The ``banli`` command line."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from infra import clock
from infra.bootstrap import build_application
from infra.settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    # An explicit --data-dir wins over BANLI_DATA_DIR; PostgreSQL comes from BANLI_DATABASE_URL.
    return Settings(data_dir=Path(args.data_dir)) if args.data_dir else Settings()


def _demo(args: argparse.Namespace) -> int:
    from infra.demo import load_demo, summarise

    settings = _settings(args)
    app = build_application(settings)
    if app.recorder.max_notification_id():
        print(f"demo data already loaded in {settings.data_dir}")
    else:
        load_demo(app, seed=args.seed)
    print(summarise(app))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from infra.services import build_services

    settings = _settings(args)
    services = build_services(settings)
    if args.demo:
        _ensure_demo(services)
    print(f"banli serving on http://{args.host}:{args.port}  (OpenAPI: /docs)", flush=True)
    uvicorn.run(create_app(services), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _ensure_demo(services: Any) -> None:
    """Loads the demo year and its accounts on first start, then prints how to try it."""
    from infra.demo import load_demo, summarise
    from infra.demo.accounts import (
        DEMO_PASSWORD,
        create_demo_accounts,
        demo_tokens,
        give_demo_passwords,
    )

    if not services.app.recorder.max_notification_id():
        print("loading the demo year (first start) …", flush=True)
        load_demo(services.app)
        create_demo_accounts(services.directory)
    give_demo_passwords(services.directory)  # demo data from before passwords existed
    print(summarise(services.app))
    print("demo tokens (Authorization: Bearer <token>); each is also the username of a")
    print(f"password login (POST /v1/session) with the demo-only password {DEMO_PASSWORD!r}:")
    for who, token in demo_tokens().items():
        print(f"  {who:<14} {token}")


def _relay(args: argparse.Namespace) -> int:
    import threading

    from consumers.relay import Relay
    from infra.kafka_clients import ensure_topic, make_producer
    from infra.read_models import build_view_store
    from infra.single_instance import single_instance

    settings = _settings(args)
    app = build_application(settings)
    positions = build_view_store(settings)
    stop = threading.Event()
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


def _consume(args: argparse.Namespace) -> int:
    import threading

    from consumers.kafka_loop import PartitionedConsumer
    from consumers.projection_consumer import KafkaProjections
    from infra.kafka_clients import ensure_topic, make_consumer
    from infra.read_models import build_view_store

    settings = _settings(args)
    app = build_application(settings)
    store = build_view_store(settings)
    ensure_topic(settings)
    stop = threading.Event()
    if args.what == "projections":
        group = settings.kafka_group
        projections = KafkaProjections(
            app, store, group, settings.kafka_topic, settings.projection_cache_size
        )
        consumer = PartitionedConsumer(
            projections, make_consumer(settings, group), settings.kafka_topic
        )
        print(f"consuming {settings.kafka_topic} as {group}", flush=True)
        consumer.run(stop)
    else:
        from consumers.reminders import Reminders, http_webhook

        group = f"{settings.kafka_group}-reminders"
        webhook = http_webhook(settings.reminder_webhook) if settings.reminder_webhook else None
        reminders = Reminders(app, store, group, settings.kafka_topic, clock.today, webhook)
        reminder_consumer = PartitionedConsumer(
            reminders, make_consumer(settings, group), settings.kafka_topic
        )
        print(f"reminders from {settings.kafka_topic} as {group}", flush=True)
        last_sweep = 0.0

        def sweep_and_deliver() -> None:
            nonlocal last_sweep
            if time.monotonic() - last_sweep > settings.reminder_sweep_seconds:
                reminders.sweep()
                last_sweep = time.monotonic()
            reminders.deliver()

        reminder_consumer.run(stop, sweep_and_deliver)
    return 0


def _progress(position: int, head: int) -> None:
    width = 40
    done = int(width * position / head) if head else width
    share = 100 * position / head if head else 100.0
    bar = "#" * done + "-" * (width - done)
    print(f"\r[{bar}] {share:5.1f}% {position}/{head} events", end="", file=sys.stderr)


def _projections(args: argparse.Namespace) -> int:
    from infra.positions import view_status
    from infra.projection_runner import ProjectionRunner, ProjectionStopped, rebuild
    from infra.read_models import build_view_store
    from projections.registry import NAMES

    settings = _settings(args)
    app = build_application(settings)
    store = build_view_store(settings)
    if args.action == "run":
        ProjectionRunner(
            app, store, batch_size=args.batch_size, cache_size=settings.projection_cache_size
        ).run(_progress)
        print(file=sys.stderr)
    elif args.action == "follow":
        names = [args.name] if args.name else list(NAMES)
        follower = ProjectionRunner(
            app,
            store,
            names=names,
            batch_size=args.batch_size,
            cache_size=settings.projection_cache_size,
        )
        print(f"following the event log for {names}", flush=True)
        while True:
            if not follower.run_batch():
                time.sleep(args.poll_seconds)
    elif args.action == "rebuild":
        names = [args.name] if args.name else list(NAMES)
        unknown = sorted(set(names) - set(NAMES))
        if unknown:
            print(f"unknown projection {unknown}; known: {list(NAMES)}", file=sys.stderr)
            return 2
        from infra.anchoring import AnchorRefused, TamperingDetected
        from infra.cli_audit import rebuild_guard

        try:
            guard = rebuild_guard(settings, store, names)
            generations = rebuild(app, store, names, _progress, before_switch=guard)
        except (AnchorRefused, TamperingDetected, ProjectionStopped) as abandoned:
            print(f"\nrebuild abandoned, the active generations stay: {abandoned}", file=sys.stderr)
            return 1
        print(file=sys.stderr)
        for name, generation in generations.items():
            print(f"{name}: rebuilt as generation {generation}, now active")
    ProjectionRunner(app, store)  # creates any projection that has no generation yet
    print(f"{'projection':<14}{'gen':>5} {'role':<9}{'position':>10}{'lag':>8}  state")
    stopped = 0
    for row in view_status(store, app.recorder.max_notification_id() or 0):
        state = "ok"
        if row.stopped_at is not None:
            stopped += 1
            state = f"STOPPED at position {row.stopped_at}: {row.error}"
        print(
            f"{row.projection:<14}{row.generation:>5} {row.role:<9}"
            f"{row.position:>10}{row.lag:>8}  {state}"
        )
    return 1 if stopped else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="banli", description="办理: suggestions and proposals")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="load the seeded demo year and print a summary")
    demo.add_argument("--data-dir", default=None)
    demo.add_argument("--seed", type=int, default=2018)
    demo.set_defaults(func=_demo)
    serve = commands.add_parser("serve", help="serve the HTTP API (API.md)")
    serve.add_argument("--data-dir", default=None)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo year on first start")
    serve.add_argument("--log-level", default="warning")
    serve.set_defaults(func=_serve)
    relay = commands.add_parser("relay", help="publish stored events to Kafka (one instance)")
    relay.add_argument("--data-dir", default=None)
    relay.add_argument("--poll-seconds", type=float, default=0.2)
    relay.add_argument("--batch-size", type=int, default=1000)
    relay.set_defaults(func=_relay)
    consume = commands.add_parser("consume", help="Kafka consumers")
    consume.add_argument("what", choices=["projections", "reminders"])
    consume.add_argument("--data-dir", default=None)
    consume.set_defaults(func=_consume)
    projections = commands.add_parser("projections", help="read models: status, run, rebuild")
    projections.add_argument("action", choices=["status", "run", "rebuild", "follow"])
    projections.add_argument("--poll-seconds", type=float, default=0.2)
    # Events per transaction for run and follow: smaller batches hold locks for less time.
    projections.add_argument("--batch-size", type=int, default=2000)
    projections.add_argument("name", nargs="?", help="one projection to rebuild (default: all)")
    projections.add_argument("--data-dir", default=None)
    projections.set_defaults(func=_projections)
    from infra.cli_audit import add_commands as add_audit_commands

    add_audit_commands(commands, _settings)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
