"""The Kafka pipeline on PostgreSQL: relay throughput against a raw producer, then end-to-end lag.

    .venv/bin/python bench/kafka.py [--events 100000] [--rounds 2] [--rate 1000]
                                    [--load-seconds 40] [--dsn DSN] [--bootstrap HOST:PORT]

One run, one Kafka broker (``scripts/ensure_kafka.sh`` unless ``--bootstrap``), one PostgreSQL
(``scripts/ensure_postgres.sh`` unless ``--dsn``) and one fresh schema ``bench_<hex>``; every
topic made here is fresh, and the topics, the consumer group and the schema are removed at the
end (also after an error).

relay throughput
    The event store is filled with ``--events`` events, outside any timing, through
    ``BanliApplication.record`` (the service's write path: events plus their index rows),
    ``--fill-batch`` cases per transaction; each case is built in memory by the domain's own
    commands (register and seven lifecycle commands: 8 events). The whole log is then read once
    and every notification's ``Envelope.of(n).value()/key()/headers()`` is built beforehand.
    Timed, each on its own fresh topic (``--partitions``) with its own producer from
    ``infra.kafka_clients.make_producer`` (idempotent, ``acks=all``, ``linger_ms=5``), created
    and given the topic's metadata before the clock starts:

    - relay: ``Relay.run_batch()`` (``--batch-size``) until it answers 0, as ``banli relay``
      does: read a page of notifications, build the envelopes, send, flush, wait for every
      acknowledgement, write the relay position;
    - raw: the pre-built payloads, all sent, then one ``flush``, then every future's ``get``;
    - raw-batched (for reference): the same payloads in slices of ``--batch-size``, each sent,
      flushed and acknowledged before the next, the way the relay paces itself.

    ``--rounds`` rounds alternate the order (relay first, then raw first, …). Printed per side:
    events, seconds, events/s, the message count the topic ended with, and
    ``ratio`` = relay events/s ÷ raw events/s (goal ≥ 0.7).
end-to-end lag
    ``banli relay`` and ``banli consume projections`` run as subprocesses (``BANLI_*``
    environment: this schema, a fresh topic and consumer group). The relay's position on the
    new topic is set to the log's head first, so the filled events are not replayed: only the
    events written from now on travel. ``--writers`` threads of this process drive
    ``BanliApplication.command`` in-process (register, then the seven lifecycle commands, one
    event each; one fresh case after another per thread). A command's commit time is when the
    call returns: the moment the API would answer 201. A watcher thread polls the Kafka-fed
    audit view (``audit_events``) every ``--watch-ms`` for the positions committed but not yet
    seen; an event's lag is from its commit to the start of the first poll that saw its row.
    First a few warm-up cases (the consumer group forms), then ``--calibrate-seconds`` of
    unpaced commands measure the rate this machine sustains with the pipeline running; the
    paced run then targets ``--rate`` events/s, or ``--pace-share`` (80 %) of the calibrated
    rate when that is lower (and says so), for ``--load-seconds``, on a fixed schedule per
    writer. A reader thread of the bench's own (kafka-python, no group) also reads the topic,
    which splits the lag: commit → the relay's ``send()`` (the record timestamp), commit →
    readable in Kafka, and readable in Kafka → in the view. Printed: the achieved rate,
    command latency, how late commands started against the schedule, the lag p50 / p99 / max,
    events never seen within ``--drain-timeout``, the watcher's real poll interval, and the CPU
    each process used.

No timing is asserted: the script prints numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import psycopg
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import Notification, Tracking
from psycopg import sql

from bench.workload import (
    ACTORS,
    EVENTS_PER_CASE,
    LIFECYCLE,
    OFFICE,
    TODAY,
    build_raw_case,
    registration,
)
from consumers.envelope import Envelope
from consumers.relay import Relay
from domain.commands import SubmitReply
from infra.application import BanliApplication, CommandContext, CommandResult
from infra.read_models import ViewStore, build_view_store
from infra.settings import Settings
from projections.audit_trail import AUDIT

REPO_ROOT = Path(__file__).resolve().parents[1]

# mypy names this file's module ``kafka`` (``bench`` has no ``__init__.py``), so for the type
# checker it stands in for kafka-python in every module that imports ``kafka``. kafka-python has
# no type information (``ignore_missing_imports``: every name is ``Any``), and this answers
# ``Any`` for every name likewise, so the project's checks see what they saw before. For the
# same reason nothing here imports kafka-python, or a project module that imports it, by a
# static import (mypy would see an import cycle through this file): those modules are loaded
# with ``importlib`` below. Naming the bench modules ``bench.*`` for mypy
# (``explicit_package_bases``) would make this block unnecessary.
if TYPE_CHECKING:

    def __getattr__(name: str) -> Any: ...


KAFKA_ENSURE = REPO_ROOT / "scripts" / "ensure_kafka.sh"
PG_ENSURE = REPO_ROOT / "scripts" / "ensure_postgres.sh"
ACK_TIMEOUT_S = 120.0
PROCESS_STOP_TIMEOUT_S = 15.0
READY_TIMEOUT_S = 120.0


Payload = tuple[bytes, bytes, list[tuple[str, bytes]]]  # value, key, headers


def kafka_module(name: str) -> Any:
    """kafka-python (or a project module importing it), loaded without a static import."""
    return importlib.import_module(name)


# ---------------------------------------------------------------------- the workload


def build_case(number: str) -> list[CanMutateAggregate[UUID]]:
    """One whole lifecycle in memory, by the domain's commands: its 8 pending events."""
    return [event for step in build_raw_case(number) for event in step]


class CaseStream:
    """Endless lifecycles through the application service, one command (one event) per call."""

    def __init__(self, app: BanliApplication, prefix: str) -> None:
        self.app = app
        self.prefix = prefix
        self.case = 0
        self.step = 0
        self.case_id = ""
        self.reply_id = ""

    def next_command(self) -> CommandResult:
        if self.step == 0:
            number = f"{self.prefix}{self.case:06d}"
            ctx = CommandContext(actor=OFFICE, today=TODAY)
            result = self.app.register(ctx, registration(number))
            self.case_id, self.reply_id = result.case_id, ""
        else:
            step = LIFECYCLE[self.step - 1]
            ctx = CommandContext(actor=ACTORS[step.who], today=TODAY)
            command = step.command(self.case_id, self.reply_id)
            result = self.app.execute(ctx, command)
            if isinstance(command, SubmitReply):
                self.reply_id = str(result.extra["reply_id"])
        self.step += 1
        if self.step == EVENTS_PER_CASE:
            self.step, self.case = 0, self.case + 1
        return result


# ---------------------------------------------------------------------- provisioning


def provision(script: Path, looks_right: Callable[[str], bool], option: str) -> str:
    proc = subprocess.run(
        ["bash", str(script)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines or not looks_right(lines[-1]):
        sys.stderr.write(proc.stderr)
        msg = f"{script} failed (exit {proc.returncode}); pass {option}"
        raise SystemExit(msg)
    return lines[-1]


def server_version(dsn: str) -> str:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT version()").fetchone()
        settings = conn.execute(
            "SELECT name, setting FROM pg_settings "
            "WHERE name IN ('fsync', 'synchronous_commit') ORDER BY name"
        ).fetchall()
    version = str(row[0]) if row else "?"
    return f"{version} [{', '.join(f'{name}={value}' for name, value in settings)}]"


@contextlib.contextmanager
def fresh_schema(dsn: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield schema
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '30s'")
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        print(f"dropped schema {schema}")


class Topics:
    """Fresh topics on the broker, all deleted (with the consumer groups used) at the end."""

    def __init__(self, bootstrap: str, partitions: int) -> None:
        self.bootstrap = bootstrap
        self.partitions = partitions
        self.made: list[str] = []
        self.groups: list[str] = []
        self.clients = kafka_module("infra.kafka_clients")

    def settings(self, dsn: str, schema: str, topic: str) -> Settings:
        return Settings(
            database_url=dsn,
            database_schema=schema,
            kafka_bootstrap=self.bootstrap,
            kafka_topic=topic,
            kafka_partitions=self.partitions,
        )

    def fresh(self, label: str) -> str:
        topic = f"bench-kafka-{label}-{uuid.uuid4().hex[:10]}"
        self.made.append(topic)
        self.clients.ensure_topic(
            Settings(
                kafka_bootstrap=self.bootstrap, kafka_topic=topic, kafka_partitions=self.partitions
            )
        )
        return topic

    def message_count(self, topic: str) -> int:
        """The sum of the topic's end offsets: how many messages it holds."""
        kafka = kafka_module("kafka")
        consumer = kafka.KafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None)
        try:
            partitions = consumer.partitions_for_topic(topic) or set()
            ends = consumer.end_offsets([kafka.TopicPartition(topic, p) for p in partitions])
            return int(sum(ends.values()))
        finally:
            consumer.close()

    def remove_all(self) -> None:
        admin_module = kafka_module("kafka.admin")
        admin = admin_module.KafkaAdminClient(
            bootstrap_servers=self.bootstrap, client_id="banli-bench-cleanup"
        )
        try:
            if self.groups:
                with contextlib.suppress(Exception):
                    admin.delete_groups(self.groups)
            existing = set(admin.list_topics())
            doomed = [t for t in self.made if t in existing]
            if doomed:
                admin.delete_topics(doomed, timeout_ms=30_000, raise_errors=False)
            print(f"deleted {len(doomed)} topics and {len(self.groups)} consumer group(s)")
        finally:
            admin.close()


# ---------------------------------------------------------------------- part 1: throughput


def fill(app: BanliApplication, events: int, batch: int) -> tuple[int, int]:
    """Writes whole cases through ``BanliApplication.record`` until ``events`` are stored."""
    cases = -(-events // EVENTS_PER_CASE)
    written = 0
    began = time.perf_counter()
    for start in range(0, cases, batch):
        pending: list[CanMutateAggregate[UUID]] = []
        for i in range(start, min(start + batch, cases)):
            pending.extend(build_case(f"F{i:06d}"))
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


def ready_producer(topics: Topics, settings: Settings) -> Any:
    producer = topics.clients.make_producer(settings)
    producer.partitions_for(settings.kafka_topic)  # connects and fetches the topic's metadata
    return producer


def time_relay(
    app: BanliApplication, store: ViewStore, topics: Topics, settings: Settings, batch: int
) -> tuple[int, float]:
    producer = ready_producer(topics, settings)
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
    producer = ready_producer(topics, settings)
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


# ---------------------------------------------------------------------- part 2: lag


@dataclass
class Commit:
    positions: list[int]
    committed: float  # perf_counter when the command returned: the API's 201
    wall: float  # the same moment, time.time(), to compare with Kafka's record timestamps
    latency: float  # the command call itself
    slip: float  # how late the command started against its schedule (0 when unpaced)


@dataclass
class Tracker:
    """Positions committed, and when the Kafka-fed view first showed each of them."""

    max_seen: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    seen: dict[int, float] = field(default_factory=dict)
    waiting: set[int] = field(default_factory=set)
    # From the bench's own Kafka reader: when a position became readable on the topic
    # (perf_counter), and its record timestamp (the relay's send(), wall clock, ms).
    in_kafka: dict[int, float] = field(default_factory=dict)
    sent: dict[int, float] = field(default_factory=dict)

    def committed(self, positions: Sequence[int]) -> None:
        with self.lock:
            self.waiting.update(p for p in positions if p not in self.seen)

    def low(self) -> int:
        """The lowest position the next poll must ask for."""
        with self.lock:
            return min(self.waiting) if self.waiting else self.max_seen + 1

    def saw(self, positions: Sequence[int], at: float) -> None:
        with self.lock:
            for p in positions:
                if p not in self.seen:
                    self.seen[p] = at
                    self.waiting.discard(p)
                    self.max_seen = max(self.max_seen, p)

    def outstanding(self) -> int:
        with self.lock:
            return len(self.waiting)

    def arrived(self, records: Sequence[tuple[int, float]], at: float) -> None:
        with self.lock:
            for position, sent in records:
                self.in_kafka.setdefault(position, at)
                self.sent.setdefault(position, sent)


class KafkaReader(threading.Thread):
    """Reads the topic itself (no group: every partition from the start) to split the lag into
    the relay's hop (commit → readable in Kafka) and the consumer's (→ in the view)."""

    def __init__(self, bootstrap: str, topic: str, tracker: Tracker) -> None:
        super().__init__(name="bench-kafka-reader", daemon=True)
        self.bootstrap = bootstrap
        self.topic = topic
        self.tracker = tracker
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            kafka = kafka_module("kafka")
            consumer = kafka.KafkaConsumer(
                bootstrap_servers=self.bootstrap,
                group_id=None,
                enable_auto_commit=False,
                client_id="banli-bench-reader",
            )
            try:
                deadline = time.monotonic() + READY_TIMEOUT_S
                while not (found := consumer.partitions_for_topic(self.topic)):
                    if time.monotonic() > deadline:
                        msg = f"no metadata for {self.topic}"
                        raise RuntimeError(msg)
                    time.sleep(0.1)
                partitions = [kafka.TopicPartition(self.topic, p) for p in sorted(found)]
                consumer.assign(partitions)
                consumer.seek_to_beginning(*partitions)
                self.ready.set()
                while not self.stop.is_set():
                    polled = consumer.poll(timeout_ms=100)
                    at = time.perf_counter()
                    records = [
                        (int(dict(r.headers)["position"]), r.timestamp / 1000)
                        for rs in polled.values()
                        for r in rs
                    ]
                    self.tracker.arrived(records, at)
            finally:
                consumer.close()
        except BaseException as exc:  # reported by the main thread
            self.error = exc
            self.ready.set()


class Watcher(threading.Thread):
    """Polls the audit view for the rows of committed positions not yet seen."""

    def __init__(self, dsn: str, table: str, tracker: Tracker, interval: float) -> None:
        super().__init__(name="bench-watcher", daemon=True)
        self.dsn = dsn
        self.query = f"SELECT position FROM {table} WHERE position >= %s"
        self.tracker = tracker
        self.interval = interval
        self.stop = threading.Event()
        self.poll_starts: list[float] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                while not self.stop.is_set():
                    low = self.tracker.low()
                    began = time.perf_counter()
                    rows = conn.execute(self.query, (low,)).fetchall()
                    self.tracker.saw([int(r[0]) for r in rows], began)
                    self.poll_starts.append(began)
                    self.stop.wait(self.interval)
        except BaseException as exc:  # reported by the main thread
            self.error = exc


def drive(
    streams: Sequence[CaseStream],
    tracker: Tracker,
    seconds: float,
    rate: float | None,
) -> tuple[list[Commit], float, float]:
    """Runs commands on every stream in its own thread for ``seconds``: unpaced, or on a fixed
    schedule adding up to ``rate`` commands/s. Answers the commits and the phase's start and
    end (the last commit)."""
    commits: list[Commit] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = time.perf_counter() + 0.05
    until = start + seconds
    count = len(streams)

    def work(index: int, stream: CaseStream) -> None:
        mine: list[Commit] = []
        interval = count / rate if rate else 0.0
        first = start + index / rate if rate else start
        try:
            i = 0
            while True:
                scheduled = first + i * interval if rate else time.perf_counter()
                if scheduled >= until:
                    break
                wait = scheduled - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                began = time.perf_counter()
                result = stream.next_command()
                done, wall = time.perf_counter(), time.time()
                positions = [int(ev["position"]) for ev in result.events]
                tracker.committed(positions)
                mine.append(
                    Commit(positions, done, wall, done - began, max(0.0, began - scheduled))
                )
                i += 1
        except BaseException as exc:
            errors.append(exc)
        with lock:
            commits.extend(mine)

    threads = [
        threading.Thread(target=work, args=(i, s), name=f"bench-writer-{i}")
        for i, s in enumerate(streams)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    end = max((c.committed for c in commits), default=start)
    return commits, start, end


def drain(tracker: Tracker, watcher: Watcher, timeout: float) -> float:
    """Waits until the view showed every committed position (bounded); answers seconds waited."""
    began = time.perf_counter()
    while tracker.outstanding() and time.perf_counter() - began < timeout:
        if watcher.error is not None:
            raise watcher.error
        time.sleep(0.02)
    return time.perf_counter() - began


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(share * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def ms_line(label: str, seconds: Sequence[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    top = ms[-1] if ms else float("nan")
    return (
        f"{label:<30} n={len(ms):>6}  p50 {percentile(ms, 0.50):8.1f} ms  "
        f"p99 {percentile(ms, 0.99):8.1f} ms  max {top:8.1f} ms"
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def check(self) -> None:
        if self.popen.poll() is not None:
            msg = f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}"
            raise RuntimeError(msg)


def banli_command() -> list[str]:
    script = Path(sys.executable).parent / "banli"
    return [str(script)] if script.exists() else [sys.executable, "-m", "infra.cli"]


@contextlib.contextmanager
def pipeline_processes(
    settings: Settings, group: str, workdir: Path, relay_poll: float
) -> Iterator[tuple[Process, Process]]:
    env = {
        **os.environ,
        "BANLI_DATABASE_URL": settings.database_url or "",
        "BANLI_DATABASE_SCHEMA": settings.database_schema,
        "BANLI_KAFKA_BOOTSTRAP": settings.kafka_bootstrap or "",
        "BANLI_KAFKA_TOPIC": settings.kafka_topic,
        "BANLI_KAFKA_PARTITIONS": str(settings.kafka_partitions),
        "BANLI_KAFKA_GROUP": group,
        "BANLI_EMBEDDED_PROJECTIONS": "false",
        "PYTHONUNBUFFERED": "1",
    }
    started: list[Process] = []
    try:
        for name, args in (
            ("consumer", ["consume", "projections"]),
            ("relay", ["relay", "--poll-seconds", str(relay_poll)]),
        ):
            log = workdir / f"{name}.log"
            with log.open("wb") as out:
                popen = subprocess.Popen(
                    [*banli_command(), *args],
                    env=env,
                    cwd=workdir,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            started.append(Process(name, popen, log))
        yield started[0], started[1]
    finally:
        for process in started:
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.popen.wait(timeout=PROCESS_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(timeout=PROCESS_STOP_TIMEOUT_S)
            tracebacks = process.log.read_text(errors="replace").count("Traceback")
            print(
                f"stopped {process.name} (pid {process.popen.pid}); tracebacks in its log: "
                f"{tracebacks}"
            )


def wait_for_audit_table(store: ViewStore, processes: Sequence[Process]) -> str:
    """The consumer creates its views on start: answers the audit table's physical name."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        for process in processes:
            process.check()
        generation = store.generations().get(AUDIT.view)
        if generation is not None:
            return store.table(AUDIT, generation[0])
        time.sleep(0.1)
    msg = f"the consumer made no audit view in {READY_TIMEOUT_S:.0f} s"
    raise RuntimeError(msg)


@dataclass
class Phase:
    label: str
    commits: list[Commit]
    start: float
    end: float

    @property
    def events(self) -> int:
        return sum(len(c.positions) for c in self.commits)

    @property
    def rate(self) -> float:
        return self.events / (self.end - self.start) if self.end > self.start else 0.0


def report_phase(phase: Phase, tracker: Tracker, target: float | None) -> None:
    lags: list[float] = []
    sends: list[float] = []
    in_kafka: list[float] = []
    onwards: list[float] = []
    unseen = 0
    with tracker.lock:
        for commit in phase.commits:
            for position in commit.positions:
                seen = tracker.seen.get(position)
                arrived = tracker.in_kafka.get(position)
                sent = tracker.sent.get(position)
                if seen is None:
                    unseen += 1
                else:
                    lags.append(max(0.0, seen - commit.committed))
                if sent is not None:
                    sends.append(max(0.0, sent - commit.wall))
                if arrived is not None:
                    in_kafka.append(max(0.0, arrived - commit.committed))
                    if seen is not None:
                        onwards.append(max(0.0, seen - arrived))
    aim = f"target {target:,.0f} events/s, " if target else "unpaced, "
    print(
        f"{phase.label}: {aim}achieved {phase.rate:,.0f} events/s "
        f"({phase.events:,} events / {len(phase.commits):,} commands in "
        f"{phase.end - phase.start:.1f} s)"
    )
    print("  " + ms_line("command (commit = 201)", [c.latency for c in phase.commits]))
    if target:
        late = sum(1 for c in phase.commits if c.slip > 0.010)
        print(
            "  " + ms_line("start behind schedule", [c.slip for c in phase.commits]) + f"  "
            f"({late:,} started >10 ms late)"
        )
    print("  " + ms_line("commit → relay send()", sends) + "  (record timestamp, ms)")
    print("  " + ms_line("commit → readable in Kafka", in_kafka))
    print("  " + ms_line("readable in Kafka → view", onwards))
    print("  " + ms_line("end-to-end lag (→ view)", lags) + f"  never seen: {unseen}")


def measure_lag(
    args: argparse.Namespace,
    app: BanliApplication,
    store: ViewStore,
    topics: Topics,
    dsn: str,
    schema: str,
) -> None:
    print("\n== end-to-end lag: command → relay → Kafka → projection consumer → audit view")
    topic = topics.fresh("lag")
    group = f"bench-kafka-{uuid.uuid4().hex[:8]}"
    topics.groups.append(group)
    settings = topics.settings(dsn, schema, topic)
    head = app.recorder.max_notification_id() or 0
    # Only what is written from now on travels: the relay starts on the new topic at the head.
    store.insert_tracking(Tracking(f"relay:{topic}", head))
    tracker = Tracker(max_seen=head)
    with (
        tempfile.TemporaryDirectory(prefix="bench_kafka_") as workdir,
        pipeline_processes(settings, group, Path(workdir), args.relay_poll) as (consumer, relay),
    ):
        processes = (consumer, relay)
        print(
            f"banli consume projections (pid {consumer.popen.pid}) and banli relay "
            f"(pid {relay.popen.pid}, --poll-seconds {args.relay_poll}) on topic {topic}, "
            f"relay from position {head:,}"
        )
        table = wait_for_audit_table(store, processes)
        watcher = Watcher(dsn, table, tracker, args.watch_ms / 1000)
        reader = KafkaReader(topics.bootstrap, topic, tracker)
        reader.start()
        reader.ready.wait(READY_TIMEOUT_S)
        watcher.start()
        try:
            streams = [CaseStream(app, f"W{i}-") for i in range(args.writers)]
            began = time.perf_counter()
            warm = 0
            while time.perf_counter() - began < READY_TIMEOUT_S:  # the consumer group forms
                commits, _, _ = drive(streams[:1], tracker, 0.5, None)
                warm += len(commits)
                drain(tracker, watcher, 2.0)
                if not tracker.outstanding():
                    break
                for process in processes:
                    process.check()
            drain(tracker, watcher, READY_TIMEOUT_S)
            if tracker.outstanding():
                msg = f"the pipeline showed nothing within {READY_TIMEOUT_S:.0f} s"
                raise RuntimeError(msg)
            print(
                f"warm-up: {warm} commands visible through the pipeline after "
                f"{time.perf_counter() - began:.1f} s"
            )

            streams = [CaseStream(app, f"C{i}-") for i in range(args.writers)]
            commits, start, end = drive(streams, tracker, args.calibrate_seconds, None)
            calibration = Phase(f"calibration ({args.writers} writers)", commits, start, end)
            drained = drain(tracker, watcher, args.drain_timeout)
            report_phase(calibration, tracker, None)
            print(f"  (pipeline drained {drained:.1f} s after the last command)")
            rate = float(args.rate)
            if calibration.rate * args.pace_share < rate:
                rate = max(1.0, round(calibration.rate * args.pace_share))
                print(
                    f"the command path sustained {calibration.rate:,.0f} events/s unpaced, "
                    f"below the {args.rate:,} target: pacing at {args.pace_share:.0%} of that, "
                    f"{rate:,.0f}/s"
                )
            for process in processes:
                process.check()

            streams = [CaseStream(app, f"L{i}-") for i in range(args.writers)]
            cpu_before = {p.name: cpu_seconds(p.popen.pid) for p in processes}
            own_before = own_cpu_seconds()
            commits, start, end = drive(streams, tracker, args.load_seconds, rate)
            cpu = {p.name: cpu_seconds(p.popen.pid) - cpu_before[p.name] for p in processes}
            own = own_cpu_seconds() - own_before
            drained = drain(tracker, watcher, args.drain_timeout)
            load = Phase(f"paced load ({args.writers} writers)", commits, start, end)
            report_phase(load, tracker, rate)
            print(f"  (pipeline drained {drained:.1f} s after the last command)")
            for process in processes:
                process.check()
        finally:
            watcher.stop.set()
            reader.stop.set()
            watcher.join(timeout=10)
            reader.join(timeout=10)
        for thread_error in (watcher.error, reader.error):
            if thread_error is not None:
                raise thread_error
        polls = [b - a for a, b in zip(watcher.poll_starts, watcher.poll_starts[1:], strict=False)]
        print("  " + ms_line("watcher poll interval", polls))
        seconds = end - start
        print(
            f"  CPU during the paced load ({seconds:.0f} s, 2 cores = {2 * seconds:.0f} "
            f"CPU-s): bench process (writers, watcher, Kafka reader) {own:.1f} s, "
            + ", ".join(f"{name} {value:.1f} s" for name, value in cpu.items())
        )


# ---------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000, help="events to relay")
    parser.add_argument("--dsn", help="PostgreSQL DSN (default: scripts/ensure_postgres.sh)")
    parser.add_argument("--bootstrap", help="Kafka bootstrap (default: scripts/ensure_kafka.sh)")
    parser.add_argument("--partitions", type=int, default=6, help="partitions per topic")
    parser.add_argument("--batch-size", type=int, default=1000, help="relay batch (as deployed)")
    parser.add_argument("--rounds", type=int, default=2, help="relay/raw rounds, order alternating")
    parser.add_argument("--fill-batch", type=int, default=100, help="cases per fill transaction")
    parser.add_argument("--rate", type=int, default=1000, help="target events/s of the lag run")
    parser.add_argument("--writers", type=int, default=4, help="command threads in the lag run")
    parser.add_argument("--calibrate-seconds", type=float, default=10.0)
    parser.add_argument(
        "--pace-share",
        type=float,
        default=0.8,
        help="when the calibrated rate is below --rate, pace at this share of it",
    )
    parser.add_argument("--load-seconds", type=float, default=40.0, help="paced load duration")
    parser.add_argument("--watch-ms", type=float, default=10.0, help="audit view poll interval")
    parser.add_argument("--relay-poll", type=float, default=0.2, help="banli relay --poll-seconds")
    parser.add_argument("--drain-timeout", type=float, default=60.0)
    parser.add_argument("--skip-throughput", action="store_true", help="only the lag part")
    parser.add_argument("--skip-lag", action="store_true", help="only the throughput part")
    args = parser.parse_args(argv)
    if min(args.events, args.partitions, args.batch_size, args.rounds, args.fill_batch) < 1:
        parser.error("--events, --partitions, --batch-size, --rounds, --fill-batch must be ≥ 1")
    if args.rate < 1 or args.writers < 1 or args.load_seconds <= 0:
        parser.error("--rate, --writers and --load-seconds must be positive")
    if not 0 < args.pace_share <= 1:
        parser.error("--pace-share must be in (0, 1]")

    bootstrap = args.bootstrap or provision(
        KAFKA_ENSURE, lambda line: ":" in line and " " not in line, "--bootstrap"
    )
    dsn = args.dsn or provision(PG_ENSURE, lambda line: line.startswith("postgresql://"), "--dsn")
    kafka = kafka_module("kafka")
    print(f"PostgreSQL: {server_version(dsn)}")
    print(
        f"Kafka broker {bootstrap}; kafka-python {kafka.__version__}; python "
        f"{sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs"
    )
    topics = Topics(bootstrap, args.partitions)
    began = time.perf_counter()
    try:
        with fresh_schema(dsn) as schema:
            settings = topics.settings(dsn, schema, "unused")
            app = BanliApplication(env={**settings.eventsourcing_env(), "CREATE_TABLE": "y"})
            store = build_view_store(settings)
            print(f"schema {schema}; cipher {'on' if app.mapper.cipher else 'off'}")
            try:
                if not args.skip_throughput:
                    measure_throughput(args, app, store, topics, dsn, schema)
                if not args.skip_lag:
                    measure_lag(args, app, store, topics, dsn, schema)
            finally:
                app.close()
                store.datastore.close()
    finally:
        topics.remove_all()
    print(f"total {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
