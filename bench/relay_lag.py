"""The Kafka pipeline on PostgreSQL: relay throughput against a raw producer, then end-to-end lag.

    .venv/bin/python -m bench.relay_lag [--events 100000] [--rounds 2] [--rate 1000]
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
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import kafka
from eventsourcing.persistence import Tracking

from bench.plumbing import (
    READY_TIMEOUT_S,
    BanliProcess,
    Topics,
    banli_processes,
    fresh_schema,
    kafka_bootstrap,
    latency_line,
    library_env,
    postgres_dsn,
)
from bench.relay_lag_tracking import Commit, KafkaReader, Tracker, Watcher, drain, drive
from bench.relay_throughput import measure_throughput
from bench.workload import CaseStream, case_numbers
from infra.application import BanliApplication
from infra.read_models import ViewStore, build_view_store
from infra.settings import Settings
from projections.audit_trail import AUDIT


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


def pipeline_settings(settings: Settings, group: str) -> dict[str, str]:
    """The ``BANLI_*`` settings of the relay and the consumer: this schema, topic and group."""
    return {
        "BANLI_DATABASE_URL": settings.database_url or "",
        "BANLI_DATABASE_SCHEMA": settings.database_schema,
        "BANLI_KAFKA_BOOTSTRAP": settings.kafka_bootstrap or "",
        "BANLI_KAFKA_TOPIC": settings.kafka_topic,
        "BANLI_KAFKA_PARTITIONS": str(settings.kafka_partitions),
        "BANLI_KAFKA_GROUP": group,
        "BANLI_EMBEDDED_PROJECTIONS": "false",
    }


def wait_for_audit_table(store: ViewStore, processes: Sequence[BanliProcess]) -> str:
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
    print("  " + latency_line("command (commit = 201)", [c.latency for c in phase.commits]))
    if target:
        late = sum(1 for c in phase.commits if c.slip > 0.010)
        print(
            "  " + latency_line("start behind schedule", [c.slip for c in phase.commits]) + f"  "
            f"({late:,} started >10 ms late)"
        )
    print("  " + latency_line("commit → relay send()", sends) + "  (record timestamp, ms)")
    print("  " + latency_line("commit → readable in Kafka", in_kafka))
    print("  " + latency_line("readable in Kafka → view", onwards))
    print("  " + latency_line("end-to-end lag (→ view)", lags) + f"  never seen: {unseen}")


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
    commands = {
        "consumer": ["consume", "projections"],
        "relay": ["relay", "--poll-seconds", str(args.relay_poll)],
    }
    with (
        tempfile.TemporaryDirectory(prefix="bench_kafka_") as workdir,
        banli_processes(commands, pipeline_settings(settings, group), Path(workdir)) as started,
    ):
        consumer, relay = started["consumer"], started["relay"]
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
            streams = [CaseStream(app, case_numbers(f"W{i}-")) for i in range(args.writers)]
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

            streams = [CaseStream(app, case_numbers(f"C{i}-")) for i in range(args.writers)]
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

            streams = [CaseStream(app, case_numbers(f"L{i}-")) for i in range(args.writers)]
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
        print("  " + latency_line("watcher poll interval", polls))
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

    bootstrap = kafka_bootstrap(args.bootstrap)
    dsn = postgres_dsn(args.dsn)
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
            app = BanliApplication(env=library_env(dsn, schema))
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
