"""The office's spreadsheets and the annual summary as files (API.md v1.1 "Excel in and out").

Each file states what it was computed from (its 说明 sheet, and the ``X-Banli-As-Of``,
``X-Banli-Position`` and ``X-Banli-Chain-Head`` headers); ``position`` asks for the figures as of
an earlier log position, which stay the same whatever happened since (infra/frozen_views.py).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.auth import require
from api.deps import (
    AsOf,
    Awaiting,
    LeaderFilter,
    LedgerSort,
    Reader,
    Services,
    UnitFilter,
    UnitRole,
    YearFilter,
)
from api.read_scope import overdue_of, own_unit, views_current
from domain.vocabulary import Kind, Level, Stage
from infra.directory import Principal
from infra.docx_report import annual_report
from infra.frozen_views import Basis
from infra.paper_exports import EXPORTS, ExportQuery, export
from projections.case_papers import NAME as PAPERS
from projections.unit_facts import NAME as FACTS

router = APIRouter(tags=["paperwork"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Position = Annotated[int | None, Query(ge=0, le=2**62, description="a log position")]
ReportReader = Annotated[Principal, Depends(require("office", "leader", "supervisor", "auditor"))]


def _file(
    svc: Services,
    views: Sequence[str],
    unit: str | None,
    write: Callable[[Path, bool], Basis],
    name: str,
    media_type: str,
    ascii_name: str,
) -> FileResponse:
    """The file ``write`` makes, sent from disk and removed once sent."""
    views_current(svc, *views)  # read-your-writes, as every read
    if unit is not None:
        # A paper states whose it is (its title, its 说明): one for a unit no one can find,
        # all zeros, was written for a review's hand-made address.
        svc.directory.check_unit_exists(unit)
    handle, raw = tempfile.mkstemp(prefix="banli-export-", suffix=Path(name).suffix)
    os.close(handle)
    path = Path(raw)
    try:
        basis = write(path, svc.projections is not None)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    # Headers are Latin-1: the Chinese name goes in RFC 6266's filename*, an ASCII one beside.
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return FileResponse(
        path,
        media_type=media_type,
        headers={**basis.headers(), "Content-Disposition": disposition},
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def _xlsx(svc: Services, name: str, query: ExportQuery) -> FileResponse:
    chosen = EXPORTS[name]
    # A year's file says so in its name: two years' 办理台账.xlsx were told apart only by
    # opening them (a review downloaded 2025's while meaning 2024).
    year = f"-{query.year}" if query.year is not None else ""
    return _file(
        svc,
        chosen.views,
        query.unit,
        lambda path, live: export(svc.app, svc.views, name, query, path, live=live),
        f"{chosen.title}{year}.xlsx",
        XLSX,
        f"{name}{year}.xlsx",
    )


def _xlsx_route(name: str, summary: str) -> None:
    def download(
        svc: Services,
        who: Reader,
        as_of: AsOf,
        year: YearFilter = None,
        unit: UnitFilter = None,
        kind: Kind | None = None,
        position: Position = None,
    ) -> FileResponse:
        return _xlsx(svc, name, ExportQuery(as_of, year, own_unit(who, unit), kind, position))

    download.__doc__ = summary
    _xlsx_get(name)(download)


def _xlsx_get(name: str) -> Callable[[Callable[..., FileResponse]], Callable[..., FileResponse]]:
    """The GET route of the ``name`` spreadsheet."""
    return router.get(
        f"/v1/exports/{name}.xlsx",
        response_class=FileResponse,
        responses={200: {"content": {XLSX: {}}}},
        operation_id=f"export_{name.replace('-', '_')}",
    )


@_xlsx_get("ledger")
def export_ledger(
    svc: Services,
    who: Reader,
    as_of: AsOf,
    year: YearFilter = None,
    unit: UnitFilter = None,
    kind: Kind | None = None,
    stage: Stage | None = None,
    overdue: bool | None = None,
    level: Level | None = None,
    key: bool | None = None,
    under_supervision: bool | None = None,
    awaiting: Awaiting | None = None,
    unit_role: UnitRole | None = None,
    dissatisfied: bool | None = None,
    leader_in_charge: LeaderFilter = None,
    position: Position = None,
    sort: LedgerSort = "number",
    descending: bool = False,
) -> FileResponse:
    """办理台账: a row per case as in /v1/ledger, with its filters and its order (``sort``,
    ``descending``: additions, as the workbench's 台账 was sorted), a sheet per kind."""
    unit = own_unit(who, unit)
    query = ExportQuery(
        as_of, year, unit, kind, position, stage=stage, overdue=overdue, level=level, key=key,
        under_supervision=under_supervision, overdue_of=overdue_of(who, unit), awaiting=awaiting,
        unit_role=unit_role, dissatisfied=dissatisfied, leader_in_charge=leader_in_charge,
        sort=sort, descending=descending,
    )  # fmt: skip
    return _xlsx(svc, "ledger", query)


_xlsx_route("contacts", "沟通联络总台账: a row per contact and visit.")
_xlsx_route("commitments", "B类滚动台账 (R-Rv2).")
_xlsx_route("visit-compliance", "Visit compliance (R-V2, R-V3) as /v1/stats/visit-compliance.")
_xlsx_route("measures", "/v1/stats/units with a drill-down sheet naming every case.")
_xlsx_route("responsibilities", "Hebei 责任分解表 (seed 003 attachment 1).")
_xlsx_route("reviews", "Hebei 办理情况复查表 (seed 003 attachment 7).")


@router.get(
    "/v1/reports/annual.docx",
    response_class=FileResponse,
    responses={200: {"content": {DOCX: {}}}},
)
def annual_docx(
    svc: Services,
    who: ReportReader,
    as_of: AsOf,
    year: Annotated[int, Query(ge=1949, le=2200)],
    unit: UnitFilter = None,
    position: Position = None,
) -> FileResponse:
    """年度承办工作总结: the year's figures for a unit (or all) as a Word document."""
    query = ExportQuery(as_of, year, unit, None, position)
    return _file(
        svc,
        (FACTS, PAPERS),
        unit,
        lambda path, live: annual_report(svc.app, svc.views, query, path, live=live),
        f"{year}年度承办工作总结.docx",
        DOCX,
        f"annual-{year}.docx",
    )
