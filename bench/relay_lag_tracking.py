"""Part of ``bench.relay_lag``: when each committed event became visible.

Writer threads drive commands and note each event's commit; a ``Watcher`` polls the Kafka-fed
audit view for the positions not yet seen, and a ``KafkaReader`` reads the topic itself (no
group), which splits an event's lag into the relay's hop and the consumer's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import kafka
import psycopg

from bench.plumbing import READY_TIMEOUT_S, run_threads
from bench.workload import CaseStream


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
        finally:  # what was committed counts, also when a command failed (re-raised)
            with lock:
                commits.extend(mine)

    run_threads(len(streams), lambda i: work(i, streams[i]))
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
