"""Where a 台账 read spends its time: SQL against Python, each statement's plan, a profile.

    .venv/bin/python -m bench.ledger_profile --schema bench_reads_… [--repeat 30] [--profile]
                        [--explain]

Runs in this process, on a schema loaded and kept by ``bench.ledger_reads --keep-schema``
(no server needed; stop the one that used it first, or its follower keeps writing), the same
calls the routes make: the query, the response model, its JSON. Every SQL statement is timed
as the view store runs it, so each read splits into SQL and Python; ``--explain`` prints
``EXPLAIN (ANALYZE, BUFFERS)`` of each distinct statement, ``--profile`` the top functions of
all reads under cProfile (shares of the profiled run).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import psycopg

from api import queries_ledger
from api.deps import LedgerFilter, Paging
from banli.compose import build_services
from bench.plumbing import percentile, postgres_dsn, print_profile
from infra.clock import today
from infra.directory import Principal
from infra.services import Services
from infra.settings import Settings

OFFICE = Principal(user="bench-profile", role="office", unit=None)


def reads(svc: Services, as_of: date) -> dict[str, Callable[[], object]]:
    def page(filters: LedgerFilter) -> Callable[[], object]:
        def run() -> object:
            found = queries_ledger.ledger_page(svc, OFFICE, as_of, filters, Paging(50, None))
            return found.model_dump_json()

        return run

    def overdue() -> object:
        return queries_ledger.overdue_page(svc, OFFICE, as_of, Paging(50, None)).model_dump_json()

    def html_page(filters: LedgerFilter) -> Callable[[], object]:
        """What the 台账 page reads besides the page itself (its template not included)."""

        def run() -> object:
            return queries_ledger.ledger_screen(svc, OFFICE, as_of, filters, Paging(50, None))

        return run

    return {
        "GET /v1/ledger": page(LedgerFilter()),
        "GET /v1/ledger?overdue=true": page(LedgerFilter(overdue=True)),
        "GET /v1/ledger/overdue": overdue,
        "台账 page's reads": html_page(LedgerFilter()),
        "台账 year+overdue page's reads": html_page(LedgerFilter(year=2025, overdue=True)),
    }


class Recorder:
    """Wraps the view store's ``fetch``: every statement the timed reads make (this thread's:
    the projections' thread reads the store too), its parameters and its time."""

    def __init__(self, svc: Services) -> None:
        self.fetch = svc.views.fetch
        self.calls: list[tuple[str, list[Any], float]] = []
        self.thread = threading.get_ident()
        svc.views.fetch = self.timed  # type: ignore[method-assign]

    def timed(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        began = time.perf_counter()
        rows = self.fetch(sql, params)
        if threading.get_ident() == self.thread:
            self.calls.append((sql, list(params), time.perf_counter() - began))
        return rows


def shape(sql: str) -> str:
    """A statement without its generation suffixes and schema, for grouping."""
    return re.sub(r"\s+", " ", re.sub(r'"?bench_[a-z0-9_]+"?\.', "", sql))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", help="PostgreSQL DSN (default: scripts/ensure_postgres.sh)")
    parser.add_argument("--schema", required=True, help="kept by bench.ledger_reads")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per read")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement")
    parser.add_argument("--profile", action="store_true", help="cProfile every read")
    args = parser.parse_args()
    dsn = postgres_dsn(args.dsn)
    # With the embedded projections, as a served process reads: the 台账's row count is then
    # the kept one (``api/ledger_totals.py``), as on the page. The schema's views are caught up
    # (its server stopped), so this process only takes the lead and finds nothing to apply.
    svc = build_services(Settings(database_url=dsn, database_schema=args.schema))
    as_of = today()
    recorder = Recorder(svc)
    try:
        plans: dict[str, tuple[str, list[Any]]] = {}
        profile = cProfile.Profile()
        print(f"{'read':<34} {'ms p50':>7} {'p95':>7}  {'SQL share':>9}  statements")
        for label, run in reads(svc, as_of).items():
            run()  # warm
            totals: list[float] = []
            per_shape: dict[str, float] = defaultdict(float)
            sql_seconds = 0.0
            for _ in range(args.repeat):
                recorder.calls.clear()
                began = time.perf_counter()
                if args.profile:
                    profile.runcall(run)
                else:
                    run()
                totals.append(time.perf_counter() - began)
                for sql, params, seconds in recorder.calls:
                    sql_seconds += seconds
                    per_shape[shape(sql)] += seconds
                    plans.setdefault(shape(sql), (sql, params))
            ms = sorted(t * 1000 for t in totals)
            share = sql_seconds / sum(totals)
            print(
                f"{label:<34} {percentile(ms, 0.5):7.1f} {percentile(ms, 0.95):7.1f}  "
                f"{share:9.0%}  {len(recorder.calls)}"
            )
            for statement, seconds in sorted(per_shape.items(), key=lambda kv: -kv[1]):
                print(f"    {1000 * seconds / args.repeat:7.2f} ms  {statement[:150]}")
        if args.explain:
            explain(dsn, plans)
        if args.profile:
            print_profile(pstats.Stats(profile), top=30)
    finally:
        svc.close()
    return 0


def explain(dsn: str, plans: dict[str, tuple[str, list[Any]]]) -> None:
    with psycopg.connect(dsn) as conn:
        for statement, (sql, params) in plans.items():
            print(f"\n-- {statement}")
            rows = conn.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + sql.replace("?", "%s"),
                params,
            ).fetchall()
            for (line,) in rows:
                print(f"   {line}")


if __name__ == "__main__":
    raise SystemExit(main())
