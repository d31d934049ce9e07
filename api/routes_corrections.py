"""Corrections of recorded events (R-X2) and merges of cases answered by one reply (R-M1)."""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api import schemas_review as s
from api.auth import check_handler_case
from api.commands import ANSWERS, answer, context
from api.deps import Office, Recorder, Services
from domain.errors import NotFound
from infra.command_context import parse_event_id

router = APIRouter(prefix="/v1", tags=["corrections and merges"])


@router.post("/cases/{case_id}/corrections", status_code=201, responses=ANSWERS)
def correct(
    request: Request, case_id: str, body: s.Correction, who: Recorder, svc: Services
) -> JSONResponse:
    """R-X2: whoever recorded the event, or the office, corrects it (the domain checks who)."""
    ctx = context(request, who, body)
    if who.role == "handler":
        ctx = replace(ctx, guard=lambda case: check_handler_case(who, case))
    target_case, version = parse_event_id(body.event_id)
    if str(target_case) != str(case_id):
        raise NotFound("被更正的事件不属于该件", "the corrected event is not on this case")
    return answer(svc.app.execute(ctx, body.command(case_id, version)))


@router.post("/merges", status_code=201, responses=ANSWERS)
def merge(request: Request, body: s.Merge, who: Office, svc: Services) -> JSONResponse:
    """Answers the ``merge_id`` and the ``case_ids``; the first listed is the primary."""
    return answer(svc.app.merge(context(request, who, body), body.command()))


@router.post("/cases/{case_id}/merge/undo", status_code=201, responses=ANSWERS)
def undo_merge(
    request: Request, case_id: str, body: s.UndoMerge, who: Office, svc: Services
) -> JSONResponse:
    """R-M1: the office undoes the merge the case is part of, on every case of it, until the
    merge's reply is issued. Answers the ``merge_id`` and the ``case_ids`` (this one first)."""
    return answer(svc.app.undo_merge(context(request, who, body), body.command(case_id)))
