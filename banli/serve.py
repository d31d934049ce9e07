"""``banli serve`` (the HTTP API) and ``banli demo`` (the seeded demo year)."""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator

from banli.compose import build_application, build_services, migrate, settings_for
from banli.heap import settle_heap
from banli.orphans import SERVE_PID
from infra.json_logs import log_config
from infra.services import Services
from infra.settings import Settings


def demo(args: argparse.Namespace) -> int:
    from demo import load_demo, summarise

    settings = settings_for(args.data_dir)
    app = build_application(settings)
    if app.recorder.max_notification_id():
        print(f"demo data already loaded in {settings.data_dir}")
    else:
        load_demo(app, seed=args.seed)
    print(summarise(app))
    return 0


def serve(args: argparse.Namespace) -> int:
    # Imported here so that the other commands start without loading the web stack.
    import uvicorn

    from api.app import create_app

    settings = settings_for(args.data_dir)
    migrate(settings)  # before any worker starts: they would otherwise all create tables
    # The demo loads through a process that keeps the views (R-S4's repeat check reads one).
    services = build_services(settings) if args.demo or args.workers <= 1 else None
    if services is not None and args.demo:
        ensure_demo(services)
    print(f"banli serving on http://{args.host}:{args.port}  (OpenAPI: /docs)", flush=True)
    print(f"workbench: open http://{args.host}:{args.port}/ and log in", flush=True)
    if args.workers <= 1:
        assert services is not None
        app = create_app(services)
        settle_heap()
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            log_config=log_config(args.log_level),
        )
        return 0
    if services is not None:
        services.close()  # lets the follower take the views' lock
    # Each worker builds its own services from the environment (uvicorn spawns them); the
    # views are kept by one process of their own, which every worker can replace if it dies.
    os.environ.update(
        BANLI_DATA_DIR=str(settings.data_dir.resolve()),
        BANLI_SERVE_WORKERS=str(args.workers),
        **{SERVE_PID: str(os.getpid())},  # the workers end when serve goes (banli/orphans.py)
    )
    # The workers' counters, summed by whichever worker a scrape reaches (infra/metrics.py).
    with tempfile.TemporaryDirectory(prefix="banli-metrics-") as counts:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = counts
        with _follower(args, settings):
            uvicorn.run(
                "banli.asgi:app",
                factory=True,
                workers=args.workers,
                host=args.host,
                port=args.port,
                log_level=args.log_level,
                log_config=log_config(args.log_level),
            )
    return 0


@contextlib.contextmanager
def _follower(args: argparse.Namespace, settings: Settings) -> Iterator[None]:
    """``banli projections follow`` beside the workers, while they serve (embedded mode)."""
    if not settings.embedded_projections:
        yield
        return
    command = [sys.executable, "-m", "banli", "projections", "follow"]
    command += ["--parent-pid", str(os.getpid()), "--data-dir", str(settings.data_dir.resolve())]
    follower = subprocess.Popen(command)
    try:
        yield
    finally:
        follower.terminate()
        try:
            follower.wait(timeout=10)
        except subprocess.TimeoutExpired:
            follower.kill()
            follower.wait()


def migrate_command(args: argparse.Namespace) -> int:
    """``banli migrate``: every table and every read model's first generation, then exit."""
    generations = migrate(settings_for(args.data_dir))
    print(f"store ready; {len(generations)} read models", flush=True)
    return 0


def ensure_demo(services: Services) -> None:
    """Loads the demo year and its accounts on first start, then prints how to try it."""
    from demo import load_demo, summarise
    from demo.accounts import (
        DEMO_PASSWORD,
        create_demo_accounts,
        demo_tokens,
        give_demo_passwords,
        name_demo_staff,
    )

    if not services.app.recorder.max_notification_id():
        print("loading the demo year (first start) …", flush=True)
        # With last year's cases: the search read model flags the demo year's repeats (R-S4).
        # No notices while it loads: a case's history arrives in many transactions, and a
        # half-loaded case looks late on deadlines its later events met.
        with services.notices_gate:
            load_demo(services.app, earlier_year=True)
        create_demo_accounts(services.directory)
    give_demo_passwords(services.directory)  # demo data from before passwords existed
    name_demo_staff(services.directory)  # and from before its staff were named
    print(summarise(services.app))
    print("demo logins for the workbench (http://…/): each username below with the demo-only")
    print(f"password {DEMO_PASSWORD}; the username is also the user's API token")
    print("(Authorization: Bearer <token>):")
    for who, token in demo_tokens().items():
        print(f"  {who:<14} username {token:<18} password {DEMO_PASSWORD}")
