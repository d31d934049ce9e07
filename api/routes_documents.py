"""Documents on a case (API.md v1.1 "Documents"): reply letters, visit cards, consultation
forms, original texts.

An upload is judged before anything is kept: the file must be what its name says
(``infra.file_types``), and the command must pass on the case as it stands (role, scope, kind,
reply, dates), so a refused upload leaves neither an event nor bytes. Then the bytes are kept by
their SHA-256 and the event, which records the hash, is written. A download checks the bytes
against that hash before answering: a swapped file is never served as the case's document.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from api.auth import check_handler_case, check_handler_unit
from api.commands import acting_for, context, scoped
from api.deps import OfficeOrHandler, Reader, Services
from api.fields import Code, Day
from api.problems import ApiProblem
from api.schemas_proposer import DocumentAnswer, DocumentUpload
from domain import handlers
from domain.case import Case
from domain.commands import Acting, AttachDocument
from domain.errors import NotFound
from domain.records import Document
from domain.vocabulary import DocumentKind
from infra.clock import today
from infra.command_context import CommandResult
from infra.directory import Principal
from infra.documents import DocumentStore
from infra.file_types import sniff
from infra.idempotency import stored_answer
from infra.services import Services as ServiceGraph

router = APIRouter(tags=["documents"])
# Shown in the browser (a PDF or a scan opens where it is clicked); the rest is downloaded.
INLINE = ("application/pdf", "image/jpeg", "image/png")


@router.post(
    "/v1/cases/{case_id}/documents",
    status_code=201,
    response_model=DocumentAnswer,
    name="upload_document",
)
def upload_document(
    request: Request,
    case_id: str,
    who: OfficeOrHandler,
    svc: Services,
    file: Annotated[UploadFile, File(description="PDF, DOCX, OFD, JPEG, PNG or UTF-8 text")],
    kind: Annotated[DocumentKind, Form()],
    occurred_on: Annotated[Day, Form()],
    reply_id: Annotated[Code | None, Form()] = None,
) -> JSONResponse:
    """Keeps a file on the case (the handler of a unit on the case, or the office); a reply
    letter names its reply. Answers the document's id, SHA-256 and size."""
    data = file.file.read()
    sent = (file.filename, file.content_type)
    result, sha256 = attach(request, svc, who, case_id, sent, data, kind, occurred_on, reply_id)
    body = {**result.as_dict(), "sha256": sha256, "size": len(data)}
    return JSONResponse(body, status_code=200 if result.replayed else 201)


def attach(
    request: Request,
    svc: ServiceGraph,
    who: Principal,
    case_id: str,
    sent: tuple[str | None, str | None],  # the file's name and declared type
    data: bytes,
    kind: DocumentKind,
    occurred_on: date,
    reply_id: str | None,
) -> tuple[CommandResult, str]:
    """Judges and keeps an upload (the API's and the case page's): (the result, its SHA-256)."""
    found = sniff(data, *sent)
    sha256 = hashlib.sha256(data).hexdigest()
    command = AttachDocument(
        case_id=case_id,
        kind=kind,
        name=found.name,
        content_type=found.content_type,
        sha256=sha256,
        size=len(data),
        occurred_on=occurred_on,
        reply_id=reply_id,
    )
    upload = DocumentUpload(
        kind=kind, occurred_on=occurred_on, reply_id=reply_id, name=found.name, sha256=sha256
    )
    ctx = scoped(context(request, who, upload), who, command)
    if stored_answer(svc.app.index, ctx) is None:
        _would_attach(svc, who, command)
        svc.documents.put(sha256, data)
    return svc.app.execute(ctx, command), sha256


def _would_attach(svc: ServiceGraph, who: Principal, command: AttachDocument) -> None:
    """Runs the command's checks on the case as it stands, recording nothing (the case read
    here is thrown away), so that bytes are kept only for an upload that will be recorded."""
    case = svc.app.get_case(command.case_id)
    if who.role == "handler":
        check_handler_case(who, case)
        check_handler_unit(who, acting_for(command, case, who))
    handlers.handler_for(command)(case, command, Acting(who.actor(), today(), svc.app.calendar))


@router.get(
    "/v1/cases/{case_id}/documents/{document_id}",
    response_class=Response,
    responses={200: {"description": "the file, with its Content-Type and ETag"}},
    name="download_document",
)
def download_document(
    request: Request, case_id: str, document_id: str, who: Reader, svc: Services
) -> Response:
    """The file as uploaded; ``ETag`` is its SHA-256 (``If-None-Match`` answers 304)."""
    case = svc.app.get_case(case_id)
    check_handler_case(who, case)
    return document_file(svc.documents, case_document(case, document_id), request)


def case_document(case: Case, document_id: str) -> Document:
    document = case.documents.get(document_id)
    if document is None:
        raise NotFound("该文件不存在", f"no document {document_id} on this case")
    return document


def document_file(store: DocumentStore, document: Document, request: Request) -> Response:
    etag = f'"{document.sha256}"'
    headers = {
        "ETag": etag,
        # Personal data: kept by the browser, never by a shared cache, and checked each time.
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
        # Whatever a file holds, it runs nothing in the page it opens in.
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    data = store.get(document.sha256)
    if data is None or hashlib.sha256(data).hexdigest() != document.sha256:
        raise ApiProblem(
            503,
            f"the stored file of document {document.document_id} is missing or no longer "
            "matches its recorded SHA-256 (see /v1/audit/verify)",
        )
    disposition = "inline" if document.content_type in INLINE else "attachment"
    headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(document.name)}"
    return Response(data, media_type=document.content_type, headers=headers)
