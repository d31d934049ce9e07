"""导入导出 (UI.md § Page map): the office's paperwork from the workbench. The clerk uploads
the year's 交办清单, checks it (a dry run names every error by row, column and rule) and
imports it; every role downloads the spreadsheets and the annual summary it may read.

The import runs exactly what ``POST /v1/imports/assignments`` runs (``AssignmentImport``: one
transaction, or nothing); the downloads are links to the ``/v1/exports`` routes, which accept
the page's session cookie, so a file is the same whichever door it came through.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api import queries, queries_ledger
from api.pages_refusals import UNIT_CODE, with_field_words, with_unit_names
from api.pages_web import (
    NAVIGATION,
    PageRefused,
    Svc,
    Uploaded,
    page_errors,
    query_kind,
    query_year,
    render,
    roles,
)
from api.read_scope import own_unit
from domain.vocabulary import Kind
from infra.assignment_import import COLUMNS, FIELD_COLUMN, AssignmentImport, ImportReport
from infra.clock import today
from infra.directory import Principal
from infra.paper_exports import EXPORTS
from infra.xlsx_import import MAX_FILE_BYTES, BadFile

router = APIRouter(include_in_schema=False)
Office = Annotated[Principal, Depends(roles("office"))]
# The roles the top navigation offers this page to (an admin keeps the directory, not files).
PAPERWORK_ROLES = next(allowed for href, _, allowed in NAVIGATION if href == "/paperwork")
PaperworkReader = Annotated[Principal, Depends(roles(*sorted(PAPERWORK_ROLES)))]

# Who may have the annual summary (API.md v1.1: the report is not a handler's).
REPORT_READERS = frozenset({"office", "leader", "supervisor", "auditor"})


def export_links(who: Principal, year: int | None, kind: Kind | None) -> list[dict[str, str]]:
    """The files this user may download, each a link to its ``/v1`` route with the filters;
    a handler's files hold its own unit's rows (the route scopes them)."""
    query = urlencode({k: v for k, v in {"year": year, "kind": kind}.items() if v is not None})
    links = [
        {"name": name, "title": chosen.title, "href": f"/v1/exports/{name}.xlsx?{query}"}
        for name, chosen in EXPORTS.items()
    ]
    if who.role in REPORT_READERS and year is not None:
        both = "，建议和提案合计，不分类别" if kind else ""
        links.append(
            {
                "name": "annual",
                # The year's summary covers both kinds: with one chosen, a review took it for
                # that kind's alone (its link carries no 类别).
                "title": f"{year}年度承办工作总结（Word{both}）",
                "href": f"/v1/reports/annual.docx?year={year}",
            }
        )
    return links


def page(
    request: Request,
    who: Principal,
    svc: Svc,
    status: int = 200,
    **more: Any,
) -> HTMLResponse:
    year = query_year(request)
    kind = query_kind(request)
    with page_errors():
        # A handler's own unit's years, as its 台账 offers them.
        years = queries_ledger.years(svc, own_unit(who, None))
    chosen = year if year is not None else max(years, default=today().year)
    context = {
        "years": years,
        "year": chosen,
        "kind": kind,
        "links": export_links(who, chosen, kind),
        "max_mib": MAX_FILE_BYTES // (1024 * 1024),
        # The header names the import reads (its own list, so the hint cannot drift from it).
        "required": COLUMNS.required,
        "optional": [c for c in COLUMNS.known if c not in COLUMNS.required],
        **more,
    }
    return render(request, "paperwork.html", who, context, status=status)


@router.get("/paperwork", response_class=HTMLResponse)
def paperwork_page(request: Request, who: PaperworkReader, svc: Svc) -> HTMLResponse:
    return page(request, who, svc)


@router.post("/paperwork/import", response_class=HTMLResponse)
async def import_page(request: Request, who: Office, svc: Svc, posted: Uploaded) -> HTMLResponse:
    if posted.file is None:
        raise PageRefused(422, "请选择要导入的交办清单文件（.xlsx）")
    data = await posted.file.read(MAX_FILE_BYTES + 1)
    dry_run = posted.form.get("action") != "import"
    importer = AssignmentImport(svc.app, who.actor(), today())
    try:
        report: ImportReport = importer.run(data, dry_run=dry_run)
    except BadFile as bad:
        return page(request, who, svc, status=bad.status, file_problem=bad.message)
    # A refused import answers 422 as the API does; a check or a written file is a 200 page.
    status = 422 if report.errors and not dry_run else 200
    return page(request, who, svc, status=status, report=_named(svc, report))


def _named(svc: Svc, report: ImportReport) -> ImportReport:
    """The report with each unit the domain's messages name by code (FIN 不能同时为主办和会办)
    named as the file and the office name it (财政厅), and each field by its column
    (co_units 中单位重复 read so on the page)."""
    said = " ".join(e.message for e in report.errors)
    names = queries.unit_names(svc, UNIT_CODE.findall(said))

    def worded(message: str) -> str:
        return with_field_words(with_unit_names(message, names), FIELD_COLUMN)

    errors = [replace(e, message=worded(e.message)) for e in report.errors]
    return replace(report, errors=errors)
