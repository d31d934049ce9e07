"""The proposer's page (UI.md 代表委员): a small Chinese page on the same server, for a phone.

The office sends ``/p/<token>``. Opening it puts the token in an HttpOnly, ``SameSite=Strict``
cookie scoped to ``/proposer`` and moves on to ``/proposer`` by a same-site refresh (a redirect
straight from a mail or WeChat link would still count as cross-site, and a strict cookie would
not be sent with it); so the token leaves the address bar and the browser's history at once.
The page's forms post to ``/proposer/…`` with a CSRF token derived from the link's token, the
page runs no script at all (CSP ``script-src`` is not even allowed), and every answer says
``no-store`` and ``no-referrer``. What a form records is what the JSON routes record.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ValidationError

from api.auth import services
from api.commands import Fingerprinted, context
from api.pages_labels import LABELS, class_words, file_size, status_word
from api.pages_markup import phones
from api.pages_refusals import problem_words
from api.proposer_reads import issued_document, proposer_case
from api.routes_documents import document_file
from api.schemas_proposer import ProposerDeadline, ProposerDisclosurePreference, ProposerFeedback
from domain.business_day import CHINA
from domain.commands import CaseCommand
from domain.errors import DomainError
from infra.clock import today
from infra.command_context import request_fingerprint
from infra.paper_labels import further_disclosures
from infra.proposer_links import TOKEN_MARK, LinkHolder
from infra.services import Services

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates" / "proposer"
COOKIE = "banli_proposer"
PAGE = "/proposer"
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}


def deadline_rows(deadlines: list[ProposerDeadline]) -> list[tuple[ProposerDeadline, bool]]:
    """Each deadline with whether it is a further reply's 公开 (``further_disclosures``), the
    co-handling units' 会办意见 (R-D1: owed to the lead unit, not to the proposer) after the
    others: listed first, a case's co-units filled a phone's first screen ahead of its reply."""
    further = further_disclosures((d.kind, d.unit) for d in deadlines)
    return sorted(zip(deadlines, further, strict=True), key=lambda row: row[0].kind == "co_opinion")


templates = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
)
# The deadline words of UI.md and the vocabularies' words, as every other page says them.
templates.globals.update(
    status_word=status_word,
    class_words=class_words,
    LABELS=LABELS,
    file_size=file_size,
    phones=phones,
    deadline_rows=deadline_rows,
)
router = APIRouter(include_in_schema=False)


def csrf_token(link_token: str) -> str:
    """Known to the page the link's holder sees, and to no other site (it cannot read it)."""
    return hmac.new(link_token.encode(), b"banli proposer form", hashlib.sha256).hexdigest()


def _page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**values), status, headers=HEADERS)


def _invalid(status: int = 401) -> HTMLResponse:
    return _page("invalid.html", status)


def _holder(request: Request) -> tuple[LinkHolder, str] | None:
    token = request.cookies.get(COOKIE)
    holder = services(request).links.authenticate(token) if token else None
    return (holder, token) if holder is not None and token is not None else None


@router.get("/p/{token}")
def open_link(request: Request, token: str) -> Response:
    holder = services(request).links.authenticate(token)
    if holder is None:
        return _invalid(404)
    response = _page("opened.html", next=PAGE)
    last = datetime.combine(holder.expires_on + timedelta(days=1), time(), CHINA)
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(0, int((last - datetime.now(CHINA)).total_seconds())),
        path=PAGE,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.get(PAGE)
def page(request: Request, done: str | None = None) -> Response:
    if not request.cookies.get(COOKIE):
        # No link opened in this browser (or the proposer left): nothing is wrong with a link,
        # and saying it was revoked sent a review's proposer to the office for a new one.
        return _page("invalid.html", 401, missing=True)
    found = _holder(request)
    if found is None:
        return _invalid()
    return _render(request, *found, done=done)


def _render(
    request: Request,
    holder: LinkHolder,
    token: str,
    status: int = 200,
    done: str | None = None,
    error: tuple[str, str, str] | None = None,  # (form, message, the field it is about)
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    svc: Services = services(request)
    at = f"{PAGE}/cases/{holder.case_id}/documents"
    case = proposer_case(svc.app, svc.links.case_of(holder), holder, today(), at)
    return _page(
        "cases.html",
        status,
        holder=holder,
        cases=[case],
        csrf=csrf_token(token),
        today=today().isoformat(),
        done=done,
        error=error,
        form=form or {},
    )


@router.get(PAGE + "/proposer.css")
def stylesheet() -> Response:
    css = (TEMPLATES / "proposer.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get(PAGE + "/cases/{case_id}/documents/{document_id}")
def document(request: Request, case_id: str, document_id: str) -> Response:
    found = _holder(request)
    if found is None or found[0].case_id != case_id:
        return _invalid(404 if found else 401)
    svc: Services = services(request)
    try:
        chosen = issued_document(svc.app, svc.links.case_of(found[0]), document_id)
    except DomainError:
        return _invalid(404)
    return document_file(svc.documents, chosen, request)


Text = Annotated[str, Form()]


@router.post(PAGE + "/cases/{case_id}/feedback")
def feedback(
    request: Request,
    case_id: str,
    csrf: Text = "",
    verdict: Text = "",
    comments: Text = "",
) -> Response:
    fields = {"verdict": verdict, "comments": comments}
    return _say(request, case_id, csrf, "feedback", ProposerFeedback, fields)


@router.post(PAGE + "/cases/{case_id}/disclosure-preference")
def disclosure_preference(
    request: Request,
    case_id: str,
    csrf: Text = "",
    consent_reply: Text = "",
    consent_original: Text = "",
) -> Response:
    fields = {"consent_reply": consent_reply, "consent_original": consent_original}
    return _say(request, case_id, csrf, "disclosure", ProposerDisclosurePreference, fields)


@router.post(PAGE + "/logout")
def logout(request: Request, csrf: Text = "") -> Response:
    found = _holder(request)
    if found is not None and not hmac.compare_digest(csrf, csrf_token(found[1])):
        return _invalid(403)
    response = _page("invalid.html", 200, left=True)
    response.delete_cookie(COOKIE, path=PAGE)
    return response


FORM_ERRORS = {
    "verdict": "请选择满意程度",
    "consent_reply": "请选择是否同意公开答复",
    "consent_original": "请选择是否同意公开原文",
}
# A rule's refusal said beside the field it is about (R-F1: a 不满意 without comments; the form
# is offered only once a reply is issued, R-F1's other refusal); else under the form.
RULE_FIELDS = {"R-F1": "comments"}
# Said with what is wrong with it (its length, a character): the workbench names the limit too.
FORM_LABELS = {"comments": "意见内容"}
YES_NO = {"yes": True, "no": False}


def _say(
    request: Request,
    case_id: str,
    csrf: str,
    which: str,
    body: type[ProposerFeedback] | type[ProposerDisclosurePreference],
    fields: dict[str, str],
) -> Response:
    """Records what the proposer said through a form, as the JSON route would; a refusal shows
    on the page beside the field or the form, in the proposer's words (``proposer_words``)."""
    found = _holder(request)
    if found is None:
        return _invalid()
    holder, token = found
    if not hmac.compare_digest(csrf, csrf_token(token)):
        return _invalid(403)
    if case_id != holder.case_id:
        return _invalid(404)
    values: dict[str, Any] = {
        k: YES_NO.get(v, v) if k.startswith("consent") else v for k, v in fields.items()
    }
    # Dated the day it is sent (R-X1): through the link the proposer says it now, and a date
    # to choose let a deputy back-date a 不满意 and start the unit's 30 days already overdue.
    values["occurred_on"] = today().isoformat()
    try:
        said: BaseModel = body.model_validate(values)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        field = str(first["loc"][0])
        if field in FORM_LABELS:
            message = FORM_LABELS[field] + problem_words(first)
        else:
            message = FORM_ERRORS.get(field, "填写有误")
        return _render(request, holder, token, 422, error=(which, message, field), form=fields)
    assert isinstance(said, ProposerFeedback | ProposerDisclosurePreference)
    command: CaseCommand = said.command(case_id, holder.proposer)
    try:
        _record(request, holder, said, command)
    except DomainError as refused:
        status = 422 if refused.rule is None else 409
        message = proposer_words(refused)
        field = RULE_FIELDS.get(refused.rule or "", getattr(refused, "field", None) or "")
        return _render(request, holder, token, status, error=(which, message, field), form=fields)
    return RedirectResponse(f"{PAGE}?done={which}#{which}-{case_id}", 303, headers=HEADERS)


def proposer_words(refused: DomainError) -> str:
    """A refusal as the proposer's page says it: without the rule's id, which the workbench's
    staff look up and a deputy does not (a review's read （R-X1）), and a date by the name
    their form gives it (日期)."""
    return refused.zh.replace("发生日期", "日期")


def _record(
    request: Request, holder: LinkHolder, said: Fingerprinted, command: CaseCommand
) -> None:
    """A form sent twice (a double tap, a reload) records once: the same words are an
    idempotent replay, keyed by what was said."""
    ctx = context(request, holder.principal(), said)
    key = request_fingerprint(holder.link_id, said.model_dump(mode="json"))
    ctx = replace(ctx, idempotency_key=f"{ctx.actor['user']}:form:{key}")
    services(request).app.execute(ctx, command)


class RedactLinks(logging.Filter):
    """Access logs keep the path of a link page without its token."""

    PATTERN = re.compile(r"/p/" + re.escape(TOKEN_MARK) + r"[A-Za-z0-9_\-]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self.PATTERN.sub("/p/…", a) if isinstance(a, str) else a for a in record.args
            )
        return True


def redact_link_tokens() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactLinks) for f in access.filters):
        access.addFilter(RedactLinks())
