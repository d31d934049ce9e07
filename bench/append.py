"""Append throughput on PostgreSQL: the domain command path against a raw library baseline.

    .venv/bin/python -m bench.append [--cases N] [--dsn DSN] [--cipher]

Two sides, measured in one run, each in its own fresh schema (``bench_<hex>``, created here and
dropped at the end):

domain
    For each of N cases, ``BanliApplication.register`` and then seven ``execute`` calls with the
    typed commands of ``bench.workload`` (Assign, RecordContact, RecordCoOpinion, SubmitReply,
    DecideReply, IssueReply, RecordFeedback): one command per request, as the API does, so every
    command loads the case, runs the rules, and saves its one event (plus the banli side tables).
raw
    The same aggregates are built in memory first, outside the timed region, by calling the same
    ``Case`` methods and collecting the pending events of every command step. Only
    ``Application.save`` of those events is timed, one save per command step, into a plain
    library ``Application`` with the same transcodings and the same persistence settings.

Both sides write the same events in the same number of transactions. The cases are timed in
interleaved blocks (domain block, raw block, domain block, …) so that both sides meet the same
server conditions (table size, autovacuum, checkpoints). A few warm-up cases run on each side
before timing. ``--cipher`` repeats the whole measurement with ``BANLI_CIPHER_KEY`` set (AES)
on both sides.

No timing is asserted: the script prints numbers. It only refuses to print a ratio when the two
sides did not write the same number of events.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.cipher import AESCipher
from psycopg import sql

from bench.plumbing import RawApplication, fresh_schema, library_env, postgres_dsn, print_profile
from bench.workload import EVENTS_PER_CASE, Events, build_raw_case, case_number, run_domain_case
from infra.application import BanliApplication


def save_raw_case(app: Application[UUID], steps: Sequence[Events]) -> tuple[int, int]:
    events = 0
    for step in steps:
        app.save(*step)
        events += len(step)
    return events, len(steps)


def stored_event_count(dsn: str, schema: str, app: Application[UUID]) -> int:
    table = getattr(app.recorder, "events_table_name", "")
    query = sql.SQL("SELECT count(*) FROM {}.{}").format(
        sql.Identifier(schema), sql.Identifier(table)
    )
    with psycopg.connect(dsn) as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def describe(app: Application[UUID]) -> str:
    cipher = app.mapper.cipher
    return f"{type(app.recorder).__name__}, cipher {type(cipher).__name__ if cipher else 'none'}"


# ---------------------------------------------------------------------- measurement


@dataclass
class Side:
    label: str
    events: int = 0
    saves: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's CPU: the client's side of every save

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_event(self) -> float:
        return 1000 * self.cpu_seconds / self.events if self.events else 0.0


@dataclass
class Outcome:
    mode: str
    domain: Side
    raw: Side
    stored_domain: int
    stored_raw: int
    setup: str


def measure(
    dsn: str,
    *,
    cases: int,
    warmup: int,
    block: int,
    cipher_key: str | None,
    profiler: cProfile.Profile | None,
) -> Outcome:
    mode = "AES cipher (BANLI_CIPHER_KEY set)" if cipher_key else "no cipher"
    domain_side = Side("domain: register + execute")
    raw_side = Side("raw: Application.save")
    previous_key = os.environ.pop("BANLI_CIPHER_KEY", None)
    if cipher_key:
        os.environ["BANLI_CIPHER_KEY"] = cipher_key
    try:
        with fresh_schema(dsn) as domain_schema, fresh_schema(dsn) as raw_schema:
            domain_app = BanliApplication(env=library_env(dsn, domain_schema))
            raw_app = RawApplication(env=library_env(dsn, raw_schema))
            try:
                # Built before anything is timed: the raw side's events, per command step.
                warm_raw = [build_raw_case(case_number("W", i)) for i in range(warmup)]
                timed_raw = [build_raw_case(case_number("B", i)) for i in range(cases)]

                for i in range(warmup):
                    run_domain_case(domain_app, case_number("W", i))
                    save_raw_case(raw_app, warm_raw[i])

                gc.collect()
                for start in range(0, cases, block):
                    stop = min(start + block, cases)

                    if profiler is not None:
                        profiler.enable()
                    began, cpu = time.perf_counter(), time.process_time()
                    for i in range(start, stop):
                        events, saves = run_domain_case(domain_app, case_number("B", i))
                        domain_side.events += events
                        domain_side.saves += saves
                    domain_side.seconds += time.perf_counter() - began
                    domain_side.cpu_seconds += time.process_time() - cpu
                    if profiler is not None:
                        profiler.disable()

                    began, cpu = time.perf_counter(), time.process_time()
                    for i in range(start, stop):
                        events, saves = save_raw_case(raw_app, timed_raw[i])
                        raw_side.events += events
                        raw_side.saves += saves
                    raw_side.seconds += time.perf_counter() - began
                    raw_side.cpu_seconds += time.process_time() - cpu
            finally:
                domain_app.close()
                raw_app.close()
            setup = f"domain {describe(domain_app)}; raw {describe(raw_app)}"
            stored_domain = stored_event_count(dsn, domain_schema, domain_app)
            stored_raw = stored_event_count(dsn, raw_schema, raw_app)
    finally:
        os.environ.pop("BANLI_CIPHER_KEY", None)
        if previous_key is not None:
            os.environ["BANLI_CIPHER_KEY"] = previous_key
    return Outcome(mode, domain_side, raw_side, stored_domain, stored_raw, setup)


def report(outcome: Outcome, *, warmup: int) -> None:
    print(f"\n== {outcome.mode}")
    print(outcome.setup)
    print(
        f"{'side':<34}{'events':>9}{'saves':>9}{'seconds':>10}{'events/s':>11}{'CPU ms/event':>14}"
    )
    for side in (outcome.domain, outcome.raw):
        print(
            f"{side.label:<34}{side.events:>9}{side.saves:>9}"
            f"{side.seconds:>10.2f}{side.rate:>11.0f}{side.cpu_ms_per_event:>14.3f}"
        )
    print(
        f"stored_events rows (incl. {warmup} warm-up cases/side): "
        f"domain {outcome.stored_domain}, raw {outcome.stored_raw}"
    )
    expected_rows = outcome.domain.events + warmup * EVENTS_PER_CASE
    same = (
        outcome.domain.events == outcome.raw.events
        and outcome.domain.saves == outcome.raw.saves
        and outcome.stored_domain == outcome.stored_raw == expected_rows
    )
    if not same:
        print("!! the two sides did not write the same events; no ratio")
        return
    ratio = outcome.domain.rate / outcome.raw.rate if outcome.raw.rate else 0.0
    print(f"ratio {ratio:.2f}  (domain events/s ÷ raw events/s)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=2000, help="timed cases per side")
    parser.add_argument("--dsn", help="PostgreSQL DSN (default: scripts/ensure_postgres.sh)")
    parser.add_argument("--cipher", action="store_true", help="repeat with BANLI_CIPHER_KEY set")
    parser.add_argument("--warmup", type=int, default=20, help="untimed cases per side first")
    parser.add_argument(
        "--block", type=int, default=100, help="cases per interleaved domain/raw block"
    )
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="cProfile the domain side's timed blocks into PATH (pstats); skews the ratio",
    )
    args = parser.parse_args(argv)
    if args.cases < 1 or args.warmup < 0 or args.block < 1:
        parser.error("--cases and --block must be positive, --warmup not negative")

    dsn = postgres_dsn(args.dsn)
    print(
        f"N={args.cases} cases/side, {EVENTS_PER_CASE} events/case (one command = one save), "
        f"warm-up {args.warmup} cases/side, interleaved blocks of {args.block} cases"
    )
    print(f"python {sys.version.split()[0]}")

    keys: list[str | None] = [None]
    if args.cipher:
        keys.append(AESCipher.create_key(16))
    profiler = cProfile.Profile() if args.profile else None
    for key in keys:
        outcome = measure(
            dsn,
            cases=args.cases,
            warmup=args.warmup,
            block=args.block,
            cipher_key=key,
            profiler=profiler,
        )
        report(outcome, warmup=args.warmup)

    if profiler is not None:
        profiler.dump_stats(args.profile)
        print(f"\nprofile of the domain side written to {args.profile}")
        print_profile(pstats.Stats(profiler))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
