"""The bodies of a case's events about the proposer's own voice (R-F4: personal links) and its
documents. ``domain.case`` declares them as events."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.records import Actor, Document, ProposerLink

if TYPE_CHECKING:
    from domain.case import Case


def proposer_link_created(
    self: Case,
    *,
    link_id: str,
    proposer: str,
    hashed: str,
    prefix: str,
    expires_on: date,
    email: str | None,
    actor: Actor,
    occurred_on: date,
) -> None:
    self.proposer_links[link_id] = ProposerLink(
        link_id, proposer, hashed, prefix, expires_on, email, occurred_on, self.event_version
    )


def proposer_link_revoked(
    self: Case, *, link_id: str, reason: str, actor: Actor, occurred_on: date
) -> None:
    link = self.proposer_links[link_id]
    link.revoked_on = occurred_on
    link.revoke_reason = reason


def document_attached(
    self: Case,
    *,
    document_id: str,
    kind: str,
    reply_id: str | None,
    name: str,
    content_type: str,
    sha256: str,
    size: int,
    actor: Actor,
    occurred_on: date,
) -> None:
    self.documents[document_id] = Document(
        document_id,
        kind,
        name,
        content_type,
        sha256,
        size,
        reply_id,
        occurred_on,
        self.event_version,
    )
