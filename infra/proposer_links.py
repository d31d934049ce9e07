"""Proposer links (R-F4): making a link's token, and finding the link a token opens.

Like a user's token, a link's token is answered once and only its SHA-256 is stored. Finding
the link is one lookup of its immutable grant (remembered), then its case is read from the
store on every request (never the command cache), so a revocation through any worker counts
at once on all of them, and a link stops working the day after its ``expires_on``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.case import Case
from domain.directory import TOKEN_PREFIX_LENGTH, token_hash
from domain.errors import NotFound
from domain.proposer_links import ProposerLinkGrant
from infra.application import BanliApplication
from infra.clock import Clock, china_date, utc_now
from infra.directory import GRANT_MEMORY, Principal, well_formed_secret

# Link tokens say what they are, so a support desk (or a log redactor) can tell one at a glance.
TOKEN_MARK = "pl_"


@dataclass(frozen=True)
class NewLink:
    token: str  # answered once, to the office; never stored
    link_id: str
    hashed: str
    prefix: str


@dataclass(frozen=True)
class LinkHolder:
    """Whoever holds a working link: one proposer, for one case."""

    link_id: str
    case_id: str
    proposer: str
    expires_on: date

    def principal(self) -> Principal:
        """Events recorded through the link name the proposer's role and the link (R-X1)."""
        return Principal(f"proposer-link:{self.link_id}", "proposer", None, self.proposer)


def new_link() -> NewLink:
    token = TOKEN_MARK + secrets.token_urlsafe(32)
    return NewLink(token, secrets.token_hex(6), token_hash(token), token[:TOKEN_PREFIX_LENGTH])


class ProposerLinks:
    def __init__(self, app: BanliApplication, clock: Clock = utc_now) -> None:
        self.app = app
        self.clock = clock
        self._grants: dict[str, tuple[str, str]] = {}  # token hash → (case id, link id)

    def authenticate(self, token: str) -> LinkHolder | None:
        """The link a token opens, if it works today; None for any other string."""
        if not well_formed_secret(token) or not token.startswith(TOKEN_MARK):
            return None
        hashed = token_hash(token)
        found = self._grant(hashed)
        if found is None:
            return None
        case_id, link_id = found
        try:
            case = self.app.get_case(case_id)
        except NotFound:
            return None
        link = case.proposer_links.get(link_id)
        if link is None or link.hashed != hashed:
            return None
        if link.status(china_date(self.clock())) != "live":
            return None
        return LinkHolder(link_id, str(case.id), link.proposer, link.expires_on)

    def case_of(self, holder: LinkHolder) -> Case:
        """The holder's case, read from the store now."""
        return self.app.get_case(holder.case_id)

    def _grant(self, hashed: str) -> tuple[str, str] | None:
        known = self._grants.get(hashed)
        if known is not None:
            return known
        try:
            grant: Any = self.app.repository.get(ProposerLinkGrant.create_id(hashed))
        except AggregateNotFoundError:
            return None
        if not isinstance(grant, ProposerLinkGrant):
            return None
        if len(self._grants) >= GRANT_MEMORY:
            self._grants.clear()
        self._grants[hashed] = (grant.case_id, grant.link_id)
        return self._grants[hashed]
