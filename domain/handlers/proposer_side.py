"""Handlers of the proposer's own voice (R-F4: personal links) and of documents. Each checks
the rules, then records one event on the case."""

from __future__ import annotations

from domain import commands as c
from domain.case import Case
from domain.checks import check_name, check_text
from domain.commands import Acting
from domain.handlers.handling import new_item_id
from domain.rules import accountability, proposer_side


def create_proposer_link(case: Case, cmd: c.CreateProposerLink, acting: Acting) -> str:
    proposer = proposer_side.check_link_proposer(case, cmd.proposer_name)
    case.proposer_link_created(
        link_id=check_text(cmd.link_id, "link_id"),
        proposer=proposer,
        hashed=check_text(cmd.hashed, "hashed"),
        prefix=check_text(cmd.prefix, "prefix"),
        expires_on=proposer_side.check_link_expiry(cmd.expires_on, acting.today),
        email=proposer_side.check_email(cmd.email),
        **acting.on(acting.today),
    )
    return cmd.link_id


def revoke_proposer_link(case: Case, cmd: c.RevokeProposerLink, acting: Acting) -> None:
    link = proposer_side.live_link(case, cmd.link_id)
    case.proposer_link_revoked(
        link_id=link.link_id,
        reason=check_text(cmd.reason, "reason"),
        **acting.on(acting.today),
    )


def attach_document(case: Case, cmd: c.AttachDocument, acting: Acting) -> str:
    kind = proposer_side.check_document(case, cmd.kind, cmd.reply_id, cmd.sha256, cmd.size)
    accountability.check_not_future(cmd.occurred_on, acting.today)
    accountability.check_not_before(cmd.occurred_on, case.received_on, "收到日期 received date")
    accountability.check_handler_after_joining(case, acting.actor, cmd.occurred_on)
    document_id = new_item_id()
    case.document_attached(
        document_id=document_id,
        kind=kind,
        reply_id=cmd.reply_id,
        name=check_name(cmd.name, "name"),
        content_type=check_text(cmd.content_type, "content_type"),
        sha256=cmd.sha256,
        size=cmd.size,
        **acting.on(cmd.occurred_on),
    )
    return document_id
