"""Rebuild throughput: every projection from scratch, against a raw read of the same log.

    .venv/bin/python bench/rebuild.py --backend sqlite|postgres|both [--events N]
                                      [--workdir DIR] [--dsn DSN] [--profile N]

Per backend, in one run, over one event store of at least N events (default 1,000,000):

raw
    ``app.recorder.select_notifications(start, limit=5000)``, page after page until the end of
    the log: what the database and the library's recorder cost, without decoding anything.
rebuild
    ``infra.projection_runner.rebuild(app, store, registry.NAMES)`` into a fresh view store (a new
    SQLite file or a new PostgreSQL schema, removed afterwards): decoding, the domain's
    ``mutate`` per event, every view's rows, and the batched writes with their tracking.

It prints both rates (events/s), the rebuild's wall time and ``ratio`` = rebuild events/s ÷ raw
events/s: the share of the log's raw read speed that a full rebuild keeps.

The event store is made outside any timing by the demo generator (``infra.demo.load_demo``)
and kept for the next run: a SQLite file under ``--workdir`` or a PostgreSQL schema named
``bench_rebuild_n<N>_s<seed>``. One demo year is ~4,700 events; the demo numbers its cases
JY-0001 … per kind and year whatever the seed, so several seeds cannot share a store (their
case ids, derived from kind, year and number, collide). The generator's ``scale`` multiplies
every count instead, so one year at scale ≈ N / 4,400 gives at least N events.

No timing is asserted: the script prints numbers.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import math
import pstats
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import Recording
from psycopg import sql

from infra.application import BanliApplication
from infra.demo import load_demo
from infra.projection_runner import Progress, ProjectionRunner, rebuild
from infra.read_models import build_view_store
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections import registry

REPO_ROOT = Path(__file__).resolve().parents[1]

ENSURE_SCRIPT = REPO_ROOT / "scripts" / "ensure_postgres.sh"
DEFAULT_WORKDIR = REPO_ROOT / ".cache" / "bench_rebuild"
PAGE = 5000  # raw read page, as the rebuild's own batch
# Events per unit of demo scale, on the low side: 4,675 at scale 1, ~4,640 per unit at 3.
EVENTS_PER_SCALE = 4400
DONE_FILE = "done.json"  # SQLite: written when the load finished
DONE_TABLE = "bench_rebuild_done"  # PostgreSQL: the same, as a one-row table in the schema
LOAD_REPORT_EVERY = 25_000
REBUILD_REPORT_EVERY = 100_000

Views = Callable[[], AbstractContextManager[ViewStoreBase]]  # a fresh, empty view store


def demo_scale(events: int) -> float:
    """The demo scale that gives at least ``events`` events (never below one year)."""
    return max(1.0, math.ceil(events / EVENTS_PER_SCALE * 100) / 100)


# ---------------------------------------------------------------------- loading the store


class LoadingApplication(BanliApplication):
    """The application unchanged, counting saved events to print the load's progress."""

    name = BanliApplication.name  # the library names tables after the application (PostgreSQL)
    loaded = 0
    started = 0.0
    next_report = LOAD_REPORT_EVERY

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        recordings = super().save(*objs, **kwargs)
        self.loaded += len(recordings)
        if self.loaded >= self.next_report:
            self.next_report += LOAD_REPORT_EVERY
            elapsed = time.perf_counter() - self.started
            print(
                f"  loaded {self.loaded:,} events in {elapsed:.0f} s "
                f"({self.loaded / elapsed:,.0f} events/s)",
                flush=True,
            )
        return recordings


@dataclass(frozen=True)
class Loaded:
    events: int
    cases: int
    scale: float
    seed: int
    seconds: float


def load(env: dict[str, str], events: int, seed: int) -> Loaded:
    scale = demo_scale(events)
    print(f"  loading the demo year, seed {seed}, scale {scale} (at least {events:,} events) …")
    app = LoadingApplication(env=env)
    app.started = time.perf_counter()
    try:
        summary = load_demo(app, seed=seed, scale=scale)
        stored = app.recorder.max_notification_id() or 0
    finally:
        app.close()
    seconds = time.perf_counter() - app.started
    print(
        f"  loaded {stored:,} events ({summary.cases:,} cases) in {seconds:.0f} s "
        f"({stored / seconds:,.0f} events/s)"
    )
    if stored < events:
        print(f"!! the demo at scale {scale} made only {stored:,} events (< {events:,})")
    return Loaded(stored, summary.cases, scale, seed, seconds)


def sqlite_env(data_dir: Path) -> dict[str, str]:
    settings = Settings(data_dir=data_dir, database_url=None, cipher_key=None)
    return settings.eventsourcing_env()


def postgres_env(dsn: str, schema: str) -> dict[str, str]:
    settings = Settings(database_url=dsn, database_schema=schema, cipher_key=None)
    return {**settings.eventsourcing_env(), "CREATE_TABLE": "y"}


def prepare_sqlite(workdir: Path, events: int, seed: int, *, reload: bool) -> Path:
    """The folder of a complete SQLite event store with ≥ ``events`` events (made once)."""
    final = workdir / f"events_n{events}_s{seed}"
    if reload:
        shutil.rmtree(final, ignore_errors=True)
    done = final / DONE_FILE
    if done.exists():
        print(f"  reusing {final} ({json.loads(done.read_text())})")
        return final
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    loaded = load(sqlite_env(partial), events, seed)
    (partial / DONE_FILE).write_text(json.dumps(loaded.__dict__))
    partial.rename(final)
    return final


def schema_exists(conn: psycopg.Connection[Any], schema: str) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s", (schema,)
    ).fetchone()
    return bool(row and row[0])


def prepare_postgres(dsn: str, events: int, seed: int, *, reload: bool) -> str:
    """The name of a complete event-store schema with ≥ ``events`` events (made once)."""
    schema = f"bench_rebuild_n{events}_s{seed}"
    ident = sql.Identifier(schema)
    with psycopg.connect(dsn, autocommit=True) as conn:
        found = None
        if not reload and schema_exists(conn, schema):
            exists = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".{DONE_TABLE}',))
            marker = exists.fetchone()
            if marker and marker[0]:
                found = conn.execute(
                    sql.SQL("SELECT info FROM {}.{}").format(ident, sql.Identifier(DONE_TABLE))
                ).fetchone()
        if found:
            print(f"  reusing schema {schema} ({found[0]})")
            return schema
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
    loaded = load(postgres_env(dsn, schema), events, seed)
    with psycopg.connect(dsn, autocommit=True) as conn:
        table = sql.SQL("{}.{}").format(ident, sql.Identifier(DONE_TABLE))
        conn.execute(sql.SQL("CREATE TABLE {} (info text NOT NULL)").format(table))
        conn.execute(
            sql.SQL("INSERT INTO {} VALUES (%s)").format(table), (json.dumps(loaded.__dict__),)
        )
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))
        for (name,) in tables.fetchall():
            conn.execute(sql.SQL("ANALYZE {}.{}").format(ident, sql.Identifier(name)))
    return schema


# ---------------------------------------------------------------------- view stores


@contextmanager
def fresh_sqlite_views(workdir: Path) -> Iterator[ViewStoreBase]:
    folder = workdir / f"views_{uuid.uuid4().hex[:12]}"
    store = build_view_store(Settings(data_dir=folder, database_url=None, cipher_key=None))
    try:
        yield store
    finally:
        close_store(store)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_postgres_views(dsn: str) -> Iterator[ViewStoreBase]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    ident = sql.Identifier(schema)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
    store: ViewStoreBase | None = None
    try:
        settings = Settings(database_url=dsn, database_schema=schema, cipher_key=None)
        store = build_view_store(settings)
        yield store
    finally:
        if store is not None:
            close_store(store)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SET lock_timeout = '30s'")
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident))


def close_store(store: ViewStoreBase) -> None:
    datastore = getattr(store, "datastore", None)
    if datastore is not None:
        datastore.close()


def view_rows(store: ViewStoreBase) -> dict[str, int]:
    """Rows per view table in the active generations (a check that the rebuild wrote)."""
    counts = {}
    for view in registry.views().all():
        for table in view.tables:
            found = store.fetch(f"SELECT count(*) AS n FROM {store.table(table)}", ())
            counts[f"{view.name}.{table.name}"] = int(found[0]["n"])
    return counts


# ---------------------------------------------------------------------- measurement


@dataclass(frozen=True)
class Result:
    backend: str
    events: int
    raw_events: int
    raw_seconds: float
    rebuild_events: int
    rebuild_seconds: float

    @property
    def raw_rate(self) -> float:
        return self.raw_events / self.raw_seconds if self.raw_seconds else 0.0

    @property
    def rebuild_rate(self) -> float:
        return self.rebuild_events / self.rebuild_seconds if self.rebuild_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.rebuild_rate / self.raw_rate if self.raw_rate else 0.0


def raw_read(app: BanliApplication) -> int:
    events, start = 0, 1
    while True:
        page = app.recorder.select_notifications(start, limit=PAGE)
        if not page:
            return events
        events += len(page)
        start = page[-1].id + 1


def rebuild_progress() -> Progress:
    started = time.perf_counter()
    reported = [0]

    def progress(position: int, head: int) -> None:
        if position - reported[0] >= REBUILD_REPORT_EVERY or position >= head:
            reported[0] = position
            elapsed = time.perf_counter() - started
            print(
                f"  rebuilt {position:,}/{head:,} in {elapsed:.0f} s "
                f"({position / elapsed:,.0f} events/s)",
                flush=True,
            )

    return progress


def measure(backend: str, app: BanliApplication, views: Views) -> Result:
    head = app.recorder.max_notification_id() or 0
    print(f"  log head {head:,}; warm-up raw read (untimed) …", flush=True)
    raw_read(app)

    gc.collect()
    started = time.perf_counter()
    raw_events = raw_read(app)
    raw_seconds = time.perf_counter() - started
    print(
        f"  raw      {raw_events:,} events in {raw_seconds:.2f} s "
        f"= {raw_events / raw_seconds:,.0f} events/s"
    )

    with views() as store:
        gc.collect()
        started = time.perf_counter()
        rebuild(app, store, registry.NAMES, progress=rebuild_progress())
        rebuild_seconds = time.perf_counter() - started
        positions = store.positions(
            (name, store.active_generation(name) or 0) for name in registry.NAMES
        )
        reached = min((p or 0) for p in positions.values())
        print(
            f"  rebuild  {reached:,} events in {rebuild_seconds:.2f} s "
            f"= {reached / rebuild_seconds:,.0f} events/s"
        )
        rows = view_rows(store)
        print("  view rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    if reached != head:
        print(f"!! the rebuild reached position {reached:,}, not the head {head:,}")
    result = Result(backend, head, raw_events, raw_seconds, reached, rebuild_seconds)
    print(f"  ratio {result.ratio:.3f}  (rebuild events/s ÷ raw events/s; goal ≥ 0.5)")
    return result


# ---------------------------------------------------------------------- profiling


def profile_prefix(app: BanliApplication, views: Views, events: int, out: str | None) -> None:
    """cProfile of a rebuild's first ``events`` events, run as ``rebuild`` does (pinned
    generations, batches of 5000), into a fresh view store."""
    tables = registry.tables()
    with views() as store:
        generations = {
            name: store.create_generation(name, tables[name], activate=False)
            for name in registry.NAMES
        }
        runner = ProjectionRunner(
            app, store, names=registry.NAMES, generations=generations, batch_size=PAGE
        )
        profiler = cProfile.Profile()
        started = time.perf_counter()
        done = 0
        profiler.enable()
        while done < events:
            read = runner.run_batch()
            if read == 0:
                break
            done += read
        profiler.disable()
        seconds = time.perf_counter() - started
    print(
        f"\nprofile: first {done:,} events in {seconds:.2f} s under cProfile "
        f"({done / seconds:,.0f} events/s, profiler overhead included)"
    )
    if out:
        profiler.dump_stats(out)
        print(f"pstats written to {out}")
    print_profile(pstats.Stats(profiler))


def short(path: str) -> str:
    for prefix in (str(REPO_ROOT) + "/", "site-packages/"):
        if prefix in path:
            return path.split(prefix, 1)[1]
    return path


def print_profile(stats: pstats.Stats, top: int = 40) -> None:
    entries: dict[tuple[str, int, str], tuple[Any, int, float, float, Any]]
    entries = vars(stats)["stats"]
    # The share is of the profiled run (the outermost call, ``run_batch``); summing own times
    # instead counts psycopg's generators more than once.
    total = max((ct for _, _, _, ct, _ in entries.values()), default=0.0) or 1.0
    print(f"profiled {total:.2f} s; by cumulative time (share of the run), then own time:")
    print(f"{'cum%':>6} {'own%':>6} {'calls':>10}  function")
    ranked = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)
    for (path, line, func), (_, calls, tt, ct, _) in ranked[:top]:
        where = f"{short(path)}:{line}({func})" if line else func
        print(f"{100 * ct / total:6.1f} {100 * tt / total:6.1f} {calls:10,}  {where}")
    print(f"\ntop {top // 2} by own time:")
    for (path, line, func), (_, calls, tt, ct, _) in sorted(
        entries.items(), key=lambda item: item[1][2], reverse=True
    )[: top // 2]:
        where = f"{short(path)}:{line}({func})" if line else func
        print(f"{100 * ct / total:6.1f} {100 * tt / total:6.1f} {calls:10,}  {where}")


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


# ---------------------------------------------------------------------- main


def run_backend(backend: str, args: argparse.Namespace) -> Result | None:
    print(f"\n== {backend}")
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        folder = prepare_sqlite(workdir, args.events, args.seed, reload=args.reload)
        env = sqlite_env(folder)

        def views() -> AbstractContextManager[ViewStoreBase]:
            return fresh_sqlite_views(workdir)
    else:
        dsn = args.dsn or provision_dsn()
        print(f"  PostgreSQL: {server_version(dsn)}")
        schema = prepare_postgres(dsn, args.events, args.seed, reload=args.reload)
        env = postgres_env(dsn, schema)

        def views() -> AbstractContextManager[ViewStoreBase]:
            return fresh_postgres_views(dsn)

    if args.prepare_only:
        return None
    app = BanliApplication(env=env)
    try:
        result = measure(backend, app, views)
        if args.profile:
            out = f"{args.profile_out}.{backend}" if args.profile_out else None
            profile_prefix(app, views, args.profile, out)
    finally:
        app.close()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--events", type=int, default=1_000_000, help="at least this many events in the store"
    )
    parser.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="SQLite stores and view files"
    )
    parser.add_argument("--dsn", help="PostgreSQL DSN (default: scripts/ensure_postgres.sh)")
    parser.add_argument("--seed", type=int, default=2018, help="demo seed (default 2018)")
    parser.add_argument(
        "--reload", action="store_true", help="make the event store anew, even if cached"
    )
    parser.add_argument(
        "--prepare-only", action="store_true", help="make (or check) the event store, then stop"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after timing, cProfile a rebuild of the first N events and print the top costs",
    )
    parser.add_argument(
        "--profile-out", metavar="PATH", help="also write the pstats to PATH.<backend>"
    )
    args = parser.parse_args(argv)
    if args.events < 1 or args.profile < 0:
        parser.error("--events must be positive, --profile not negative")

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(
        f"python {sys.version.split()[0]}; N ≥ {args.events:,} events "
        f"(demo seed {args.seed}, scale {demo_scale(args.events)}); "
        f"views: {', '.join(registry.NAMES)}"
    )
    results = [r for r in (run_backend(backend, args) for backend in backends) if r]
    if not results:
        return 0

    print("\nsummary")
    print(
        f"{'backend':<9} {'events':>10} {'raw ev/s':>10} {'rebuild ev/s':>13} "
        f"{'rebuild s':>10} {'ratio':>6}"
    )
    for r in results:
        print(
            f"{r.backend:<9} {r.events:>10,} {r.raw_rate:>10,.0f} {r.rebuild_rate:>13,.0f} "
            f"{r.rebuild_seconds:>10.1f} {r.ratio:>6.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
