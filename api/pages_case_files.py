"""The case page's proposer links and documents (R-F4; API.md v1.1 "Proposer links",
"Documents"): the office makes a proposer's link, sees the case's links and revokes one; the
office and the case's handlers upload a document; whoever reads the case downloads it from
``/v1/cases/{id}/documents/{document_id}`` (``/v1`` reads the session cookie too).

The commands are the API's (``make_link``, ``attach``), judged by the domain. A refusal draws the
case page again with the message and rule id beside the field. Revoking and uploading answer
with a redirect (Post/Redirect/Get); making a link cannot, since its token is stored only as a
hash and this answer is the one chance to show it: the page is drawn from the post, and the
form's one-time ``_once`` makes a reload's repost replay the same link instead of a second.
"""

from __future__ import annotations

import re
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from api.commands import context
from api.fields import Code, Day
from api.pages_came_from import came_from
from api.pages_case import case_context
from api.pages_refusals import validation_problems
from api.pages_web import Form, PageRefused, Posted, Staff, Svc, Uploaded, render, see_other
from api.problems import ApiProblem
from api.routes_documents import attach
from api.routes_proposer import link_url, make_link
from api.schemas_proposer import ProposerLinkCreate, ProposerLinkRevoke
from domain.errors import DomainError, NotFound
from domain.vocabulary import DocumentKind
from infra.directory import Principal

router = APIRouter(include_in_schema=False)
UPLOADERS = frozenset({"office", "handler"})  # as the API's upload route admits
ONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
Refusal = tuple[str, str, str | None]  # (field, message, rule id)
# The field a refusal is shown beside, by rule id (the rest go above the form's fields).
LINK_RULES = {"R-F4": "proposer_name", "R-C4": "proposer_name", "R-X1": "expires_on"}
UPLOAD_RULES = {"R-X1": "occurred_on"}


class UploadFields(BaseModel):
    """The upload form's fields besides the file, with the API's types."""

    kind: DocumentKind
    occurred_on: Day
    reply_id: Code | None = None


def _refused(
    request: Request,
    svc: Svc,
    who: Principal,
    case_id: str,
    which: str,
    posted: Form,
    problem: Refusal,
    status: int,
) -> Response:
    """The case page again, the refused form open beside what was posted; nothing written."""
    page = case_context(svc, who, case_id, None)
    field, message, rule = problem
    page["side_refused"] = {"form": which, "field": field, "message": message, "rule": rule}
    page["side_posted"] = posted.values()
    return render(request, "case.html", who, page, status=status)


def _invalid(invalid: ValidationError) -> Refusal:
    field, said = next(iter(validation_problems(invalid).items()))
    return (field, said, None)


def _judged(
    error: ApiProblem | DomainError, rules: dict[str, str], field: str
) -> tuple[Refusal, int]:
    """A command's refusal as (where it is shown, status): beside the field its rule names,
    else beside ``field``; a case not there (or out of a handler's scope) is the 404 page."""
    if isinstance(error, ApiProblem):
        if error.status == 404:
            raise PageRefused(404, "该件不存在") from None
        return (field, error.detail, None), error.status
    if isinstance(error, NotFound):
        raise PageRefused(404, error.zh) from None
    # Beside the field the rule is about, or the one the refusal names (``reply_id``: a reply
    # letter without its reply), else beside ``field``.
    where = rules.get(error.rule or "") or getattr(error, "field", None) or field
    return (where, error.zh, error.rule), 409 if error.rule else 422


def _office(who: Principal) -> None:
    if who.role != "office":
        raise PageRefused(403, "只有办公室可以管理代表委员专属链接")


@router.post("/cases/{case_id}/links")
def create_link(request: Request, case_id: str, who: Staff, svc: Svc, posted: Posted) -> Response:
    _office(who)
    fields = {
        "proposer_name": posted.get("proposer_name").strip(),
        "expires_on": posted.get("expires_on"),
        "email": posted.get("email").strip() or None,
    }
    try:
        body = ProposerLinkCreate.model_validate(fields)
    except ValidationError as invalid:
        return _refused(request, svc, who, case_id, "link", posted, _invalid(invalid), 422)
    ctx = context(request, who, body)
    once = posted.get("_once")
    if ONCE.fullmatch(once):
        ctx = replace(ctx, idempotency_key=f"{who.user}:form:link:{once}")
    try:
        result, link = make_link(svc, ctx, case_id, body)
    except (ApiProblem, DomainError) as error:  # ApiProblem: the same _once, other values
        refusal, status = _judged(error, LINK_RULES, "")
        return _refused(request, svc, who, case_id, "link", posted, refusal, status)
    page = case_context(svc, who, case_id, None)
    page["new_link"] = {
        "name": body.proposer_name,
        "expires_on": body.expires_on,
        # A replay (the page reloaded) has no token to show: it was shown once already.
        "url": None if result.replayed else link_url(svc, request, link.token),
    }
    return render(request, "case.html", who, page)


@router.post("/cases/{case_id}/links/{link_id}/revoke")
def revoke_link(
    request: Request, case_id: str, link_id: str, who: Staff, svc: Svc, posted: Posted
) -> Response:
    _office(who)
    try:
        body = ProposerLinkRevoke.model_validate({"reason": posted.get("reason").strip()})
    except ValidationError as invalid:
        del invalid  # the form has one field: its message says what is missing
        missing: Refusal = (link_id, "请填写撤销理由", None)
        return _refused(request, svc, who, case_id, "revoke", posted, missing, 422)
    try:
        result = svc.app.execute(context(request, who, body), body.command(case_id, link_id))
    except DomainError as error:
        refusal, status = _judged(error, {}, link_id)
        return _refused(request, svc, who, case_id, "revoke", posted, refusal, status)
    return see_other(
        came_from(request).then(f"/cases/{case_id}?done={result.events[-1]['id']}#links")
    )


@router.post("/cases/{case_id}/documents")
def upload(request: Request, case_id: str, who: Staff, svc: Svc, posted: Uploaded) -> Response:
    if who.role not in UPLOADERS:
        raise PageRefused(403, "本角色不能上传文件")
    form = posted.form
    if posted.file is None:
        refusal: Refusal = ("file", "请选择要上传的文件", None)
        return _refused(request, svc, who, case_id, "upload", form, refusal, 422)
    fields = {k: form.get(k) for k in ("kind", "occurred_on", "reply_id") if form.get(k)}
    try:
        said = UploadFields.model_validate(fields)
    except ValidationError as invalid:
        return _refused(request, svc, who, case_id, "upload", form, _invalid(invalid), 422)
    data = posted.file.file.read()
    try:
        result, _ = attach(
            request,
            svc,
            who,
            case_id,
            (posted.file.filename, posted.file.content_type),
            data,
            said.kind,
            said.occurred_on,
            said.reply_id,
        )
    except (ApiProblem, DomainError) as error:
        refusal, status = _judged(error, UPLOAD_RULES, "file")
        return _refused(request, svc, who, case_id, "upload", form, refusal, status)
    done = result.events[-1]["id"]
    return see_other(came_from(request).then(f"/cases/{case_id}?done={done}#documents"))
