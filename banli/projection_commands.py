"""``banli projections status|run|rebuild|follow [NAME]``: the read models' positions and lag,
catching up, rebuilding into a new generation while the old one answers, following the log."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable

from banli.audit import rebuild_guard
from banli.compose import build_application, keep_notices, settings_for
from banli.heap import settle_heap
from banli.orphans import parent_gone
from infra.anchoring import AnchorRefused, TamperingDetected
from infra.application import BanliApplication
from infra.embedded import TAKEOVER_SECONDS
from infra.leadership import Leadership
from infra.log_watch import LogWatcher
from infra.positions import view_status
from infra.projection_runner import Progress, ProjectionRunner, ProjectionStopped, rebuild
from infra.read_models import build_view_store
from infra.settings import Settings
from infra.view_store import ViewStoreBase
from projections.registry import NAMES


def progress_bar() -> Progress:
    """A progress bar with the rate and the time left, redrawn on stderr."""
    started = time.monotonic()

    def show(position: int, head: int) -> None:
        width = 40
        done = int(width * position / head) if head else width
        share = 100 * position / head if head else 100.0
        bar = "#" * done + "-" * (width - done)
        elapsed = time.monotonic() - started
        rate = position / elapsed if elapsed > 0 else 0.0
        left = f"{(head - position) / rate:,.0f} s left" if rate and position < head else "done"
        print(
            f"\r[{bar}] {share:5.1f}% {position:,}/{head:,} events, {rate:,.0f}/s, {left}   ",
            end="",
            file=sys.stderr,
        )

    return show


def projections(args: argparse.Namespace) -> int:
    settings = settings_for(args.data_dir)
    app = build_application(settings)
    store = build_view_store(settings)
    if args.action == "run":
        leadership = Leadership(store)
        if not leadership.try_acquire():
            print("another process keeps the read models of this store", file=sys.stderr)
            return 1
        ProjectionRunner(
            app, store, batch_size=args.batch_size, cache_size=settings.projection_cache_size
        ).run(progress_bar())
        leadership.release()
        print(file=sys.stderr)
    elif args.action == "follow":
        _follow(args, settings, app, store)
    elif args.action == "rebuild":
        failed = _rebuild(args, settings, app, store)
        if failed:
            return failed
    return _print_status(app, store)


def _follow(
    args: argparse.Namespace, settings: Settings, app: BanliApplication, store: ViewStoreBase
) -> None:
    """Keeps the views current, as the one log runner of the store: stands by while another
    process holds the store's log-runner lock (an API worker, another follower) and takes over
    when it goes. Wakes on every commit (PostgreSQL's NOTIFY) or polls the head (SQLite)."""
    names = [args.name] if args.name else list(NAMES)
    # Started by serve: stop when it goes, even killed (banli/orphans.py).
    orphaned = parent_gone(args.parent_pid) if args.parent_pid else (lambda: False)
    leadership = Leadership(store)
    if not leadership.try_acquire():
        print("another process keeps the read models; standing by", flush=True)
        while not leadership.try_acquire():
            if orphaned():
                return
            time.sleep(TAKEOVER_SECONDS)
    follower = ProjectionRunner(
        app,
        store,
        names=names,
        batch_size=args.batch_size,
        cache_size=settings.projection_cache_size,
    )
    watcher = LogWatcher(app, poll_seconds=args.poll_seconds)
    # The notices go with the views (banli/compose.py, keep_notices): here, not in a worker.
    stops: list[Callable[[], None]] = []
    if keep_notices(settings, app, store, threading.Lock(), stops):
        print("noticing and delivering reminders (R-S3) in this process", flush=True)
    settle_heap()
    print(f"following the event log for {names}", flush=True)
    try:
        while not orphaned():
            # A short batch read up to the head: nothing more to read until a commit wakes the
            # watcher (one queued meanwhile wakes it at once), so no empty batch is asked for.
            if follower.run_batch() < follower.batch_size:
                watcher.wait(timeout=1.0)
    finally:
        for stop in stops:
            stop()
    print("the process that started this follower is gone; stopping", flush=True)


def _rebuild(
    args: argparse.Namespace, settings: Settings, app: BanliApplication, store: ViewStoreBase
) -> int:
    """Answers the exit code of a rebuild that did not happen (0 when it did)."""
    names = [args.name] if args.name else list(NAMES)
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        print(f"unknown projection {unknown}; known: {list(NAMES)}", file=sys.stderr)
        return 2
    try:
        guard = rebuild_guard(settings, store, names)
        generations = rebuild(app, store, names, progress_bar(), before_switch=guard)
    except (AnchorRefused, TamperingDetected, ProjectionStopped) as abandoned:
        print(f"\nrebuild abandoned, the active generations stay: {abandoned}", file=sys.stderr)
        return 1
    print(file=sys.stderr)
    for name, generation in generations.items():
        print(f"{name}: rebuilt as generation {generation}, now active")
    return 0


def _print_status(app: BanliApplication, store: ViewStoreBase) -> int:
    """Prints every projection's generation, position and lag; 1 when one is stopped."""
    ProjectionRunner(app, store)  # creates any projection that has no generation yet
    print(f"{'projection':<14}{'gen':>5} {'role':<9}{'position':>10}{'lag':>8}  state")
    stopped = 0
    for row in view_status(store, app.recorder.max_notification_id() or 0):
        state = "ok"
        if row.stopped_at is not None:
            stopped += 1
            state = f"STOPPED at position {row.stopped_at}: {row.error}"
        print(
            f"{row.projection:<14}{row.generation:>5} {row.role:<9}"
            f"{row.position:>10}{row.lag:>8}  {state}"
        )
    return 1 if stopped else 0
