"""The ``banli`` command line: every command and its options in one place; each command's work
is in its own module (``serve``, ``pipeline``, ``projection_commands``, ``audit``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from banli.audit import audit
from banli.paperwork import export_command, import_command
from banli.pipeline import consume, relay
from banli.projection_commands import projections
from banli.serve import demo, migrate_command, serve
from infra.database_schema import DatabaseUnavailable
from infra.paper_exports import EXPORTS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="banli", description="办理: suggestions and proposals")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        # Every command runs on one store: the data folder, or BANLI_DATABASE_URL's database.
        sub = commands.add_parser(name, help=summary)
        sub.add_argument("--data-dir", default=None)
        return sub

    demo_ = command("demo", "load the seeded demo year and print a summary")
    demo_.add_argument("--seed", type=int, default=2018)
    demo_.set_defaults(func=demo)

    serve_ = command("serve", "serve the HTTP API (API.md)")
    serve_.add_argument("--host", default="127.0.0.1")
    serve_.add_argument("--port", type=int, default=8000)
    serve_.add_argument("--demo", action="store_true", help="load the demo year on first start")
    serve_.add_argument("--log-level", default="warning")
    serve_.add_argument(
        "--workers", type=int, default=1, help="API processes (the views are kept by one more)"
    )
    serve_.set_defaults(func=serve)

    migrate_ = command("migrate", "create the store's tables and read models, then exit")
    migrate_.set_defaults(func=migrate_command)

    relay_ = command("relay", "publish stored events to Kafka (one instance)")
    relay_.add_argument("--poll-seconds", type=float, default=0.2)
    relay_.add_argument("--batch-size", type=int, default=1000)
    relay_.set_defaults(func=relay)

    consume_ = command("consume", "Kafka consumers")
    consume_.add_argument("what", choices=["projections", "reminders"])
    consume_.set_defaults(func=consume)

    projections_ = command("projections", "read models: status, run, rebuild")
    projections_.add_argument("action", choices=["status", "run", "rebuild", "follow"])
    # follow on SQLite: how often the log's head is looked at (PostgreSQL notifies at once).
    projections_.add_argument("--poll-seconds", type=float, default=0.02)
    # follow, started by ``banli serve``: end when serve (this pid) goes, even killed.
    projections_.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    # Events per transaction for run and follow: smaller batches hold locks for less time.
    projections_.add_argument("--batch-size", type=int, default=2000)
    projections_.add_argument("name", nargs="?", help="one projection to rebuild (default: all)")
    projections_.set_defaults(func=projections)

    audit_ = command("audit", "tamper evidence: verify the chain, anchor its head")
    audit_.add_argument("action", choices=["verify", "anchor"])
    audit_.add_argument("--follow", action="store_true", help="anchor: keep anchoring")
    audit_.add_argument("--interval", type=float, default=60.0, help="seconds between anchors")
    audit_.set_defaults(func=audit)

    import_ = command("import", "import the office's spreadsheets (API.md: Excel in and out)")
    import_.add_argument("what", choices=["assignments"], help="the 交办清单 (.xlsx)")
    import_.add_argument("file")
    import_.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    import_.add_argument("--user", default=None, help="who imports (default: cli:<login>)")
    import_.add_argument("--quiet", action="store_true", help="no progress bar")
    import_.set_defaults(func=import_command)

    export_ = command("export", "the office's spreadsheets (.xlsx) and the annual report (.docx)")
    export_.add_argument("what", choices=[*EXPORTS, "annual"])
    export_.add_argument("--out", required=True, help="the file to write")
    export_.add_argument("--year", type=int, default=None)
    export_.add_argument("--unit", default=None)
    export_.add_argument("--kind", choices=["suggestion", "proposal"], default=None)
    export_.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
    export_.add_argument("--position", type=int, default=None, help="as of this log position")
    export_.set_defaults(func=export_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except DatabaseUnavailable as unusable:  # what the operator must fix, not a traceback
        print(f"banli: {unusable}", file=sys.stderr)
        return 2
    return result
