"""Case commands (API.md § Case commands): each a POST that appends events."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api import schemas as s
from api.auth import check_handler_case, require, services
from api.commands import answer, command_fields, context, run
from domain import commands as c
from domain.errors import NotFound
from infra.application import parse_event_id
from infra.directory import Principal

router = APIRouter(prefix="/v1", tags=["case commands"])

OFFICE = require("office")
LEADER = require("leader")
HANDLER = require("handler")
OFFICE_OR_HANDLER = require("office", "handler")
REVIEWERS = require("office", "supervisor")
RECORDERS = require("office", "leader", "handler", "supervisor", "admin")

ANSWERS: dict[int | str, dict[str, object]] = {
    201: {"model": s.CommandAnswer, "description": "events appended"},
    200: {"model": s.CommandAnswer, "description": "idempotent replay: nothing new written"},
}


@router.post("/cases", status_code=201, responses=ANSWERS)
def register(
    request: Request, body: s.CaseCreate, who: Principal = Depends(OFFICE)
) -> JSONResponse:
    ctx = context(request, who, body)
    return answer(services(request).app.register(ctx, c.RegisterCase(**command_fields(body))))


@router.post("/cases/{case_id}/assignment", status_code=201, responses=ANSWERS)
def assign(
    request: Request, case_id: str, body: s.Assignment, who: Principal = Depends(OFFICE)
) -> JSONResponse:
    return run(request, who, body, c.Assign(case_id=case_id, **command_fields(body)))


@router.post("/cases/{case_id}/reassignment-requests", status_code=201, responses=ANSWERS)
def request_reassignment(
    request: Request, case_id: str, body: s.ReassignmentRequest, who: Principal = Depends(HANDLER)
) -> JSONResponse:
    fields = command_fields(body)
    return run(request, who, body, c.RequestReassignment(case_id=case_id, **fields), unit=body.unit)


@router.post(
    "/cases/{case_id}/reassignment-requests/{request_id}/decision",
    status_code=201,
    responses=ANSWERS,
)
def decide_reassignment(
    request: Request,
    case_id: str,
    request_id: str,
    body: s.ReassignmentDecision,
    who: Principal = Depends(OFFICE),
) -> JSONResponse:
    fields = {"request_id": request_id, **command_fields(body)}
    return run(request, who, body, c.DecideReassignment(case_id=case_id, **fields))


@router.post("/cases/{case_id}/ruling", status_code=201, responses=ANSWERS)
def rule(
    request: Request, case_id: str, body: s.Ruling, who: Principal = Depends(LEADER)
) -> JSONResponse:
    return run(request, who, body, c.RuleOnAssignment(case_id=case_id, **command_fields(body)))


@router.post("/cases/{case_id}/key", status_code=201, responses=ANSWERS)
def designate_key(
    request: Request, case_id: str, body: s.KeyDesignation, who: Principal = Depends(OFFICE)
) -> JSONResponse:
    return run(request, who, body, c.DesignateKey(case_id=case_id, **command_fields(body)))


@router.post("/cases/{case_id}/contacts", status_code=201, responses=ANSWERS)
def contact(
    request: Request, case_id: str, body: s.Contact, who: Principal = Depends(HANDLER)
) -> JSONResponse:
    return run(
        request, who, body, c.RecordContact(case_id=case_id, **command_fields(body)), unit=body.unit
    )


@router.post("/cases/{case_id}/visits", status_code=201, responses=ANSWERS)
def visit(
    request: Request, case_id: str, body: s.Visit, who: Principal = Depends(HANDLER)
) -> JSONResponse:
    return run(
        request, who, body, c.RecordVisit(case_id=case_id, **command_fields(body)), unit=body.unit
    )


@router.post("/cases/{case_id}/visit-declined", status_code=201, responses=ANSWERS)
def visit_declined(
    request: Request, case_id: str, body: s.VisitDeclined, who: Principal = Depends(HANDLER)
) -> JSONResponse:
    fields = command_fields(body)
    return run(request, who, body, c.RecordVisitDeclined(case_id=case_id, **fields), unit=body.unit)


@router.post("/cases/{case_id}/on-site-handlings", status_code=201, responses=ANSWERS)
def on_site(
    request: Request, case_id: str, body: s.OnSiteHandling, who: Principal = Depends(HANDLER)
) -> JSONResponse:
    fields = command_fields(body)
    return run(
        request, who, body, c.RecordOnSiteHandling(case_id=case_id, **fields), unit=body.unit
    )


@router.post("/cases/{case_id}/disclosure-preference", status_code=201, responses=ANSWERS)
def disclosure_preference(
    request: Request,
    case_id: str,
    body: s.DisclosurePreference,
    who: Principal = Depends(HANDLER),
) -> JSONResponse:
    return run(
        request, who, body, c.RecordDisclosurePreference(case_id=case_id, **command_fields(body))
    )


@router.post("/cases/{case_id}/co-opinions", status_code=201, responses=ANSWERS)
def co_opinion(
    request: Request, case_id: str, body: s.CoOpinion, who: Principal = Depends(HANDLER)
) -> JSONResponse:
    fields = command_fields(body)
    return run(request, who, body, c.RecordCoOpinion(case_id=case_id, **fields), unit=body.unit)


@router.post("/cases/{case_id}/replies", status_code=201, responses=ANSWERS)
def submit_reply(
    request: Request, case_id: str, body: s.Reply, who: Principal = Depends(HANDLER)
) -> JSONResponse:
    return run(
        request, who, body, c.SubmitReply(case_id=case_id, **command_fields(body)), unit=body.unit
    )


@router.post("/cases/{case_id}/replies/{reply_id}/approval", status_code=201, responses=ANSWERS)
def approve_reply(
    request: Request,
    case_id: str,
    reply_id: str,
    body: s.Approval,
    who: Principal = Depends(LEADER),
) -> JSONResponse:
    fields = {"reply_id": reply_id, **command_fields(body)}
    return run(request, who, body, c.DecideReply(case_id=case_id, **fields))


@router.post("/cases/{case_id}/replies/{reply_id}/issue", status_code=201, responses=ANSWERS)
def issue_reply(
    request: Request,
    case_id: str,
    reply_id: str,
    body: s.Issue,
    who: Principal = Depends(HANDLER),
) -> JSONResponse:
    fields = {"reply_id": reply_id, **command_fields(body)}
    return run(request, who, body, c.IssueReply(case_id=case_id, **fields), reply_id=reply_id)


@router.post("/cases/{case_id}/disclosure-review", status_code=201, responses=ANSWERS)
def review_disclosure(
    request: Request, case_id: str, body: s.DisclosureReview, who: Principal = Depends(OFFICE)
) -> JSONResponse:
    """R-P3: publishing waits for the office's approving review."""
    command = c.ReviewDisclosure(
        case_id,
        body.reply_id,
        body.approved,
        body.note,
        body.occurred_on,
        body.secrecy_review_ref,
    )
    return run(request, who, body, command)


@router.post("/cases/{case_id}/disclosure", status_code=201, responses=ANSWERS)
def disclose(
    request: Request,
    case_id: str,
    body: s.DisclosureDecision,
    who: Principal = Depends(OFFICE_OR_HANDLER),
) -> JSONResponse:
    """Publish (``published_on``, ``url``) or withhold (``withheld_reason``) an issued reply."""
    if body.withheld_reason is not None and body.published_on is None:
        fields: dict[str, Any] = {
            "reply_id": body.reply_id,
            "withheld_reason": body.withheld_reason,
            "occurred_on": body.occurred_on,
        }
        return run(
            request, who, body, c.WithholdReply(case_id=case_id, **fields), reply_id=body.reply_id
        )
    fields = {
        "reply_id": body.reply_id,
        "published_on": body.published_on,
        "url": body.url,
        "include_original": body.include_original,
        "secrecy_review_ref": body.secrecy_review_ref,
    }
    return run(
        request, who, body, c.PublishReply(case_id=case_id, **fields), reply_id=body.reply_id
    )


@router.post("/cases/{case_id}/feedback", status_code=201, responses=ANSWERS)
def feedback(
    request: Request, case_id: str, body: s.Feedback, who: Principal = Depends(OFFICE)
) -> JSONResponse:
    return run(request, who, body, c.RecordFeedback(case_id=case_id, **command_fields(body)))


@router.post("/cases/{case_id}/follow-up-calls", status_code=201, responses=ANSWERS)
def follow_up_call(
    request: Request, case_id: str, body: s.FollowUpCall, who: Principal = Depends(OFFICE)
) -> JSONResponse:
    return run(request, who, body, c.RecordFollowUpCall(case_id=case_id, **command_fields(body)))


@router.post("/cases/{case_id}/reminders", status_code=201, responses=ANSWERS)
def remind(
    request: Request, case_id: str, body: s.Reminder, who: Principal = Depends(REVIEWERS)
) -> JSONResponse:
    return run(request, who, body, c.Remind(case_id=case_id, **command_fields(body)))


@router.post("/cases/{case_id}/reassessments", status_code=201, responses=ANSWERS)
def reassess(
    request: Request, case_id: str, body: s.Reassessment, who: Principal = Depends(REVIEWERS)
) -> JSONResponse:
    return run(request, who, body, c.Reassess(case_id=case_id, **command_fields(body)))


@router.post("/cases/{case_id}/close-out", status_code=201, responses=ANSWERS)
def close_out(
    request: Request, case_id: str, body: s.CloseOut, who: Principal = Depends(OFFICE)
) -> JSONResponse:
    return run(request, who, body, c.CloseOut(case_id=case_id, **command_fields(body)))


@router.post("/cases/{case_id}/corrections", status_code=201, responses=ANSWERS)
def correct(
    request: Request, case_id: str, body: s.Correction, who: Principal = Depends(RECORDERS)
) -> JSONResponse:
    """R-X2: whoever recorded the event, or the office, corrects it (the domain checks who)."""
    ctx = context(request, who, body)
    if who.role == "handler":
        ctx = replace(ctx, guard=lambda case: check_handler_case(who, case))
    app = services(request).app
    target_case, version = parse_event_id(body.event_id)
    if str(target_case) != str(case_id):
        raise NotFound("被更正的事件不属于该件", "the corrected event is not on this case")
    command = c.Correct(
        case_id=case_id, version=version, reason=body.reason, corrected=body.corrected
    )
    return answer(app.execute(ctx, command))


@router.post("/merges", status_code=201, responses=ANSWERS)
def merge(request: Request, body: s.Merge, who: Principal = Depends(OFFICE)) -> JSONResponse:
    ctx = context(request, who, body)
    command = c.MergeCases(case_ids=tuple(body.case_ids), occurred_on=body.occurred_on)
    return answer(services(request).app.merge(ctx, command))
