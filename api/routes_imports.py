"""Importing the 交办清单 (API.md v1.1 "Excel in and out"): an office uploads the year's
spreadsheet; a dry run reports every error, a real import writes every row or none."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from api.deps import Office, Services
from api.problems import problem
from api.schemas_paperwork import ImportAnswer
from infra.assignment_import import AssignmentImport
from infra.assignment_template import template_workbook
from infra.clock import today
from infra.xlsx_import import MAX_FILE_BYTES, BadFile

router = APIRouter(prefix="/v1/imports", tags=["paperwork"])

ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": ImportAnswer, "description": "a dry run, or a file already imported"},
    201: {"model": ImportAnswer, "description": "every row written, in one transaction"},
    413: {"description": "over 20 MiB, or over 100,000 data rows"},
    422: {"description": "not a readable xlsx, or rows with errors (nothing written)"},
}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/assignments/template.xlsx", response_class=Response)
def assignment_template(who: Office) -> Response:
    """The 交办清单 template: the header row the import reads, and what each column takes."""
    disposition = "attachment; filename*=UTF-8''%E4%BA%A4%E5%8A%9E%E6%B8%85%E5%8D%95.xlsx"
    headers = {"Content-Disposition": disposition}
    return Response(template_workbook(), media_type=XLSX, headers=headers)


@router.post("/assignments", responses=ANSWERS, response_model=None)
def import_assignments(
    svc: Services,
    who: Office,
    file: Annotated[UploadFile, File(description="the 交办清单 (.xlsx)")],
    dry_run: Annotated[bool, Query()] = False,
) -> JSONResponse:
    """Registers and assigns a case per row (columns of API.md, in any order). ``dry_run``
    checks every row against the rules of registration and assignment and writes nothing."""
    data = file.file.read(MAX_FILE_BYTES + 1)
    try:
        report = AssignmentImport(svc.app, who.actor(), today()).run(data, dry_run=dry_run)
    except BadFile as bad:
        return problem(bad.status, f"{bad.detail} / {bad.message}")
    answer = ImportAnswer.model_validate(report.as_dict()).model_dump(mode="json")
    if report.errors and not dry_run:
        first = report.errors[0]
        detail = f"{len(report.errors)} rows refused; nothing was imported / 有错误，未导入任何内容"
        # Nothing was registered or assigned: the counts the rows would have given (what a
        # dry run answers) are said as such, where a refusal read "registered": 2 (additions).
        planned = {"would_register": answer["registered"], "would_assign": answer["assigned"]}
        nothing = {"registered": 0, "assigned": 0}
        return problem(422, detail, first.rule, **{**answer, **nothing, **planned})
    written = report.position is not None
    return JSONResponse(answer, status_code=201 if written else 200)
