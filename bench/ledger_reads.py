"""The 台账's reads at scale, quiet and while commands run: ``GET /v1/ledger``,
``GET /v1/ledger/overdue`` and the workbench pages that show them.

    .venv/bin/python -m bench.ledger_reads [--dsn DSN] [--load-cases 100000] [--requests 200]
                        [--load-clients 6] [--load-rate 30] [--no-flat-out] [--workers 2]
                        [--keep-schema | --schema NAME]

A PostgreSQL schema (fresh, or ``--schema``: one kept by an earlier run with ``--keep-schema``,
whose cases are not loaded again); ``banli serve`` on it; ``--load-cases`` cases written
in-process through the service's write path (``bench.http_ledger_reads.load_cases``); the
server's projections catch up. Then every read is timed ``--requests`` times in a row, first
on a quiet server, then while ``--load-clients`` clients post the bench workload's case
lifecycles through the same server (``bench.command_load``, a process of its own): paced at
``--load-rate`` commands/s in all, then flat out. Printed per read and phase: p50 / p95 / p99
/ max to the last byte (goal: p99 < 20 ms), and the command rate each load held meanwhile;
per phase, the server's garbage-collection pauses and its reads' waits for the read models
(``/metrics``); quiet, the server's CPU per read (every process of its tree).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from bench.command_load import command_load
from bench.cpu import tree_seconds
from bench.http_ledger_reads import (
    LOAD_UNITS,
    add_load_options,
    load_cases,
    wait_for_projections,
)
from bench.plumbing import Server, banli_server, fresh_schema, postgres_dsn
from bench.read_timing import Read, Timed, print_table, time_reads
from bench.server_timings import server_timings
from bench.workload import CO_UNIT, LEAD_UNIT

PASSWORD = "bench-ledger-reads"
API_READS = (
    # Floors: the HTTP round trip alone, then with the read-your-writes wait for the ledger
    # (``views_current``) and a one-row page; what a real read costs beyond them is its own.
    Read("GET /health (floor)", "/health", None),
    Read("GET /v1/ledger?limit=1 (floor)", "/v1/ledger?limit=1"),
    Read("GET /v1/ledger?limit=50", "/v1/ledger?limit=50"),
    Read("GET /v1/ledger?overdue=true", "/v1/ledger?overdue=true&limit=50"),
    Read("GET /v1/ledger/overdue", "/v1/ledger/overdue?limit=50"),
    # The 台账 by its deadlines (``next_due_on``), most pressing first: a top-N sort.
    Read("GET /v1/ledger?sort=due", "/v1/ledger?sort=due&limit=50"),
    Read("GET /v1/ledger?sort=overdue", "/v1/ledger?sort=overdue&limit=50"),
    Read("GET /v1/ledger?sort=lead_unit", "/v1/ledger?sort=lead_unit&limit=50"),
    Read("GET /v1/ledger?sort=title", "/v1/ledger?sort=title&limit=50"),
    Read("GET /v1/ledger?sort=year", "/v1/ledger?sort=year&limit=50"),
    Read("GET /v1/ledger?sort=stage", "/v1/ledger?sort=stage&limit=50"),
)
PAGE_READS = (
    Read("page 台账 /ledger", "/ledger", None),
    Read("page 台账 year+overdue", "/ledger?year=2025&overdue=1", None),
    Read("page 台账 by 办理期限", "/ledger?sort=due", None),
    Read("page 督办 /supervision", "/supervision", None),
)
# Who posts the load's commands, by the workload's names: (role, unit).
LOAD_USERS = {
    "office": ("office", None),
    "leader": ("leader", None),
    "lead": ("handler", LEAD_UNIT),
    "co": ("handler", CO_UNIT),
}


def create_directory(server: Server, admin_token: str, run: str) -> dict[str, str]:
    """The load's and the workload's units (a kept schema has them already) and this run's
    users; answers their tokens by the workload's names. The office user has a password too,
    for the pages' session."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    tokens: dict[str, str] = {}
    with httpx.Client(base_url=server.base_url, headers=admin, timeout=30.0) as client:
        for code in (*LOAD_UNITS, LEAD_UNIT, CO_UNIT):
            answer = client.post("/v1/units", json={"code": code, "name": f"单位{code}"})
            if answer.status_code != 409:  # there from an earlier run on a kept schema
                answer.raise_for_status()
        for who, (role, unit) in LOAD_USERS.items():
            # A 姓名 is no other user's (``check_new_display_name``): this run's own, so a
            # kept schema is read again.
            name = f"reads-{run}-{who}"
            body = {"username": name, "display_name": name, "role": role}
            if unit is not None:
                body["unit_code"] = unit
            if who == "office":
                body["password"] = PASSWORD
            answer = client.post("/v1/users", json=body)
            answer.raise_for_status()
            tokens[who] = str(answer.json()["token"])
    return tokens


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def time_phase(
    server: Server, office_token: str, run: str, requests: int, quiet: bool = False
) -> dict[str, Timed]:
    """Every read, ``requests`` times (``quiet``: with the server's CPU per read); then what
    the server timed meanwhile: its garbage-collection pauses, which land on whatever request
    is under way, and how long reads waited for the read models (read-your-writes)."""
    with httpx.Client(base_url=server.base_url, timeout=30.0) as metrics:
        before = server_timings(metrics)
        timings = time_reads_of(server, office_token, run, requests, quiet)
        for line in server_timings(metrics).since(before):
            print(f"  {line}")
    return timings


def time_reads_of(
    server: Server, office_token: str, run: str, requests: int, quiet: bool
) -> dict[str, Timed]:
    pid = server.process.popen.pid
    cpu = (lambda: tree_seconds([pid])) if quiet else None
    bearer = {"Authorization": f"Bearer {office_token}"}
    with httpx.Client(base_url=server.base_url, headers=bearer, timeout=120.0) as api:
        timings = time_reads(api, API_READS, requests, server_cpu=cpu)
    with httpx.Client(base_url=server.base_url, timeout=120.0) as pages:
        login = {"username": f"reads-{run}-office", "password": PASSWORD}
        pages.post("/v1/session", json=login).raise_for_status()
        timings |= time_reads(pages, PAGE_READS, requests, server_cpu=cpu)
    return timings


def load_phases(args: argparse.Namespace) -> list[tuple[str, float | None]]:
    """The phases under a command load, each with its paced rate (None: flat out)."""
    if not args.load_clients:
        return []
    paced = [("paced", float(args.load_rate))] if args.load_rate else []
    return paced + ([("flat out", None)] if args.flat_out else [])


def vacuum(dsn: str, schema: str) -> None:
    """VACUUM ANALYZE every table of the schema: a view generation just rebuilt (a changed
    layout) holds each case's rows rewritten once per event until autovacuum comes by, which
    on a long-running server it has; reads timed before that measure the rebuild's bloat."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema]
        ).fetchall()
        for (table,) in tables:
            conn.execute(sql.SQL("VACUUM ANALYZE {}.{}").format(
                sql.Identifier(schema), sql.Identifier(table)))  # fmt: skip
    print(f"vacuumed and analyzed {len(tables)} tables")


@contextlib.contextmanager
def schema_for(args: argparse.Namespace, dsn: str) -> Iterator[tuple[str, bool]]:
    """(schema, whether it still needs its cases): ``--schema`` as it is, else a fresh one,
    dropped at the end unless ``--keep-schema``."""
    if args.schema:
        yield args.schema, False
    elif args.keep_schema:
        schema = f"bench_reads_{secrets.token_hex(6)}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        print(f"schema {schema} is kept: pass --schema {schema} to read it again")
        yield schema, True
    else:
        with fresh_schema(dsn) as schema:
            yield schema, True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_options(parser)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per read")
    parser.add_argument("--load-clients", type=int, default=6, help="command clients (0: none)")
    parser.add_argument(
        "--load-rate",
        type=float,
        default=30.0,
        help="commands/s of the paced load phase, over all clients (0: no paced phase)",
    )
    parser.add_argument(
        "--no-flat-out",
        dest="flat_out",
        action="store_false",
        help="no phase with the clients flat out",
    )
    parser.add_argument("--workers", type=int, default=2, help="banli serve --workers")
    parser.add_argument("--keep-schema", action="store_true", help="keep the loaded schema")
    parser.add_argument("--schema", help="a schema kept by --keep-schema: read it, load nothing")
    args = parser.parse_args()
    if min(args.load_cases, args.load_batch, args.requests, args.workers) < 1:
        parser.error("counts must be positive")
    if args.load_rate < 0:
        parser.error("--load-rate must not be negative")
    dsn = postgres_dsn(args.dsn)
    admin_token = secrets.token_urlsafe(24)
    run = secrets.token_hex(3)
    with schema_for(args, dsn) as (schema, empty), tempfile.TemporaryDirectory() as workdir:
        settings = {
            "BANLI_DATABASE_URL": dsn,
            "BANLI_DATABASE_SCHEMA": schema,
            "BANLI_BOOTSTRAP_ADMIN_TOKEN": admin_token,
        }
        with banli_server(settings, Path(workdir), workers=args.workers) as server:
            tokens = create_directory(server, admin_token, run)
            if empty:
                print(f"\n== loading {args.load_cases:,} cases in-process")
                loaded = load_cases(args, dsn, schema, server)
                note = " (stopped by --load-budget)" if loaded.stopped_early else ""
                print(f"loaded {loaded.cases:,} cases, {loaded.events:,} events{note}")
            waited = wait_for_projections(server, args.catch_up_timeout)
            print(f"projections caught up after {waited:.0f} s")
            vacuum(dsn, schema)
            phases: dict[str, dict[str, Timed]] = {}
            print(f"\n== quiet: {args.requests} requests per read; {load_average()}", flush=True)
            phases["quiet"] = time_phase(server, tokens["office"], run, args.requests, quiet=True)
            print(f"quiet phase done; {load_average()}")
            for phase, rate in load_phases(args):
                aim = f"{rate:g} commands/s" if rate else "flat out"
                label = f"{args.load_clients} clients, {aim}"
                print(f"== under load ({label}); {load_average()}", flush=True)
                prefix = f"{'P' if rate else 'Q'}{run}"
                with command_load(server.base_url, tokens, args.load_clients, prefix, rate) as out:
                    phases[phase] = time_phase(server, tokens["office"], run, args.requests)
                print(f"{out[0].line()}; {load_average()}")
                for error in out[0].errors[:3]:
                    print(f"  load error: {error}")
            print()
            print_table(phases, goal_ms=20.0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
