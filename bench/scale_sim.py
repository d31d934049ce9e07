"""The nationwide rate through the production shape: HTTP commands at the peak and multiples of
it, the lag the Kafka pipeline held, and consumer throughput on a backlog.

    .venv/bin/python -m bench.scale_sim [--multiples 1,4,16] [--step-seconds 90]
                                        [--backlog-events 40000] [--dsn DSN] [--bootstrap H:P]

docs/scale.md derives the load: ≈ 10⁷ events a year nationwide, a mean of 0.32 events/s and an
assumed peak of 50× the mean, ≈ 16 events/s (``--peak``).

steps
    One fresh schema and topic (``--partitions``, 6 as deployed) with the production shape's
    processes on them: ``banli serve`` (``--workers``, embedded projections off), ``banli
    relay``, ``--consumers`` × ``banli consume projections`` (one group) and ``banli
    projections follow tamper_chain``. Units and users are made over HTTP, then one lifecycle
    warms the pipeline up (the group forms). Each step drives ``--writers`` threads, each on
    its own cases (``workload``'s lifecycle: register and seven steps, one event per command,
    every answer a 201), on a fixed schedule adding up to ``multiple × --peak`` commands/s for
    ``--step-seconds``. Every ``--sample-seconds`` a sampler scrapes ``/metrics`` (the Kafka-fed
    views' events behind the head, the consumers' lag in offsets, the relay's lag, the tamper
    chain's) and asks the broker for the group's committed offsets. Lag in seconds is the age
    of the oldest event the views do not show: position head − behind + 1, whose commit time
    (its 201) the writers noted. After the step the bench waits (``--drain-timeout``) until
    the views and the group are at the head. Printed per step: target and achieved rate,
    command latency, the lag held (p50 / max), the backlog's growth over the step (least
    squares, events/s), the drain time and the CPU each process used. A step that does not
    drain ends the run: the consumers fell behind.
backlog
    ``scale_sim_backlog``: a backlog of ``--backlog-events`` consumed by each count of
    ``--backlog-consumers`` (default 1 then 2), events/s overall, per consumer and per
    partition.

No timing is asserted: the script prints numbers.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import kafka

from bench.cpu import own_seconds, postgres_seconds, tree_seconds
from bench.http_commands import create_directory
from bench.plumbing import (
    READY_TIMEOUT_S,
    BanliProcess,
    Server,
    Topics,
    banli_processes,
    banli_server,
    fresh_schema,
    kafka_bootstrap,
    latency_line,
    percentile,
    postgres_dsn,
)
from bench.relay_lag import pipeline_settings
from bench.scale_sim_backlog import run_backlogs
from bench.scale_sim_load import Commits, HttpCaseStream, Sample, Sampler, drive

# docs/scale.md: 10⁷ events a year ÷ 3.15 × 10⁷ s ≈ 0.32 /s; the weeks after the sessions at an
# assumed 50× the mean.
NATIONWIDE_PEAK = 16.0


@dataclass
class Step:
    multiple: float
    target: float
    commands: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    late: int = 0  # commands started > 100 ms behind their schedule
    samples: list[Sample] = field(default_factory=list)
    drained: float | None = None  # seconds after the last answer; None: not within the timeout
    growth: float = 0.0  # least-squares slope of events behind over the step, events/s
    cpu: dict[str, float] = field(default_factory=dict)
    load: float = 0.0

    @property
    def rate(self) -> float:
        return self.commands / self.seconds if self.seconds else 0.0


def spread(values: Sequence[float | None], unit: str = "", digits: int = 0) -> str:
    known = sorted(v for v in values if v is not None)
    if not known:
        return "—"
    return f"p50 {percentile(known, 0.5):,.{digits}f}{unit}, max {known[-1]:,.{digits}f}{unit}"


def slope(samples: Sequence[Sample]) -> float:
    points = [(s.at, float(s.behind)) for s in samples if s.behind is not None]
    if len(points) < 3:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_v = sum(v for _, v in points) / len(points)
    var = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / var if var else 0.0


def wait_drained(sampler: Sampler, after: float, timeout: float) -> float | None:
    """Seconds after ``after`` until a sample shows the views, the relay and the group at the
    head; None when that did not happen within ``timeout``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if sampler.error is not None:
            raise sampler.error
        for s in sampler.since(after):
            if s.behind == 0 and s.relay_lag == 0 and s.group_lag == 0:
                return s.at - after
        time.sleep(0.2)
    return None


def cpu_now(processes: Sequence[BanliProcess]) -> dict[str, float]:
    figures = {p.name: tree_seconds([p.popen.pid]) for p in processes}
    figures["postgres (all)"] = postgres_seconds()
    figures["bench"] = own_seconds()
    return figures


def report_step(step: Step) -> None:
    s = step.samples
    print(
        f"step {step.multiple:g}× peak: target {step.target:,.1f} events/s, achieved "
        f"{step.rate:,.1f} ({step.commands:,} commands in {step.seconds:.1f} s; "
        f"{step.late:,} started > 100 ms late); load average {step.load:.1f}"
    )
    print("  " + latency_line("command (201)", step.latencies))
    print(f"  events behind the head, Kafka-fed views (/metrics): {spread([x.behind for x in s])}")
    seconds = spread([x.lag_seconds for x in s], " s", 2)
    print(f"  lag in seconds (oldest event not yet shown): {seconds}")
    print(
        f"  consumer lag (/metrics, offsets) {spread([x.consumer_lag for x in s])}; relay lag "
        f"{spread([x.relay_lag for x in s])}; group lag (broker, committed offsets) "
        f"{spread([x.group_lag for x in s])}"
    )
    print(f"  tamper chain behind the head (log-fed): {spread([x.chain_behind for x in s])}")
    drained = f"{step.drained:.1f} s after the last answer" if step.drained is not None else "NO"
    print(f"  backlog growth over the step {step.growth:+.2f} events/s; drained: {drained}")
    print("  CPU s during the step: " + ", ".join(f"{k} {v:.1f}" for k, v in step.cpu.items()))
    consumers = sum(v for k, v in step.cpu.items() if k.startswith("consumer-"))
    if step.commands:
        print(
            f"  consumers' CPU per 1,000 events: {1000 * consumers / step.commands:.2f} s "
            f"(server's {1000 * step.cpu.get('server', 0.0) / step.commands:.2f} s)"
        )


def run_step(
    args: argparse.Namespace,
    multiple: float,
    clients: Sequence[httpx.Client],
    headers: dict[str, dict[str, str]],
    commits: Commits,
    sampler: Sampler,
    processes: Sequence[BanliProcess],
) -> Step:
    step = Step(multiple, multiple * args.peak)
    tag = f"S{multiple:g}".replace(".", "_")
    streams = [HttpCaseStream(c, headers, f"{tag}-{i:02d}-") for i, c in enumerate(clients)]
    before = cpu_now(processes)
    sent, start, end = drive(streams, commits, args.step_seconds, step.target)
    after = cpu_now(processes)
    step.load = os.getloadavg()[0]
    step.cpu = {k: after[k] - before[k] for k in before}
    step.commands, step.seconds = len(sent), end - start
    step.latencies = [x.latency for x in sent]
    step.late = sum(1 for x in sent if x.slip > 0.1)
    step.samples = sampler.since(start, end)
    step.growth = slope(step.samples)
    step.drained = wait_drained(sampler, end, args.drain_timeout)
    for process in processes:
        process.check()
    report_step(step)
    return step


def warm_up(
    clients: Sequence[httpx.Client],
    headers: dict[str, dict[str, str]],
    commits: Commits,
    sampler: Sampler,
) -> None:
    """One lifecycle, then until the pipeline showed it: the consumer group has formed."""
    began = time.perf_counter()
    stream = HttpCaseStream(clients[0], headers, "WARM-")
    for _ in range(8):
        commits.add(stream.next_command(), time.perf_counter())
    drained = wait_drained(sampler, time.perf_counter(), READY_TIMEOUT_S)
    if drained is None:
        raise RuntimeError(f"the pipeline showed nothing within {READY_TIMEOUT_S:.0f} s")
    print(f"warm-up: one lifecycle through the pipeline in {time.perf_counter() - began:.1f} s")


def run_steps(args: argparse.Namespace, topics: Topics, dsn: str) -> list[Step]:
    multiples = [float(m) for m in args.multiples.split(",") if m.strip()]
    steps: list[Step] = []
    admin_token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp, fresh_schema(dsn) as schema:
        topic = topics.fresh("scale")
        group = f"bench-scale-{uuid.uuid4().hex[:8]}"
        topics.groups.append(group)
        env = pipeline_settings(topics.settings(dsn, schema, topic), group)
        env["BANLI_BOOTSTRAP_ADMIN_TOKEN"] = admin_token
        workdir = Path(tmp)
        print(
            f"\n== steps: {', '.join(f'{m:g}×' for m in multiples)} the nationwide peak "
            f"({args.peak:g} events/s), {args.step_seconds:.0f} s each, {args.writers} writers; "
            f"topic {topic} ({topics.partitions} partitions), {args.consumers} consumers"
        )
        commands = {"relay": ["relay"]}
        commands |= {f"consumer-{i + 1}": ["consume", "projections"] for i in range(args.consumers)}
        if not args.no_tamper_chain:
            commands["tamper-chain"] = ["projections", "follow", "tamper_chain"]
        with banli_server(env, workdir, workers=args.workers) as server:
            tokens = create_directory(server, admin_token)
            headers = {who: {"Authorization": f"Bearer {t}"} for who, t in tokens.items()}
            with banli_processes(commands, env, workdir) as started:
                processes = [server.process, *started.values()]
                steps = _steps(args, multiples, server, headers, topic, group, processes)
    return steps


def _steps(
    args: argparse.Namespace,
    multiples: Sequence[float],
    server: Server,
    headers: dict[str, dict[str, str]],
    topic: str,
    group: str,
    processes: Sequence[BanliProcess],
) -> list[Step]:
    commits = Commits()
    sampler = Sampler(server.base_url, args.bootstrap, topic, group, commits, args.sample_seconds)
    clients = [httpx.Client(base_url=server.base_url, timeout=120.0) for _ in range(args.writers)]
    steps: list[Step] = []
    sampler.start()
    try:
        warm_up(clients, headers, commits, sampler)
        for multiple in multiples:
            steps.append(run_step(args, multiple, clients, headers, commits, sampler, processes))
            if steps[-1].drained is None:
                print(f"the consumers fell behind at {multiple:g}× the peak: stopping here")
                break
    finally:
        sampler.stop.set()
        sampler.join(timeout=30)
        for client in clients:
            client.close()
    if sampler.error is not None:
        raise sampler.error
    scrapes = sampler.scrape_seconds
    print(latency_line("/metrics scrape", scrapes) + f"  ({len(sampler.samples)} samples)")
    return steps


def summary(steps: Sequence[Step]) -> None:
    print(
        f"\n{'step':>6} {'target/s':>9} {'achieved/s':>11} {'behind p50':>11} {'max':>6} "
        f"{'lag p50 s':>10} {'max s':>7} {'growth/s':>9} {'drained s':>10} {'load':>5}"
    )
    for st in steps:
        behind = sorted(x.behind for x in st.samples if x.behind is not None)
        secs = sorted(x.lag_seconds for x in st.samples if x.lag_seconds is not None)
        drained = f"{st.drained:.1f}" if st.drained is not None else "no"
        print(
            f"{st.multiple:>5g}× {st.target:>9,.1f} {st.rate:>11,.1f} "
            f"{percentile(behind, 0.5):>11,.0f} {(behind or [0])[-1]:>6,} "
            f"{percentile(secs, 0.5):>10.2f} {(secs or [0.0])[-1]:>7.2f} {st.growth:>+9.2f} "
            f"{drained:>10} {st.load:>5.1f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dsn", help="PostgreSQL DSN (default: scripts/ensure_postgres.sh)")
    parser.add_argument("--bootstrap", help="Kafka bootstrap (default: scripts/ensure_kafka.sh)")
    parser.add_argument("--partitions", type=int, default=6, help="partitions per topic")
    parser.add_argument("--peak", type=float, default=NATIONWIDE_PEAK, help="events/s at 1×")
    parser.add_argument("--multiples", default="1,4,16", help="steps, as multiples of --peak")
    parser.add_argument("--step-seconds", type=float, default=90.0)
    parser.add_argument("--writers", type=int, default=32, help="HTTP client threads")
    parser.add_argument("--workers", type=int, default=1, help="banli serve --workers")
    parser.add_argument("--consumers", type=int, default=2, help="banli consume projections")
    parser.add_argument("--no-tamper-chain", action="store_true", help="no chain follower")
    parser.add_argument("--sample-seconds", type=float, default=1.0)
    parser.add_argument("--drain-timeout", type=float, default=120.0)
    parser.add_argument("--backlog-events", type=int, default=40_000)
    parser.add_argument("--backlog-consumers", default="1,2", help="consumer counts, in order")
    parser.add_argument("--backlog-sample", type=float, default=0.25, help="seconds")
    parser.add_argument("--backlog-timeout", type=float, default=600.0)
    parser.add_argument("--skip-steps", action="store_true")
    parser.add_argument("--skip-backlog", action="store_true")
    args = parser.parse_args(argv)
    if min(args.partitions, args.writers, args.workers, args.consumers, args.backlog_events) < 1:
        parser.error("--partitions, --writers, --workers, --consumers, --backlog-events ≥ 1")
    if args.peak <= 0 or args.step_seconds <= 0 or args.sample_seconds <= 0:
        parser.error("--peak, --step-seconds and --sample-seconds must be positive")

    args.bootstrap = kafka_bootstrap(args.bootstrap)
    dsn = postgres_dsn(args.dsn)
    print(
        f"Kafka broker {args.bootstrap}; kafka-python {kafka.__version__}; python "
        f"{sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs"
    )
    topics = Topics(args.bootstrap, args.partitions)
    began = time.perf_counter()
    try:
        steps = [] if args.skip_steps else run_steps(args, topics, dsn)
        if steps:
            summary(steps)
        if not args.skip_backlog:
            run_backlogs(args, topics, dsn)
    finally:
        topics.remove_all()
    print(f"total {time.perf_counter() - began:.0f} s; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
