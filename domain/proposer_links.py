"""The grant that finds a proposer's personal link (R-F4) from its token.

A link's state (who, until when, revoked?) lives on its case (``ProposerLinkCreated``,
``ProposerLinkRevoked``), so the case's history shows who was given a link and when. The grant
binds the SHA-256 of the token to that case and link; its id derives from the hash, so finding
a link is one lookup by id. It never changes, so it may be remembered; whether the link still
works is read from the case on every request.
"""

from __future__ import annotations

import uuid

from eventsourcing.domain import event

from domain.found_by_hash import FoundByHash
from domain.records import Actor

LINK_NAMESPACE = uuid.UUID("0c7d3f4e-2a61-4b8e-9f15-70726f706f73")


class ProposerLinkGrant(FoundByHash):
    """Binds the SHA-256 of a proposer's link token to its case and link (R-F4)."""

    id_namespace = LINK_NAMESPACE
    id_prefix = "proposer-link"

    @event("ProposerLinkGranted")
    def __init__(self, *, hashed: str, case_id: str, link_id: str, actor: Actor) -> None:
        self.hashed = hashed
        self.case_id = case_id
        self.link_id = link_id
