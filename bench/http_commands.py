"""HTTP round trips on PostgreSQL: commands through the real server against raw saves, then
ledger read latency over a large store.

    .venv/bin/python bench/http.py [--dsn DSN] [--clients 16] [--cases-per-client 50]
                                   [--load-cases 100000] [--load-budget 1200] [--requests 300]

One run, one PostgreSQL (``scripts/ensure_postgres.sh`` unless ``--dsn``), fresh schemas named
``bench_<hex>`` that are dropped at the end (also after an error):

commands
    ``banli serve`` runs as a subprocess on the ``http`` schema (``BANLI_DATABASE_URL`` +
    ``BANLI_DATABASE_SCHEMA``, embedded projections as in production). Units and users are
    created over HTTP. ``--clients`` threads, each with its own ``httpx.Client`` and its own
    cases, POST a case's lifecycle one command at a time: register, assignment (lead + one co
    unit), contact, co-opinion, reply, approval, issue, feedback (8 commands, 8 events). Every
    command must answer 201. Printed: commands/s (commands ÷ wall time of the block) and the
    client-side latency p50 / p99 / max of every command.
raw
    The same cases are built in memory first, outside any timing, by calling the same ``Case``
    methods with the same actors (as ``bench/append.py`` does), keeping each command step's
    pending events. Timed: only ``Application.save`` of those events, one save per step, by as
    many threads as there are clients, into a plain library ``Application`` (same transcodings,
    same persistence settings) on the ``raw`` schema; and as many cases again (other numbers)
    saved by one thread. The HTTP and raw blocks alternate (``--rounds``) so all sides meet the
    same database conditions. Printed: events/s and the ratio HTTP commands/s ÷ raw events/s for
    each raw side (each command writes one event; goal ≥ 0.8).
ledger reads
    ``--load-cases`` more cases (default 100,000) are written in-process, not over HTTP, through
    ``BanliApplication.record`` (the service's write path: events plus their index rows, 100
    cases per transaction), built in memory with the domain's own commands: a mix of assigned,
    contacted, replied, co-handled, key and dissatisfied cases of 2025, so most unreplied ones
    are overdue today. Loading stops early when ``--load-budget`` seconds have passed (the count
    reached is printed). The server's own projections then catch up; the bench polls
    ``/metrics`` until every projection's lag is 0. Then ``--requests`` sequential requests
    each of ``GET /v1/ledger?limit=50`` and ``GET /v1/ledger/overdue`` (limit 50) after 20
    warm-up requests; printed: p50 / p99 / max latency (goal p99 < 20 ms).

No timing is asserted: the script prints numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import JSONTranscoder
from psycopg import sql

from bench.workload import (
    ACTORS,
    CO_UNIT,
    EVENTS_PER_CASE,
    LEAD_UNIT,
    LIFECYCLE,
    YEAR,
    Events,
    build_raw_case,
    http_body,
    registration,
)
from domain import commands as c
from domain import handlers
from domain.commands import Acting, SubmitReply
from domain.records import Actor, Person, Proposer
from infra.application import BanliApplication
from infra.settings import Settings
from infra.transcodings import DateAsISO

REPO_ROOT = Path(__file__).resolve().parents[1]

ENSURE_SCRIPT = REPO_ROOT / "scripts" / "ensure_postgres.sh"
SERVER_START_TIMEOUT_S = 120.0
SERVER_STOP_TIMEOUT_S = 15.0
POLL_S = 0.05

# (name used by the bench, username, role, unit): created over HTTP; the raw side's actors are
# exactly what the server records for these users.
USERS = [(who, a["user"], a["role"], a["unit"]) for who, a in ACTORS.items()]
COMMANDS_PER_CASE = EVENTS_PER_CASE


def china_today() -> date:
    """The server's "today" for the future-date rule (Beijing's date)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


class RawApplication(Application[UUID]):
    """A plain library application with the project's transcodings."""

    name = "bench_raw"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


# ---------------------------------------------------------------------- PostgreSQL plumbing


def provision_dsn() -> str:
    proc = subprocess.run(
        ["bash", str(ENSURE_SCRIPT)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines or not lines[-1].startswith("postgresql://"):
        sys.stderr.write(proc.stderr)
        msg = f"{ENSURE_SCRIPT} failed (exit {proc.returncode}); pass --dsn"
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
            conn.execute("SET lock_timeout = '60s'")
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        print(f"dropped schema {schema}")


def library_env(dsn: str, schema: str) -> dict[str, str]:
    """The library settings exactly as the project derives them for this schema."""
    return {**Settings(database_url=dsn, database_schema=schema).eventsourcing_env()}


# ---------------------------------------------------------------------- the server process


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    admin_token: str
    log_path: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def banli_executable() -> Path:
    for candidate in (Path(sys.executable).with_name("banli"), REPO_ROOT / ".venv/bin/banli"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    msg = "no banli executable next to this Python or in .venv/bin; run `make test` first"
    raise SystemExit(msg)


def stop_server(server: Server) -> None:
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=SERVER_STOP_TIMEOUT_S)
    errors = server.log_path.read_text(errors="replace").count("Traceback")
    signalled = (
        " (SIGTERM, re-raised by uvicorn after its shutdown)" if process.returncode == -15 else ""
    )
    print(f"server stopped (exit {process.returncode}{signalled}); tracebacks in its log: {errors}")


@contextlib.contextmanager
def running_server(dsn: str, schema: str, workdir: Path) -> Iterator[Server]:
    """``banli serve`` on PostgreSQL ``schema``; polls /health (bounded) until it answers."""
    token = secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANLI_")}
    env.update(
        BANLI_DATABASE_URL=dsn,
        BANLI_DATABASE_SCHEMA=schema,
        BANLI_BOOTSTRAP_ADMIN_TOKEN=token,
        PYTHONUNBUFFERED="1",
    )
    port = free_port()
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(banli_executable()),
                *("serve", "--data-dir", str(workdir / "data"), "--host", "127.0.0.1"),
                *("--port", str(port), "--log-level", "warning"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=workdir,
        )
    server = Server(process, f"http://127.0.0.1:{port}", token, log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        with httpx.Client(base_url=server.base_url, timeout=2.0) as client:
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    print(log_path.read_text(errors="replace"), file=sys.stderr)
                    msg = "banli serve did not come up (log above)"
                    raise SystemExit(msg)
                with contextlib.suppress(httpx.TransportError):
                    if client.get("/health").status_code == 200:
                        break
                time.sleep(POLL_S)  # readiness polling interval
        print(f"server pid {process.pid} on {server.base_url}, schema {schema}")
        yield server
    finally:
        stop_server(server)


def create_directory(server: Server) -> dict[str, str]:
    """Units and users over HTTP with the bootstrap admin token; answers tokens by bench name."""
    admin = {"Authorization": f"Bearer {server.admin_token}"}
    tokens: dict[str, str] = {}
    with httpx.Client(base_url=server.base_url, headers=admin, timeout=30.0) as client:
        for code in (LEAD_UNIT, CO_UNIT):
            answer = client.post("/v1/units", json={"code": code, "name": f"{code} (bench)"})
            answer.raise_for_status()
        for who, username, role, unit in USERS:
            body = {"username": username, "display_name": who, "role": role, "unit_code": unit}
            answer = client.post("/v1/users", json=body)
            answer.raise_for_status()
            tokens[who] = str(answer.json()["token"])
    return tokens


METRIC = re.compile(r'^(banli_\w+)(?:\{projection="(\w+)",generation="\d+"\})? (\d+)$')


def projection_lag(client: httpx.Client) -> tuple[int, dict[str, int]]:
    """(events in the store, lag per projection) from /metrics."""
    text = client.get("/metrics").raise_for_status().text
    head = 0
    lags: dict[str, int] = {}
    for line in text.splitlines():
        found = METRIC.match(line)
        if found is None:
            continue
        name, projection, value = found.group(1), found.group(2), int(found.group(3))
        if name == "banli_events_total":
            head = value
        elif name == "banli_projection_lag" and projection:
            lags[projection] = max(lags.get(projection, 0), value)
    return head, lags


# ---------------------------------------------------------------------- measurement helpers


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(share * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def latency_line(label: str, seconds: Sequence[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return (
        f"{label:<34} n={len(ms):>6}  p50 {percentile(ms, 0.50):7.2f} ms  "
        f"p99 {percentile(ms, 0.99):7.2f} ms  max {ms[-1] if ms else float('nan'):7.2f} ms"
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


# ---------------------------------------------------------------------- part 1: commands


@dataclass
class Side:
    label: str
    operations: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0


def post_case(
    client: httpx.Client, headers: dict[str, dict[str, str]], number: str, out: list[float]
) -> int:
    """One case's lifecycle over HTTP; appends each command's latency; answers commands sent."""

    def post(who: str, path: str, fields: dict[str, Any]) -> dict[str, Any]:
        began = time.perf_counter()
        response = client.post(path, json=fields, headers=headers[who])
        out.append(time.perf_counter() - began)
        if response.status_code != 201:
            msg = f"POST {path} as {who}: {response.status_code} {response.text}"
            raise RuntimeError(msg)
        answer: dict[str, Any] = response.json()
        return answer

    case_id = str(post("office", "/v1/cases", http_body(registration(number)))["case_id"])
    reply_id = ""
    for step in LIFECYCLE:
        path = f"/v1/cases/{case_id}/{step.path.format(reply=reply_id)}"
        command = step.command(case_id, reply_id)
        answer = post(step.who, path, http_body(command))
        if isinstance(command, SubmitReply):
            reply_id = str(answer["reply_id"])
    return COMMANDS_PER_CASE


def http_block(
    server: Server, tokens: dict[str, str], numbers: Sequence[Sequence[str]], side: Side | None
) -> None:
    headers = {who: {"Authorization": f"Bearer {token}"} for who, token in tokens.items()}
    latencies: list[list[float]] = [[] for _ in numbers]
    sent = [0] * len(numbers)
    clients = [httpx.Client(base_url=server.base_url, timeout=120.0) for _ in numbers]
    try:
        for client in clients:  # open the keep-alive connections before timing
            client.get("/health").raise_for_status()

        def work(i: int) -> None:
            for number in numbers[i]:
                sent[i] += post_case(clients[i], headers, number, latencies[i])

        elapsed = run_threads(len(numbers), work)
    finally:
        for client in clients:
            client.close()
    if side is not None:
        side.seconds += elapsed
        side.operations += sum(sent)
        for own in latencies:
            side.latencies.extend(own)


def raw_block(app: RawApplication, cases: Sequence[Sequence[list[Events]]], side: Side) -> None:
    saved = [0] * len(cases)

    def work(i: int) -> None:
        for steps in cases[i]:
            for step in steps:
                app.save(*step)
                saved[i] += len(step)

    side.seconds += run_threads(len(cases), work)
    side.operations += sum(saved)


def measure_commands(
    args: argparse.Namespace, server: Server, tokens: dict[str, str], raw: RawApplication
) -> None:
    clients, per_client, rounds = args.clients, args.cases_per_client, args.rounds

    def numbers(prefix: str, start: int, count: int) -> list[list[str]]:
        return [
            [f"{prefix}{c:02d}-{i:05d}" for i in range(start, start + count)]
            for c in range(clients)
        ]

    print(
        f"\n== commands: {clients} clients × {per_client} cases × {COMMANDS_PER_CASE} commands "
        f"(+{args.warmup} warm-up cases per client and side), {rounds} alternating rounds"
    )
    http_side = Side("HTTP commands (201 each)")
    raw_side = Side(f"raw Application.save, {clients} threads")
    serial_side = Side("raw Application.save, 1 thread")
    warm = numbers("W", 0, args.warmup)
    http_block(server, tokens, warm, None)
    raw_block(raw, [[build_raw_case(n) for n in own] for own in warm], Side("warm-up"))
    per_round = -(-per_client // rounds)
    done = 0
    while done < per_client:
        count = min(per_round, per_client - done)
        batch = numbers("B", done, count)
        built = [[build_raw_case(n) for n in own] for own in batch]  # not timed
        serial = [[build_raw_case(n) for own in numbers("S", done, count) for n in own]]
        gc.collect()
        http_block(server, tokens, batch, http_side)
        raw_block(raw, built, raw_side)
        raw_block(raw, serial, serial_side)
        done += count
        print(
            f"  round: {done}/{per_client} cases per client; HTTP {http_side.rate:,.0f} "
            f"commands/s, raw {raw_side.rate:,.0f} events/s ({clients} threads), "
            f"{serial_side.rate:,.0f} events/s (1 thread) so far",
            flush=True,
        )

    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        head, lags = projection_lag(client)
    print(f"{'side':<34}{'ops':>8}{'seconds':>10}{'ops/s':>10}")
    for side in (http_side, raw_side, serial_side):
        print(f"{side.label:<34}{side.operations:>8}{side.seconds:>10.2f}{side.rate:>10.0f}")
    print(latency_line("HTTP command latency (client)", http_side.latencies))
    for raw_label, raw_rate in (
        (f"{clients} threads", raw_side.rate),
        ("1 thread", serial_side.rate),
    ):
        ratio = http_side.rate / raw_rate if raw_rate else 0.0
        print(
            f"ratio {ratio:.2f}  (HTTP commands/s ÷ raw events/s with {raw_label}; "
            "one event per command; goal ≥ 0.8)"
        )
    print(f"server projections right after the HTTP blocks: head {head}, lag {lags}")


# ---------------------------------------------------------------------- part 2: ledger reads

LOAD_UNITS = [f"L-U{i:02d}" for i in range(40)]
LOAD_BATCH_REPORT = 5000


def build_load_case(i: int, today: date) -> list[CanMutateAggregate[UUID]]:
    """A deterministic mix: every case assigned; most contacted; half replied; some co-handled,
    key, satisfied or dissatisfied. Unreplied 2025 cases are overdue today."""
    office, leader = ACTORS["office"], ACTORS["leader"]
    suggestion = i % 4 != 0
    kind, ptype = ("suggestion", "deputy") if suggestion else ("proposal", "member")
    received = date(2025, 1, 6) + timedelta(days=i % 60)
    registration = c.RegisterCase(
        number=f"L{i:07d}",
        kind=kind,
        level="provincial" if i % 5 else "national",
        year=YEAR,
        title=f"关于第 {i} 项民生事项的{'建议' if suggestion else '提案'} (load)",
        proposers=(
            Proposer(name=f"代表{i % 997}", type=ptype, role="lead"),
            Proposer(name=f"代表{(i + 1) % 997}", type=ptype, role="co_signer"),
        ),
        received_on=received,
    )
    case = handlers.register(registration, Acting(office, today))
    cid = str(case.id)

    def act(command: c.CaseCommand, actor: Actor) -> str | None:
        return handlers.handler_for(command)(case, command, Acting(actor, today))

    assigned = received + timedelta(days=7)
    lead = LOAD_UNITS[i % len(LOAD_UNITS)]
    co = (LOAD_UNITS[(i + 7) % len(LOAD_UNITS)],) if i % 3 == 0 else ()
    act(c.Assign(cid, assigned, lead_unit=lead, co_units=co), office)
    handler = Actor(user=f"h-{lead.lower()}", role="handler", unit=lead)
    if i % 50 == 0:
        act(c.DesignateKey(cid, "government", assigned, leader_in_charge="钱厅长"), office)
    bucket = i % 10
    if bucket < 7:
        contacted_by = Person(name="赵处长", rank="处长")
        on = assigned + timedelta(days=10)
        contact = c.RecordContact(
            cid, lead, "before", "phone", contacted_by, f"代表{i % 997}", True, "电话沟通", on
        )
        act(contact, handler)
    if bucket < 5:
        on = assigned + timedelta(days=30 + i % 60)
        for unit in co:
            co_actor = Actor(user=f"h-{unit.lower()}", role="handler", unit=unit)
            act(
                c.RecordCoOpinion(cid, unit, "会办意见", "proactive", on - timedelta(days=5)),
                co_actor,
            )
        reply = c.SubmitReply(
            cid,
            unit=lead,
            classification="ABC"[i % 3],
            consultation_form_ref=f"ZX-{i}",
            summary="答复摘要",
            occurred_on=on,
            disclosure="proactive" if i % 2 else "on_request",
        )
        reply_id = str(act(reply, handler))
        act(c.DecideReply(cid, reply_id, True, "钱厅长", "同意", on), leader)
        act(c.IssueReply(cid, reply_id, f"复〔2025〕{i}号", on), handler)
        if bucket < 2 or bucket == 4:
            verdict = "dissatisfied" if bucket == 4 and i % 20 == 4 else "satisfied"
            act(c.RecordFeedback(cid, verdict, on + timedelta(days=20)), office)
    return list(case.collect_events())


@dataclass
class Loaded:
    cases: int
    events: int
    seconds: float
    stopped_early: bool


def load_cases(args: argparse.Namespace, dsn: str, schema: str, server: Server) -> Loaded:
    """Writes cases in-process through ``BanliApplication.record``, batch by batch."""
    today = china_today()
    app = BanliApplication(env=library_env(dsn, schema))
    loaded = events = 0
    began = time.perf_counter()
    next_report = LOAD_BATCH_REPORT
    stopped_early = False
    try:
        with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
            while loaded < args.load_cases:
                if time.perf_counter() - began > args.load_budget:
                    stopped_early = True
                    break
                count = min(args.load_batch, args.load_cases - loaded)
                pending: list[CanMutateAggregate[UUID]] = []
                for i in range(loaded, loaded + count):
                    pending.extend(build_load_case(i, today))
                app.record(pending)
                loaded += count
                events += len(pending)
                if loaded >= next_report or loaded == args.load_cases:
                    next_report += LOAD_BATCH_REPORT
                    elapsed = time.perf_counter() - began
                    head, lags = projection_lag(client)
                    print(
                        f"  loaded {loaded:,} cases / {events:,} events in {elapsed:.0f} s "
                        f"({loaded / elapsed:,.0f} cases/s); server lag {max(lags.values())} "
                        f"of {head:,}",
                        flush=True,
                    )
    finally:
        app.close()
    return Loaded(loaded, events, time.perf_counter() - began, stopped_early)


def wait_for_projections(server: Server, timeout: float) -> float:
    """Polls /metrics until every projection's lag is 0; answers the seconds waited."""
    began = time.perf_counter()
    last_report = began
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        while True:
            head, lags = projection_lag(client)
            if lags and max(lags.values()) == 0:
                print(f"  projections caught up: head {head:,}, lag 0 for {sorted(lags)}")
                return time.perf_counter() - began
            now = time.perf_counter()
            if now - began > timeout:
                msg = f"projections still lag {lags} after {timeout:.0f} s"
                raise SystemExit(msg)
            if now - last_report >= 15:
                last_report = now
                print(f"  catching up: head {head:,}, lag {lags}", flush=True)
            time.sleep(0.5)  # polling interval


def measure_reads(server: Server, token: str, requests: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    reads = [
        ("GET /v1/ledger?limit=50", "/v1/ledger", {"limit": "50"}),
        ("GET /v1/ledger/overdue", "/v1/ledger/overdue", {"limit": "50"}),
    ]
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=60.0) as client:
        for label, path, params in reads:
            print(f"  {label}: 20 warm-up + {requests} timed requests …", flush=True)
            sizes: set[int] = set()
            for _ in range(20):  # warm-up
                client.get(path, params=params).raise_for_status()
            seconds: list[float] = []
            for _ in range(requests):
                began = time.perf_counter()
                response = client.get(path, params=params)
                seconds.append(time.perf_counter() - began)
                response.raise_for_status()
                sizes.add(len(response.json()["items"]))
            print(latency_line(label, seconds) + f"  items/page {sorted(sizes)}  (goal p99 < 20)")


# ---------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dsn", help="PostgreSQL DSN (default: scripts/ensure_postgres.sh)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument("--cases-per-client", type=int, default=50, help="timed cases each")
    parser.add_argument("--warmup", type=int, default=2, help="untimed cases per client first")
    parser.add_argument("--rounds", type=int, default=2, help="alternating HTTP/raw rounds")
    parser.add_argument("--load-cases", type=int, default=100_000, help="cases for the reads")
    parser.add_argument("--load-batch", type=int, default=100, help="cases per transaction")
    parser.add_argument(
        "--load-budget", type=float, default=1200.0, help="seconds of loading at most"
    )
    parser.add_argument(
        "--catch-up-timeout", type=float, default=1800.0, help="seconds to wait for projections"
    )
    parser.add_argument("--requests", type=int, default=300, help="timed requests per read")
    args = parser.parse_args(argv)
    if min(args.clients, args.cases_per_client, args.rounds, args.requests, args.load_batch) < 1:
        parser.error("counts must be positive")

    dsn = args.dsn or provision_dsn()
    print(f"PostgreSQL: {server_version(dsn)}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, server today {china_today()}")
    with (
        tempfile.TemporaryDirectory(prefix="bench_http_") as tmp,
        fresh_schema(dsn) as http_schema,
        fresh_schema(dsn) as raw_schema,
        running_server(dsn, http_schema, Path(tmp)) as server,
    ):
        tokens = create_directory(server)
        raw = RawApplication(env=library_env(dsn, raw_schema))
        try:
            measure_commands(args, server, tokens, raw)
        finally:
            raw.close()

        print(f"\n== ledger reads: loading {args.load_cases:,} cases in-process (fast path)")
        loaded = load_cases(args, dsn, http_schema, server)
        note = " (stopped by --load-budget)" if loaded.stopped_early else ""
        print(
            f"loaded {loaded.cases:,} cases, {loaded.events:,} events in {loaded.seconds:.0f} s"
            f"{note}"
        )
        waited = wait_for_projections(server, args.catch_up_timeout)
        print(f"projections caught up {waited:.0f} s after the load ended")
        measure_reads(server, tokens["office"], args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
