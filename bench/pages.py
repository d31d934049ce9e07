"""The workbench's pages at scale: server time of the 台账 and the 总览 over many cases.

    .venv/bin/python -m bench.pages [--dsn postgresql://…] [--load-cases 100000]
                                    [--load-budget 1200] [--requests 100]

A fresh PostgreSQL schema; ``banli serve`` on it; ``--load-cases`` cases written in-process
through the service's write path (``bench.http_ledger_reads.load_cases``: 40 units, most cases
contacted, half replied, some co-handled, key or with feedback); the server's projections
catch up (``/metrics`` lag 0). Then an office user logs in with a password (the session
cookie the pages use) and each page is requested ``--requests`` times in a row after 5 warm-up
requests: the 台账 (first page; filtered; ordered by title), the 总览 (all kinds; one kind) and
督办. Printed per page: p50 / p95 / p99 / max of the time to the last byte on loopback, which
is the server's time plus a loopback round trip (goal: p95 < 200 ms).
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import time
from pathlib import Path

import httpx

from bench.http_ledger_reads import (
    LOAD_UNITS,
    add_load_options,
    load_cases,
    wait_for_projections,
)
from bench.plumbing import Server, banli_server, fresh_schema, percentile, postgres_dsn

PASSWORD = "bench-pages-password"
PAGES = (
    ("台账 /ledger", "/ledger"),
    ("台账 year+overdue", "/ledger?year=2025&overdue=1"),
    ("台账 by title", "/ledger?sort=title"),
    ("总览 /", "/"),
    ("总览 kind=suggestion", "/?year=2025&kind=suggestion"),
    ("督办 /supervision", "/supervision"),
)


def create_office(server: Server, admin_token: str) -> None:
    """The load's units and an office user with a password, over the API."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=server.base_url, headers=admin, timeout=30.0) as client:
        for code in LOAD_UNITS:
            client.post("/v1/units", json={"code": code, "name": f"单位{code}"}).raise_for_status()
        user = {
            "username": "bench-office",
            "display_name": "压测办公室",
            "role": "office",
            "password": PASSWORD,
        }
        client.post("/v1/users", json=user).raise_for_status()


def time_pages(server: Server, requests: int) -> None:
    with httpx.Client(base_url=server.base_url, timeout=120.0) as client:
        login = {"username": "bench-office", "password": PASSWORD}
        client.post("/v1/session", json=login).raise_for_status()
        for label, path in PAGES:
            began = time.perf_counter()
            client.get(path).raise_for_status()
            cold = (time.perf_counter() - began) * 1000
            for _ in range(4):  # warm-up
                client.get(path).raise_for_status()
            seconds: list[float] = []
            for _ in range(requests):
                began = time.perf_counter()
                response = client.get(path)
                seconds.append(time.perf_counter() - began)
                response.raise_for_status()
            ms = sorted(s * 1000 for s in seconds)
            print(
                f"{label:<24} n={len(ms):>4}  p50 {percentile(ms, 0.5):7.1f} ms  "
                f"p95 {percentile(ms, 0.95):7.1f} ms  p99 {percentile(ms, 0.99):7.1f} ms  "
                f"max {ms[-1]:7.1f} ms  cold {cold:7.1f} ms  ({len(response.content):,} bytes)",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_options(parser)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page")
    args = parser.parse_args()
    if min(args.load_cases, args.load_batch, args.requests) < 1:
        parser.error("counts must be positive")
    dsn = postgres_dsn(args.dsn)
    admin_token = secrets.token_urlsafe(24)
    with fresh_schema(dsn) as schema, tempfile.TemporaryDirectory() as workdir:
        settings = {
            "BANLI_DATABASE_URL": dsn,
            "BANLI_DATABASE_SCHEMA": schema,
            "BANLI_BOOTSTRAP_ADMIN_TOKEN": admin_token,
        }
        with banli_server(settings, Path(workdir)) as server:
            create_office(server, admin_token)
            print(f"\n== loading {args.load_cases:,} cases in-process")
            loaded = load_cases(args, dsn, schema, server)
            note = " (stopped by --load-budget)" if loaded.stopped_early else ""
            print(f"loaded {loaded.cases:,} cases, {loaded.events:,} events{note}")
            waited = wait_for_projections(server, args.catch_up_timeout)
            print(f"projections caught up {waited:.0f} s after the load\n")
            time_pages(server, args.requests)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
