"""Part of ``bench.scale_sim``: how fast ``banli consume projections`` works off a backlog, with
one consumer and with several.

For each consumer count: a fresh schema is filled with ``--backlog-events`` events outside any
timing (``relay_throughput.fill``: whole lifecycles through ``BanliApplication.record``), the
in-process relay publishes them all to a fresh topic, and only then do the consumers start (a
fresh group). Every ``--backlog-sample`` seconds the bench reads each partition's applied offset
(the offsets the consumers commit with their view writes, the truth ``/metrics`` reports) and
the group's membership from the broker. Timed is the window from the first sample at which the
group is stable with every consumer holding partitions to the sample at which every partition
reached its end: a consumer that joins late triggers a rebalance, and counting the time before
it would credit the first consumer with the work of both. Each partition's own rate (its events
÷ the time from its first applied batch to its end) is printed too, and the consumers' CPU in
the window (events per CPU-second: what a consumer does on a core of its own, which a shared
machine's wall clock does not show).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kafka
from kafka.admin import KafkaAdminClient

from bench.cpu import tree_seconds
from bench.plumbing import Topics, banli_processes, fresh_schema, library_env, percentile
from bench.relay_lag import pipeline_settings
from bench.relay_throughput import fill, time_relay
from infra.application import BanliApplication
from infra.positions import consumer_offsets
from infra.read_models import build_view_store


@dataclass
class Backlog:
    consumers: int
    events: int
    seconds: float = 0.0  # the stable window
    applied: int = 0  # events applied in it
    startup: float = 0.0  # process start → first applied batch
    cpu: dict[str, float] = field(default_factory=dict)  # in the window
    per_partition: dict[int, float] = field(default_factory=dict)  # events/s, own window

    @property
    def rate(self) -> float:
        return self.applied / self.seconds if self.seconds else 0.0


def group_members(admin: Any, group: str) -> tuple[str, int]:
    """(state, members holding at least one partition) of a consumer group, as the broker
    answers it."""
    try:
        described = admin.describe_groups([group])
    except Exception:  # not formed yet
        return "unknown", 0
    info: Any = described.get(group, {}) if isinstance(described, dict) else {}
    state = str(info.get("group_state") or info.get("state") or "unknown")
    holding = 0
    for member in info.get("members") or []:
        assigned = (member.get("member_assignment") or {}).get("assigned_partitions") or []
        holding += 1 if any(a.get("partitions") for a in assigned) else 0
    return state, holding


def measure_backlog(
    args: argparse.Namespace, consumers: int, topics: Topics, dsn: str, workdir: Path
) -> Backlog:
    result = Backlog(consumers, 0)
    with fresh_schema(dsn) as schema:
        app = BanliApplication(env=library_env(dsn, schema))
        topic = topics.fresh(f"backlog{consumers}")
        settings = topics.settings(dsn, schema, topic)
        store = build_view_store(settings)
        try:
            began = time.perf_counter()
            _, written = fill(app, args.backlog_events, 100)
            sent, relay_s = time_relay(app, store, topics, settings, 1000)
            print(
                f"  backlog: {written:,} events filled and {sent:,} relayed to {topic} in "
                f"{time.perf_counter() - began:.0f} s (relay {sent / relay_s:,.0f} events/s)",
                flush=True,
            )
            result.events = sent
            group = f"bench-backlog-{uuid.uuid4().hex[:8]}"
            topics.groups.append(group)
            ends = _end_offsets(topics.bootstrap, topic)
            commands = {f"consumer-{i + 1}": ["consume", "projections"] for i in range(consumers)}
            env = pipeline_settings(settings, group)
            with banli_processes(commands, env, workdir / f"backlog{consumers}") as started:
                _follow(args, result, store, group, topic, ends, list(started.values()), topics)
        finally:
            app.close()
            store.datastore.close()
    return result


def _end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    reader = kafka.KafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    try:
        partitions = reader.partitions_for_topic(topic) or set()
        ends = reader.end_offsets([kafka.TopicPartition(topic, p) for p in partitions])
        return {tp.partition: int(o) for tp, o in ends.items()}
    finally:
        reader.close()


def _follow(
    args: argparse.Namespace,
    result: Backlog,
    store: Any,
    group: str,
    topic: str,
    ends: dict[int, int],
    processes: list[Any],
    topics: Topics,
) -> None:
    started = time.perf_counter()
    cpu_before = {p.name: tree_seconds([p.popen.pid]) for p in processes}
    admin = KafkaAdminClient(bootstrap_servers=topics.bootstrap, client_id="bench-backlog")
    first: dict[int, tuple[float, int]] = {}  # partition → (time, offset) of its first batch
    done: dict[int, float] = {}
    window: tuple[float, int] | None = None  # (time, applied) once the group is stable
    total = sum(ends.values())
    try:
        deadline = started + args.backlog_timeout
        while True:
            for process in processes:
                process.check()
            now = time.perf_counter()
            offsets = consumer_offsets(store, group, topic, ends)
            applied = sum(min(o or 0, ends[p]) for p, o in offsets.items())
            for p, o in offsets.items():
                if o and p not in first:
                    first[p] = (now, o)
                if (o or 0) >= ends[p] and p not in done:
                    done[p] = now
            if window is None:
                state, holding = group_members(admin, group)
                if state.lower() == "stable" and holding == len(processes) and applied < total:
                    window = (now, applied)
                    cpu_before = {p.name: tree_seconds([p.popen.pid]) for p in processes}
            if applied >= total or now > deadline:
                break
            time.sleep(args.backlog_sample)
    finally:
        admin.close()
    finished = now  # the sample that saw every partition at its end
    result.cpu = {p.name: tree_seconds([p.popen.pid]) - cpu_before[p.name] for p in processes}
    result.startup = min((t for t, _ in first.values()), default=finished) - started
    if applied < total:
        print(f"  not drained within {args.backlog_timeout:.0f} s: {applied:,} of {total:,}")
    if window is not None:
        result.seconds = finished - window[0]
        result.applied = applied - window[1]
    for p, (t, o) in sorted(first.items()):
        if p in done and done[p] > t:
            result.per_partition[p] = (ends[p] - o) / (done[p] - t)


def report_backlogs(results: list[Backlog]) -> None:
    print(
        f"{'consumers':>9} {'events':>8} {'window s':>9} {'applied':>8} {'events/s':>9} "
        f"{'per consumer':>13} {'start s':>8}  partition events/s (p50, min–max)  CPU s"
    )
    base = results[0].rate if results else 0.0
    for r in results:
        rates = sorted(r.per_partition.values())
        spread = (
            f"{percentile(rates, 0.5):,.0f} ({rates[0]:,.0f}–{rates[-1]:,.0f})" if rates else "—"
        )
        cpu = ", ".join(f"{k} {v:.1f}" for k, v in r.cpu.items())
        print(
            f"{r.consumers:>9} {r.events:>8,} {r.seconds:>9.1f} {r.applied:>8,} {r.rate:>9,.0f} "
            f"{r.rate / r.consumers:>13,.0f} {r.startup:>8.1f}  {spread:<34} {cpu}"
        )
        busy = sum(r.cpu.values())
        if busy and r.applied:
            print(
                f"{'':>9} consumers' CPU in the window: {1000 * busy / r.applied:.2f} s per "
                f"1,000 events, {r.applied / busy:,.0f} events per CPU-second"
            )
    if len(results) > 1 and base:
        for r in results[1:]:
            print(f"speed-up {r.consumers} consumers ÷ {results[0].consumers}: {r.rate / base:.2f}")


def run_backlogs(args: argparse.Namespace, topics: Topics, dsn: str) -> list[Backlog]:
    counts = [int(c) for c in args.backlog_consumers.split(",") if c.strip()]
    print(
        f"\n== backlog: {args.backlog_events:,} events on {topics.partitions} partitions, "
        f"consumed by {' then '.join(str(c) for c in counts)} consumer(s)"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_scale_backlog_") as tmp:
        for count in counts:
            (Path(tmp) / f"backlog{count}").mkdir()
            results.append(measure_backlog(args, count, topics, dsn, Path(tmp)))
            r = results[-1]
            print(
                f"  {count} consumer(s): {r.applied:,} events in {r.seconds:.1f} s of stable "
                f"group = {r.rate:,.0f} events/s",
                flush=True,
            )
    report_backlogs(results)
    return results
