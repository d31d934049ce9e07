"""The ``banli`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from infra.bootstrap import build_application
from infra.settings import Settings


def _demo(args: argparse.Namespace) -> int:
    from infra.demo import load_demo, summarise

    settings = Settings(data_dir=Path(args.data_dir))
    app = build_application(settings)
    if app.recorder.max_notification_id():
        print(f"demo data already loaded in {settings.data_dir}")
    else:
        load_demo(app, seed=args.seed)
    print(summarise(app))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="banli", description="办理: suggestions and proposals")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="load the seeded demo year and print a summary")
    demo.add_argument("--data-dir", default="data")
    demo.add_argument("--seed", type=int, default=2018)
    demo.set_defaults(func=_demo)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
