"""Rebuild throughput: every projection from scratch, against a raw read of the same log.

    .venv/bin/python -m bench.rebuild --backend sqlite|postgres|both [--events N]
                                      [--workdir DIR] [--dsn DSN] [--profile N]
                                      [--views NAME,NAME…]

Per backend, in one run, over one event store of at least N events (default 1,000,000):

raw
    ``app.recorder.select_notifications(start, limit=5000)``, page after page until the end of
    the log: what the database and the library's recorder cost, without decoding anything.
rebuild
    ``infra.projection_runner.rebuild(app, store, views)`` into a fresh view store (a new SQLite
    file or a new PostgreSQL schema, removed afterwards): decoding, the domain's ``mutate`` per
    event, every view's rows, and the batched writes with their tracking. Every projection, or
    ``--views``: what ``banli projections rebuild <name>`` costs after a change to one.

It prints both rates (events/s), the rebuild's wall time and ``ratio`` = rebuild events/s ÷ raw
events/s: the share of the log's raw read speed that a full rebuild keeps. The raw read is timed
again after the rebuild and printed beside the first: on a shared host the two can differ by a
half within minutes, and the ratio (always against the read before) means little when they do.

The event store is made outside any timing by the demo generator and kept for the next run
(``bench.rebuild_store``).

No timing is asserted: the script prints numbers.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import resource
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.cpu import ended_children_seconds, own_seconds, postgres_seconds
from bench.plumbing import REPO_ROOT, fresh_schema, postgres_dsn, print_profile
from bench.rebuild_store import (
    demo_scale,
    postgres_env,
    prepare_postgres,
    prepare_sqlite,
    sqlite_env,
)
from infra.application import BanliApplication
from infra.projection_runner import Progress, ProjectionRunner, rebuild
from infra.read_models import build_view_store
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections import registry

DEFAULT_WORKDIR = REPO_ROOT / ".cache" / "bench_rebuild"
PAGE = 5000  # raw read page, as the rebuild's own batch
REBUILD_REPORT_EVERY = 100_000

Views = Callable[[], AbstractContextManager[ViewStoreBase]]  # a fresh, empty view store


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
    with fresh_schema(dsn) as schema:
        store = build_view_store(
            Settings(database_url=dsn, database_schema=schema, cipher_key=None)
        )
        try:
            yield store
        finally:
            close_store(store)


def close_store(store: ViewStoreBase) -> None:
    datastore = getattr(store, "datastore", None)
    if datastore is not None:
        datastore.close()


def view_rows(store: ViewStoreBase, names: Sequence[str]) -> dict[str, int]:
    """Rows per view table of ``names`` in the active generations (a check that the rebuild
    wrote)."""
    counts = {}
    for view in registry.views(names).all():
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
    raw_after_seconds: float  # the same raw read, timed again after the rebuild

    @property
    def raw_after_rate(self) -> float:
        return self.raw_events / self.raw_after_seconds if self.raw_after_seconds else 0.0

    @property
    def raw_rate(self) -> float:
        return self.raw_events / self.raw_seconds if self.raw_seconds else 0.0

    @property
    def rebuild_rate(self) -> float:
        return self.rebuild_events / self.rebuild_seconds if self.rebuild_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.rebuild_rate / self.raw_rate if self.raw_rate else 0.0


def timed_raw_read(app: BanliApplication) -> tuple[int, float]:
    """The raw read, timed: (events, seconds)."""
    gc.collect()
    started = time.perf_counter()
    events = raw_read(app)
    return events, time.perf_counter() - started


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


def peak_memory() -> tuple[float, float]:
    """Peak resident memory (MiB) of this process and of its largest child so far."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def measure(
    backend: str,
    app: BanliApplication,
    views: Views,
    processes: int,
    names: Sequence[str] = registry.NAMES,
) -> Result:
    head = app.recorder.max_notification_id() or 0
    print(f"  log head {head:,}; warm-up raw read (untimed) …", flush=True)
    raw_read(app)

    raw_events, raw_seconds = timed_raw_read(app)
    print(
        f"  raw      {raw_events:,} events in {raw_seconds:.2f} s "
        f"= {raw_events / raw_seconds:,.0f} events/s"
    )

    with views() as store:
        gc.collect()
        own_before, children_before = own_seconds(), ended_children_seconds()
        server_before = postgres_seconds() if backend == "postgres" else 0.0
        started = time.perf_counter()
        rebuild(app, store, names, progress=rebuild_progress(), processes=processes or None)
        rebuild_seconds = time.perf_counter() - started
        own_cpu = own_seconds() - own_before
        children_cpu = ended_children_seconds() - children_before
        server_cpu = postgres_seconds() - server_before if backend == "postgres" else 0.0
        peak = peak_memory()
        positions = store.positions((name, store.active_generation(name) or 0) for name in names)
        reached = min((p or 0) for p in positions.values())
        print(
            f"  rebuild  {reached:,} events in {rebuild_seconds:.2f} s "
            f"= {reached / rebuild_seconds:,.0f} events/s"
        )
        print(
            f"  CPU: this process {own_cpu:.1f} s, the rebuild's processes {children_cpu:.1f} s"
            + (f", PostgreSQL {server_cpu:.1f} s" if backend == "postgres" else "")
            + f"; {(own_cpu + children_cpu + server_cpu) / rebuild_seconds:.2f} cores busy on "
            "average"
        )
        rows = view_rows(store, names)
        print("  view rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
        print(
            f"  peak memory: this process {peak[0]:,.0f} MiB, its largest rebuild process "
            f"{peak[1]:,.0f} MiB (resident; forked processes share the parent's pages)"
        )
    if reached != head:
        print(f"!! the rebuild reached position {reached:,}, not the head {head:,}")
    _, raw_after_seconds = timed_raw_read(app)
    result = Result(
        backend, head, raw_events, raw_seconds, reached, rebuild_seconds, raw_after_seconds
    )
    moved = result.raw_after_rate / result.raw_rate - 1 if result.raw_rate else 0.0
    print(
        f"  raw after the rebuild: {raw_after_seconds:.2f} s = {result.raw_after_rate:,.0f} "
        f"events/s ({moved:+.0%} on the read before)"
    )
    print(
        f"  ratio {result.ratio:.3f}  (rebuild events/s ÷ raw events/s before it; "
        "done when ≥ 0.2, 1M events under 40 s on SQLite; the table aims at ≥ 0.5)"
    )
    if list(names) != list(registry.NAMES):
        # Issue 13's goal is for a rebuild of every projection; this one is a part of it.
        print(f"  (a partial rebuild, of {', '.join(names)}: the goal is for every projection)")
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
        dsn = postgres_dsn(args.dsn)
        schema = prepare_postgres(
            dsn, args.events, args.seed, reload=args.reload, sqlite_folder=workdir
        )
        env = postgres_env(dsn, schema)

        def views() -> AbstractContextManager[ViewStoreBase]:
            return fresh_postgres_views(dsn)

    if args.prepare_only:
        return None
    app = BanliApplication(env=env)
    try:
        result = measure(backend, app, views, args.processes, args.views)
        if args.profile:
            out = f"{args.profile_out}.{backend}" if args.profile_out else None
            profile_prefix(app, views, args.profile, out)
    finally:
        app.close()
    return result


def view_names(text: str) -> list[str]:
    """``--views``: projection names, comma-separated, each one ``banli projections`` knows."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in registry.NAMES]
    if unknown or not names:
        known = ", ".join(registry.NAMES)
        raise argparse.ArgumentTypeError(f"unknown projection {unknown or text!r}; known: {known}")
    return names


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
        "--processes",
        type=int,
        default=0,
        help="rebuild processes (default: one per core)",
    )
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
    parser.add_argument(
        "--views",
        type=view_names,
        default=list(registry.NAMES),
        metavar="NAME,NAME…",
        help="rebuild only these projections (default: every one)",
    )
    args = parser.parse_args(argv)
    if args.events < 1 or args.profile < 0:
        parser.error("--events must be positive, --profile not negative")

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(
        f"python {sys.version.split()[0]}; N ≥ {args.events:,} events "
        f"(demo seed {args.seed}, scale {demo_scale(args.events)}); "
        f"views: {', '.join(args.views)}"
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
            f"   (raw after: {r.raw_after_rate:,.0f} ev/s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
