"""Part of ``bench.http_commands``: ledger read latency over a large store.

``--load-cases`` cases are written in-process, not over HTTP, through
``BanliApplication.record`` (the service's write path: events plus their index rows,
``--load-batch`` cases per transaction), built in memory with the domain's own commands: every
case assigned in 2025 to one of 40 units, most contacted, half replied (some co-handled, key,
satisfied or dissatisfied), so most unreplied ones are overdue today. Then the server's own
projections catch up (``/metrics`` until every lag is 0) and ``GET /v1/ledger`` and
``GET /v1/ledger/overdue`` are timed.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

import httpx
from eventsourcing.domain import CanMutateAggregate
from prometheus_client.parser import text_string_to_metric_families

from bench.plumbing import Server, latency_line, library_env
from bench.workload import ACTORS, YEAR
from domain import commands as c
from domain import handlers
from domain.commands import Acting
from domain.records import Actor, Person, Proposer
from infra import clock
from infra.application import BanliApplication
from projections.registry import NAMES


def projection_lag(client: httpx.Client) -> tuple[int, dict[str, int]]:
    """(events in the store, events behind the head per projection) from /metrics."""
    text = client.get("/metrics").raise_for_status().text
    head = 0
    lags: dict[str, int] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            projection = sample.labels.get("projection")
            if sample.name == "banli_events_total":
                head = int(sample.value)
            elif sample.name == "banli_projection_events_behind_head" and projection:
                lags[projection] = max(lags.get(projection, 0), int(sample.value))
    return head, lags


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
    act(c.Assign(case_id=cid, assigned_on=assigned, lead_unit=lead, co_units=co), office)
    handler = Actor(user=f"h-{lead.lower()}", role="handler", unit=lead)
    if i % 50 == 0:
        act(
            c.DesignateKey(
                case_id=cid, source="government", occurred_on=assigned, leader_in_charge="钱厅长"
            ),
            office,
        )
    bucket = i % 10
    if bucket < 7:
        contacted_by = Person(name="赵处长", rank="处长")
        on = assigned + timedelta(days=10)
        contact = c.RecordContact(
            case_id=cid,
            unit=lead,
            phase="before",
            channel="phone",
            contacted_by=contacted_by,
            person=f"代表{i % 997}",
            reached=True,
            summary="电话沟通",
            occurred_on=on,
        )
        act(contact, handler)
    if bucket < 5:
        on = assigned + timedelta(days=30 + i % 60)
        for unit in co:
            co_actor = Actor(user=f"h-{unit.lower()}", role="handler", unit=unit)
            act(
                c.RecordCoOpinion(
                    case_id=cid,
                    unit=unit,
                    summary="会办意见",
                    disclosure_opinion="proactive",
                    occurred_on=on - timedelta(days=5),
                ),
                co_actor,
            )
        reply = c.SubmitReply(
            case_id=cid,
            unit=lead,
            classification="ABC"[i % 3],
            consultation_form_ref=f"ZX-{i}",
            summary="答复摘要",
            occurred_on=on,
            disclosure="proactive" if i % 2 else "on_request",
        )
        reply_id = str(act(reply, handler))
        act(
            c.DecideReply(
                case_id=cid,
                reply_id=reply_id,
                approved=True,
                leader="钱厅长",
                note="同意",
                occurred_on=on,
            ),
            leader,
        )
        act(
            c.IssueReply(
                case_id=cid, reply_id=reply_id, document_number=f"复〔2025〕{i}号", occurred_on=on
            ),
            handler,
        )
        if bucket < 2 or bucket == 4:
            verdict = "dissatisfied" if bucket == 4 and i % 20 == 4 else "satisfied"
            said = "措施不够具体" if verdict == "dissatisfied" else ""  # R-F1: says why
            act(
                c.RecordFeedback(
                    case_id=cid, verdict=verdict, comments=said, occurred_on=on + timedelta(days=20)
                ),
                office,
            )
    return list(case.collect_events())


@dataclass
class Loaded:
    cases: int
    events: int
    seconds: float
    stopped_early: bool


def add_load_options(parser: argparse.ArgumentParser) -> None:
    """The options of a bench that loads its cases with ``load_cases`` and reads them (the
    database, how many cases, in which batches, for how long, and the projections' catch-up)."""
    parser.add_argument("--dsn", help="PostgreSQL DSN (default: scripts/ensure_postgres.sh)")
    parser.add_argument("--load-cases", type=int, default=100_000)
    parser.add_argument("--load-batch", type=int, default=500, help="cases per transaction")
    parser.add_argument("--load-budget", type=float, default=1200.0, help="seconds at most")
    parser.add_argument("--catch-up-timeout", type=float, default=1800.0)


def load_cases(args: argparse.Namespace, dsn: str, schema: str, server: Server) -> Loaded:
    """Writes cases in-process through ``BanliApplication.record``, batch by batch."""
    today = clock.today()
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
    """Polls /metrics until every projection's lag is 0; answers the seconds waited. Only the
    views the projection runner keeps count: the notices follower's (reminders, notifications)
    notice what time makes due, not what a read waits for."""
    began = time.perf_counter()
    last_report = began
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        while True:
            head, every = projection_lag(client)
            lags = {name: lag for name, lag in every.items() if name in NAMES}
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


def measure_ledger_reads(
    args: argparse.Namespace, dsn: str, schema: str, server: Server, token: str
) -> None:
    print(f"\n== ledger reads: loading {args.load_cases:,} cases in-process (fast path)")
    loaded = load_cases(args, dsn, schema, server)
    note = " (stopped by --load-budget)" if loaded.stopped_early else ""
    print(
        f"loaded {loaded.cases:,} cases, {loaded.events:,} events in {loaded.seconds:.0f} s{note}"
    )
    waited = wait_for_projections(server, args.catch_up_timeout)
    print(f"projections caught up {waited:.0f} s after the load ended")
    measure_reads(server, token, args.requests)
