"""``banli import assignments FILE [--dry-run]``: the 交办清单 from the command line, as
``POST /v1/imports/assignments`` takes it, with a progress bar on stderr and the report (the
API's answer) on stdout. Exit 0 when the file is (or would be) imported whole, 1 otherwise.
``banli export NAME --out FILE``: the exports and the annual report, as the API answers them."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

from banli.compose import build_application, settings_for
from domain.errors import DomainError
from domain.records import Actor
from infra.assignment_import import AssignmentImport
from infra.clock import today
from infra.xlsx_import import MAX_FILE_BYTES, BadFile


class Bar:
    """One line on stderr, rewritten in place: what the import is doing and how far it is."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def show(self, text: str, *, done: bool = False) -> None:
        if not self.quiet:
            print(f"\r\x1b[K{text}", end="\n" if done else "", file=sys.stderr, flush=True)

    def bar(self, stage: str, count: int, total: int | None) -> None:
        of = max(total or count, count, 1)
        self.show(f"{stage} [{'#' * (count * 30 // of):<30}] {count}/{of} 行")

    def reading(self, count: int, total: int | None) -> None:
        self.bar("读取", count, total)

    def checking(self, count: int, total: int | None) -> None:
        self.bar("检查", count, total)

    def writing(self, events: int) -> None:
        self.show(f"写入 {events} 个事件（一个事务）…")


def import_command(args: argparse.Namespace) -> int:
    path = Path(args.file)
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    app = build_application(settings_for(args.data_dir))
    # Whoever runs the command acts as the office; the audit log names them (R-X1).
    actor = Actor(user=args.user or f"cli:{getpass.getuser()}", role="office", unit=None)
    bar = Bar(args.quiet)
    try:
        report = AssignmentImport(app, actor, today()).run(
            data,
            dry_run=args.dry_run,
            progress=bar.reading,
            checked=bar.checking,
            on_write=bar.writing,
        )
    except BadFile as bad:
        bar.show(f"{path}: {bad.message} ({bad.detail})", done=True)
        return 1
    except DomainError as refused:
        bar.show(f"{path}: {refused.zh} ({refused.en})", done=True)
        return 1
    if report.errors:
        state = "有错误，未写入任何内容" if not args.dry_run else "试导入发现错误"
    elif args.dry_run:
        state = "试导入通过，未写入"
    else:
        state = "已导入" if report.position is not None else "无新内容（此前已导入）"
    bar.show(
        f"{state}：{report.rows} 行，新登记 {report.registered}，交办 {report.assigned}，"
        f"未变 {report.unchanged}，错误 {len(report.errors)}"
        + (f"，提醒 {len(report.warnings)}（交办即逾期）" if report.warnings else ""),
        done=True,
    )
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    return 1 if report.errors else 0


def export_command(args: argparse.Namespace) -> int:
    """``banli export NAME --out FILE``: the file ``GET /v1/exports/NAME.xlsx`` (or, for
    ``annual``, ``/v1/reports/annual.docx``) answers, as of ``--position`` when given."""
    from infra.docx_report import annual_report
    from infra.paper_exports import ExportQuery, export
    from infra.read_models import build_view_store

    settings = settings_for(args.data_dir)
    app, views = build_application(settings), build_view_store(settings)
    as_of = date.fromisoformat(args.as_of) if args.as_of else today()
    query = ExportQuery(as_of, args.year, args.unit, args.kind, args.position)
    out = Path(args.out)
    try:
        if args.what == "annual":
            if args.year is None:
                print("annual needs --year", file=sys.stderr)
                return 2
            basis = annual_report(app, views, query, out)
        else:
            basis = export(app, views, args.what, query, out)
    except DomainError as refused:
        print(f"{refused.zh} ({refused.en})", file=sys.stderr)
        return 1
    print(json.dumps({"file": str(out), **basis.headers()}, ensure_ascii=False))
    return 0
