"""Two builds of the server on one kept schema, their page reads alternated: what a change did
to a page's CPU, on a VM whose speed drifts by a third within the hour.

    .venv/bin/python -m bench.pages_ab --schema bench_reads_… --base <commit> [--requests 300]
                        [--moving] [--bearer] [PATH …]

``--base`` is checked out in a temporary git worktree and served from there; the working tree
is the other build. Each serves the schema kept by ``bench.ledger_reads --keep-schema`` with
``banli serve --workers 2`` (their followers share the views: one keeps them, and neither is
counted). Each path is read ``--requests`` times from each server, one after the other,
alternating which goes first; printed per path and build: its API workers' CPU a read, p50 and
p99. The ratio of the two CPU figures is what one run can tell: both builds ran through the
same spells of the VM. ``--moving`` writes an event (a login, from this process, so neither
server pays for it) before each pair of reads: the log's head moves between pages, as under a
command load, and what a page reads again per position is read again. ``--bearer`` reads
with the office user's token instead of a session (``/v1`` paths, as outside clients read).
"""

from __future__ import annotations

import argparse
import contextlib
import secrets
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from banli.compose import build_services
from bench.cpu import children, tree_seconds
from bench.ledger_reads import PASSWORD, create_directory
from bench.plumbing import Server, banli_server, percentile, postgres_dsn
from infra.settings import Settings

PATHS = ("/ledger", "/supervision", "/ledger?year=2025&overdue=1")
WARM_UP = 20


@contextlib.contextmanager
def worktree(commit: str) -> Iterator[Path]:
    """``commit`` checked out in a temporary git worktree, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="banli-ab-") as parent:
        path = Path(parent) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(path), commit], check=True)
        try:
            yield path
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(path)], check=True)


def workers_seconds(server: Server) -> float:
    """CPU seconds of a server's API workers: its tree, without the views' follower."""
    pid = server.process.popen.pid
    followers = [c for c in children(pid) if b"follow" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return tree_seconds([pid], leaving_out=followers)


@contextlib.contextmanager
def login_writer(dsn: str, schema: str, username: str) -> Iterator[Callable[[], object]]:
    """A function that writes one event to the schema's log from this process."""
    services = build_services(
        Settings(database_url=dsn, database_schema=schema, cipher_key=None), embedded=False
    )
    try:
        yield lambda: services.sessions.login(username, PASSWORD)
    finally:
        services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", help="PostgreSQL DSN (default: the local test cluster)")
    parser.add_argument("--schema", required=True, help="a schema ledger_reads kept")
    parser.add_argument("--base", required=True, help="the commit to compare with")
    parser.add_argument("--requests", type=int, default=300, help="reads a path and a build")
    parser.add_argument("--moving", action="store_true", help="an event before each pair")
    parser.add_argument(
        "--bearer", action="store_true", help="read with the office's token, not a session"
    )
    parser.add_argument("paths", nargs="*", default=list(PATHS), help="pages to read")
    args = parser.parse_args()
    dsn = postgres_dsn(args.dsn)
    admin = "ab-admin-" + secrets.token_hex(8)
    settings = {
        "BANLI_DATABASE_URL": dsn,
        "BANLI_DATABASE_SCHEMA": args.schema,
        "BANLI_BOOTSTRAP_ADMIN_TOKEN": admin,
    }
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(worktree(args.base))
        workdirs = [Path(stack.enter_context(tempfile.TemporaryDirectory())) for _ in range(2)]
        # The base build's modules and templates come first on its path.
        servers = {
            args.base[:12]: stack.enter_context(
                banli_server({**settings, "PYTHONPATH": str(base)}, workdirs[0], workers=2)
            ),
            "working tree": stack.enter_context(banli_server(settings, workdirs[1], workers=2)),
        }
        run = secrets.token_hex(3)
        tokens = create_directory(servers["working tree"], admin, run)
        username = f"reads-{run}-office"
        clients = {}
        for name, server in servers.items():
            client = stack.enter_context(httpx.Client(base_url=server.base_url, timeout=60.0))
            if args.bearer:  # as an outside client reads /v1
                client.headers["Authorization"] = f"Bearer {tokens['office']}"
            else:
                login = {"username": username, "password": PASSWORD}
                client.post("/v1/session", json=login).raise_for_status()
            clients[name] = client
        write = None
        if args.moving:
            write = stack.enter_context(login_writer(dsn, args.schema, username))
        for path in args.paths:
            compare(path, servers, clients, args.requests, write)
    return 0


def compare(
    path: str,
    servers: dict[str, Server],
    clients: dict[str, httpx.Client],
    requests: int,
    write: Callable[[], object] | None,
) -> None:
    for client in clients.values():
        for _ in range(WARM_UP):
            client.get(path).raise_for_status()
    names = list(servers)
    walls: dict[str, list[float]] = {name: [] for name in names}
    began = {name: workers_seconds(server) for name, server in servers.items()}
    for i in range(requests):
        if write is not None:
            write()
            time.sleep(0.02)  # the followers apply it, as a keeper does between two pages
        for name in names if i % 2 == 0 else reversed(names):
            started = time.perf_counter()
            clients[name].get(path).raise_for_status()
            walls[name].append(1000 * (time.perf_counter() - started))
    cpu = {n: 1000 * (workers_seconds(s) - began[n]) / requests for n, s in servers.items()}
    for name in names:
        ordered = sorted(walls[name])
        print(
            f"{path:<32} {name:<13} workers' CPU a read {cpu[name]:6.2f} ms   "
            f"p50 {percentile(ordered, 0.5):6.1f}   p99 {percentile(ordered, 0.99):6.1f}"
        )
    print(f"{path:<32} CPU ratio, working tree / {names[0]}: {cpu[names[1]] / cpu[names[0]]:.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
