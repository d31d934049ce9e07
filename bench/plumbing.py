"""What every bench needs besides its workload: PostgreSQL and Kafka to run on, ``banli``
processes to measure, and the timing arithmetic, written once.

- PostgreSQL: ``postgres_dsn`` (``--dsn``, else ``scripts/ensure_postgres.sh``) prints the
  server's version and the durability settings that decide what a commit costs; ``fresh_schema``
  makes a ``bench_<hex>`` schema and drops it afterwards (also after an error); ``library_env``
  is the library's settings for a schema exactly as the service derives them.
- Kafka: ``kafka_bootstrap`` (``--bootstrap``, else ``scripts/ensure_kafka.sh``); ``Topics``
  makes fresh topics and removes them, and the consumer groups used, at the end.
- Processes: ``banli_processes`` runs ``banli`` commands with their logs and stops them
  (SIGTERM, then SIGKILL), saying how many tracebacks each log holds.
- Timing: nearest-rank percentiles, latency lines, threads released together, profiles.
"""

from __future__ import annotations

import contextlib
import os
import pstats
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import kafka
import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder
from kafka.admin import KafkaAdminClient
from psycopg import sql

from bench.cpu import tree_seconds
from infra.kafka_clients import ensure_topic, make_producer
from infra.settings import Settings
from infra.transcodings import DateAsISO

REPO_ROOT = Path(__file__).resolve().parents[1]
PROCESS_STOP_TIMEOUT_S = 15.0
READY_TIMEOUT_S = 120.0

# ---------------------------------------------------------------------- PostgreSQL


def provision(script: str, looks_right: Callable[[str], bool], option: str) -> str:
    """The last stdout line of ``scripts/<script>`` (its address), or exit saying which option
    to pass instead."""
    path = REPO_ROOT / "scripts" / script
    proc = subprocess.run(
        ["bash", str(path)], stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines or not looks_right(lines[-1]):
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{path} failed (exit {proc.returncode}); pass {option}")
    return lines[-1]


def postgres_dsn(given: str | None) -> str:
    """``given``, else the local test cluster's DSN; prints what the numbers were measured on."""
    dsn = given or provision("ensure_postgres.sh", lambda s: s.startswith("postgresql://"), "--dsn")
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT version()").fetchone()
        settings = conn.execute(
            "SELECT name, setting FROM pg_settings "
            "WHERE name IN ('fsync', 'synchronous_commit') ORDER BY name"
        ).fetchall()
    version = str(row[0]) if row else "?"
    print(f"PostgreSQL: {version} [{', '.join(f'{name}={value}' for name, value in settings)}]")
    return dsn


@contextlib.contextmanager
def fresh_schema(dsn: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield schema
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            # Bounded: a process still holding the schema must not hang the bench's exit.
            conn.execute("SET lock_timeout = '60s'")
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        print(f"dropped schema {schema}")


def library_env(dsn: str, schema: str, **settings: Any) -> dict[str, str]:
    """The library's settings for ``schema`` as the service derives them (``Settings``, which
    reads the other ``BANLI_*`` variables, such as ``BANLI_CIPHER_KEY``, from the environment)."""
    derived = Settings(database_url=dsn, database_schema=schema, **settings)
    return {**derived.eventsourcing_env(), "CREATE_TABLE": "y"}


class RawApplication(Application[UUID]):
    """The raw baseline: a plain library application with the project's transcodings and none
    of its side tables."""

    name = "bench_raw"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


# ---------------------------------------------------------------------- Kafka


def kafka_bootstrap(given: str | None) -> str:
    """``given``, else the local test broker's address."""
    return given or provision(
        "ensure_kafka.sh", lambda line: ":" in line and " " not in line, "--bootstrap"
    )


@dataclass
class Topics:
    """Fresh topics on the broker, all deleted (with the consumer groups used) at the end."""

    bootstrap: str
    partitions: int
    made: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

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
        ensure_topic(
            Settings(
                kafka_bootstrap=self.bootstrap, kafka_topic=topic, kafka_partitions=self.partitions
            )
        )
        return topic

    def producer(self, settings: Settings) -> Any:
        """The service's producer, connected and given the topic's metadata (so a timed run
        does not pay for either)."""
        producer = make_producer(settings)
        producer.partitions_for(settings.kafka_topic)
        return producer

    def message_count(self, topic: str) -> int:
        """The sum of the topic's end offsets: how many messages it holds."""
        consumer = kafka.KafkaConsumer(bootstrap_servers=self.bootstrap, group_id=None)
        try:
            partitions = consumer.partitions_for_topic(topic) or set()
            ends = consumer.end_offsets([kafka.TopicPartition(topic, p) for p in partitions])
            return int(sum(ends.values()))
        finally:
            consumer.close()

    def remove_all(self) -> None:
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="banli-bench-cleanup")
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


# ---------------------------------------------------------------------- banli processes


@dataclass
class BanliProcess:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def check(self) -> None:
        """Raises when the process has exited: a bench must not go on measuring without it."""
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}")


def banli_command() -> list[str]:
    """The ``banli`` console script beside this Python (the project's venv), else ``-m banli``."""
    script = Path(sys.executable).with_name("banli")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "banli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def banli_processes(
    commands: Mapping[str, Sequence[str]], settings: Mapping[str, str], workdir: Path
) -> Iterator[dict[str, BanliProcess]]:
    """Runs ``banli <command>`` for each name, logging to ``workdir/<name>.log``. They inherit
    this environment with ``settings`` (``BANLI_*``) on top, so both sides of a bench agree on
    whatever else is set (``BANLI_CIPHER_KEY``, cache sizes)."""
    env = {**os.environ, **settings, "PYTHONUNBUFFERED": "1"}
    started: dict[str, BanliProcess] = {}
    try:
        for name, args in commands.items():
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
            started[name] = BanliProcess(name, popen, log)
        yield started
    finally:
        for process in started.values():
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
        for process in started.values():
            try:
                process.popen.wait(timeout=PROCESS_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(timeout=PROCESS_STOP_TIMEOUT_S)
            tracebacks = process.log.read_text(errors="replace").count("Traceback")
            print(
                f"stopped {process.name} (pid {process.popen.pid}, exit "
                f"{process.popen.returncode}); tracebacks in its log: {tracebacks}"
            )


@dataclass(frozen=True)
class Server:
    process: BanliProcess
    base_url: str


@contextlib.contextmanager
def banli_server(settings: Mapping[str, str], workdir: Path, workers: int = 1) -> Iterator[Server]:
    """``banli serve`` (``--workers``) on a free port with ``settings``, once ``/health``
    answers (bounded)."""
    port = free_port()
    serve = ["serve", "--data-dir", str(workdir / "data"), "--host", "127.0.0.1"]
    serve += ["--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    with banli_processes({"server": serve}, settings, workdir) as processes:
        server = Server(processes["server"], f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + READY_TIMEOUT_S
        with httpx.Client(base_url=server.base_url, timeout=2.0) as client:
            while True:
                server.process.check()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"banli serve did not come up:\n{server.process.tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if client.get("/health").status_code == 200:
                        break
                time.sleep(0.05)  # readiness polling interval
        if workers > 1:
            settle(server.process.popen.pid)
        print(f"server pid {server.process.popen.pid} on {server.base_url}")
        yield server


def settle(pid: int, window: float = 1.0, quiet: float = 0.15) -> None:
    """Until the process tree of ``pid`` used under ``quiet`` CPU seconds in ``window``:
    ``/health`` answers once one worker is up, and on a busy machine another may still be
    importing for tens of seconds, its start-up counted as the first timed commands' CPU."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    before = tree_seconds([pid])
    while time.monotonic() < deadline:
        time.sleep(window)
        now = tree_seconds([pid])
        if now - before < quiet:
            return
        before = now


# ---------------------------------------------------------------------- timing


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(share * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def latency_line(label: str, seconds: Sequence[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    top = ms[-1] if ms else float("nan")
    return (
        f"{label:<34} n={len(ms):>6}  p50 {percentile(ms, 0.50):8.2f} ms  "
        f"p99 {percentile(ms, 0.99):8.2f} ms  max {top:8.2f} ms"
    )


def run_threads(count: int, work: Callable[[int], None]) -> float:
    """Runs ``work(i)`` in ``count`` threads released together; answers the wall time."""
    barrier = threading.Barrier(count + 1)
    failures: list[BaseException] = []

    def target(i: int) -> None:
        barrier.wait()
        try:
            work(i)
        except BaseException as error:  # reported after the join
            failures.append(error)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise failures[0]
    return elapsed


def _where(path: str, line: int, func: str) -> str:
    for prefix in (str(REPO_ROOT) + "/", "site-packages/"):
        if prefix in path:
            path = path.split(prefix, 1)[1]
            break
    return f"{path}:{line}({func})" if line else func


def print_profile(stats: pstats.Stats, top: int = 40) -> None:
    """The top functions by cumulative and by own time, as shares of the profiled run."""
    entries: dict[tuple[str, int, str], tuple[Any, int, float, float, Any]]
    entries = vars(stats)["stats"]
    # The share is of the profiled run (the outermost call); summing own times instead counts
    # psycopg's generators more than once.
    total = max((ct for _, _, _, ct, _ in entries.values()), default=0.0) or 1.0
    print(f"profiled {total:.2f} s; by cumulative time (share of the run), then own time:")
    print(f"{'cum%':>6} {'own%':>6} {'calls':>10}  function")
    by_cumulative = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)[:top]
    by_own = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[: top // 2]
    for heading, ranked in (("", by_cumulative), (f"\ntop {top // 2} by own time:", by_own)):
        if heading:
            print(heading)
        for (path, line, func), (_, calls, tt, ct, _) in ranked:
            where = _where(path, line, func)
            print(f"{100 * ct / total:6.1f} {100 * tt / total:6.1f} {calls:10,}  {where}")
