"""The proposer's side (API.md v1.1; DOMAIN.md R-F4): the office makes and revokes personal
links; a link's holder reads their case and gives feedback and disclosure consent themselves.

A link's token is a bearer token of the role ``proposer`` (``Authorization: Bearer <token>``),
good for these ``/v1/proposer`` routes only: any other case answers 404, as one that does not
exist, and what the holder records names ``actor.role = "proposer"`` and the proposer.
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import Parameter, Signature
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from api import queries
from api.auth import bearer_token, services
from api.commands import ANSWERS, CaseCommands, Fingerprinted, answer, context
from api.deps import Office, Reader, Services
from api.problems import ApiProblem
from api.proposer_reads import issued_document, proposer_case
from api.routes_documents import document_file
from api.routing import include
from api.schemas_proposer import (
    CaseNotices,
    ProposerCases,
    ProposerDisclosurePreference,
    ProposerFeedback,
    ProposerLinkAnswer,
    ProposerLinkCreate,
    ProposerLinkRevoke,
)
from domain.commands import CaseCommand, CreateProposerLink
from infra.clock import today
from infra.command_context import CommandContext, CommandResult, case_not_found
from infra.proposer_links import LinkHolder, NewLink, new_link
from infra.services import Services as ServiceGraph

router = APIRouter(tags=["proposer"])
commands = CaseCommands(tag="proposer")
commands.command(
    "/proposer-links/{link_id}/revoke", ProposerLinkRevoke, Office, "revoke_proposer_link"
)


def link_url(svc: ServiceGraph, request: Request, token: str) -> str:
    """The page the link opens (``/p/<token>``), under ``BANLI_PUBLIC_URL`` when set."""
    base = svc.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/p/{token}"


@router.post(
    "/v1/cases/{case_id}/proposer-links",
    status_code=201,
    response_model=ProposerLinkAnswer,
    name="create_proposer_link",
)
def create_proposer_link(
    request: Request, case_id: str, body: ProposerLinkCreate, who: Office, svc: Services
) -> JSONResponse:
    """R-F4: a personal link for a proposer of the case; its token is answered this once."""
    result, link = make_link(svc, context(request, who, body), case_id, body)
    fresh = not result.replayed
    found = {
        **result.as_dict(),
        "link_token": link.token if fresh else None,
        "url": link_url(svc, request, link.token) if fresh else None,
        "expires_on": body.expires_on.isoformat(),
    }
    return JSONResponse(found, status_code=201 if fresh else 200)


def make_link(
    svc: ServiceGraph, ctx: CommandContext, case_id: str, body: ProposerLinkCreate
) -> tuple[CommandResult, NewLink]:
    """Records a new link (the API's and the case page's); only its hash is stored, so the
    token in the answer is the one chance to read it."""
    link = new_link()
    command = CreateProposerLink(
        case_id=case_id,
        link_id=link.link_id,
        proposer_name=body.proposer_name,
        expires_on=body.expires_on,
        hashed=link.hashed,
        prefix=link.prefix,
        email=body.email,
    )
    return svc.app.execute(ctx, command), link


def link_holder(request: Request) -> LinkHolder:
    """The holder of a working link named by the ``Authorization`` header (401 otherwise)."""
    header = request.headers.get("authorization")
    token = bearer_token(header) if header is not None else None
    holder = services(request).links.authenticate(token) if token else None
    if holder is None:
        raise ApiProblem(401, "missing, unknown, expired or revoked proposer link")
    return holder


Holder = Annotated[LinkHolder, Depends(link_holder)]


def own_case(holder: LinkHolder, case_id: str) -> str:
    """Only the link's own case: any other is answered as one that does not exist."""
    if case_id != holder.case_id:
        raise case_not_found(case_id)
    return case_id


@router.get("/v1/proposer/cases", response_model=ProposerCases, name="proposer_cases")
def proposer_cases(holder: Holder, svc: Services) -> ProposerCases:
    """The link's proposer's cases: stage, deadlines, the replies issued with their documents,
    and what the proposer said."""
    case = svc.links.case_of(holder)
    at = f"/v1/proposer/cases/{holder.case_id}/documents"
    return ProposerCases(items=[proposer_case(svc.app, case, holder, today(), at)])


class ProposerBody(Fingerprinted, Protocol):
    """What a proposer says through their link: ``command`` names them as its proposer."""

    @property
    def command(self) -> Callable[[str, str], CaseCommand]: ...


class ProposerCommand:
    """A POST of the link's holder on their own case (``/v1/proposer/cases/{case_id}/…``),
    recorded in the proposer's name with ``actor.role = "proposer"``."""

    def __init__(self, body: type[ProposerBody]) -> None:
        keyword = Parameter.KEYWORD_ONLY
        self.__signature__ = Signature(
            [
                Parameter("request", keyword, annotation=Request),
                Parameter("case_id", keyword, annotation=str),
                Parameter("body", keyword, annotation=body),
                Parameter("holder", keyword, annotation=Holder),
            ],
            return_annotation=JSONResponse,
        )

    def __call__(
        self, *, request: Request, case_id: str, body: ProposerBody, holder: LinkHolder
    ) -> JSONResponse:
        command = body.command(own_case(holder, case_id), holder.proposer)
        ctx = context(request, holder.principal(), body)
        return answer(services(request).app.execute(ctx, command))


for path, body, name in (
    ("/feedback", ProposerFeedback, "proposer_feedback"),
    ("/disclosure-preference", ProposerDisclosurePreference, "proposer_disclosure_preference"),
):
    router.add_api_route(
        f"/v1/proposer/cases/{{case_id}}{path}",
        ProposerCommand(body),
        methods=["POST"],
        name=name,
        status_code=201,
        responses=ANSWERS,
        description=body.__doc__,
    )


@router.get(
    "/v1/proposer/cases/{case_id}/documents/{document_id}",
    name="proposer_document",
    responses={200: {"description": "the file, with its Content-Type and ETag"}},
)
def proposer_document(
    request: Request, case_id: str, document_id: str, holder: Holder, svc: Services
) -> Response:
    """A document of a reply issued to the proposer (nothing the units keep for themselves)."""
    own_case(holder, case_id)
    case = svc.links.case_of(holder)
    return document_file(svc.documents, issued_document(svc.app, case, document_id), request)


@router.get("/v1/cases/{case_id}/notices", response_model=CaseNotices, name="case_notices")
def case_notices(case_id: str, who: Reader, svc: Services) -> CaseNotices:
    """Who was told what about the case (a reply issued, a deadline due soon or overdue) and
    which channels (e-mail, webhook) accepted it: for the case timeline."""
    return queries.notices(svc, who, case_id)


include(router, commands)
