"""Response schemas of one case (API.md ``GET /v1/cases/{id}``): its state, replies and
deadlines as of a day.

Fields are declared in the order the answer has always listed them; values the domain checks
against a closed vocabulary are that vocabulary's ``Literal``, so the OpenAPI document lists them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from api.schemas import Public
from domain.deadlines.status import DeadlineStatus
from domain.vocabulary import (
    Classification,
    DeadlineKind,
    DisclosureOption,
    DisclosureStatus,
    DocumentKind,
    FeedbackSource,
    Finding,
    KeySource,
    Kind,
    Level,
    LinkStatus,
    PolicyName,
    ProposerRole,
    ProposerType,
    ReplyStatus,
    Stage,
    Verdict,
)


class ProposerPublic(Public):
    name: str
    type: ProposerType
    role: ProposerRole


class ResponsibilityPublic(Public):
    """Who in a unit answers for its part of the case (its 责任分解表 row), as last recorded."""

    unit: str
    unit_leader: str  # 分管负责同志
    handler: str  # 承办人
    phone: str  # 联系电话
    occurred_on: date


class CoOpinionPublic(Public):
    """A co unit's opinion to the lead (R-D1), as last corrected; ``version`` is its event."""

    unit: str
    summary: str
    disclosure_opinion: DisclosureOption  # R-P1: what the unit advises for the reply
    occurred_on: date
    version: int


class ReplyPublic(Public):
    reply_id: str
    unit: str
    classification: Classification
    disclosure: DisclosureOption
    withheld_reason: str | None
    # What it says and its consultation form (R-C3): what a leader approves (R-R2)
    summary: str
    consultation_form_ref: str
    status: ReplyStatus
    recipients: list[str]
    copies: list[str]
    further: bool  # a further reply after dissatisfaction (R-F2)
    submitted_on: date
    # R-R2: the leader's decision (approved, or returned to be redone) and its note
    leader: str | None
    decided_on: date | None
    decision_note: str | None
    issued_on: date | None
    document_number: str | None
    document_id: str | None  # its letter (答复函), for the public register to link


class FeedbackPublic(Public):
    verdict: Verdict
    comments: str
    occurred_on: date
    on_further_reply: bool
    version: int
    source: FeedbackSource  # R-F4: through their own link, or keyed in by the office
    proposer: str | None


class DisclosurePublic(Public):
    """A reply published on the portal, or withheld with a reason (R-P1 … R-P5)."""

    status: DisclosureStatus
    published_on: date | None
    withheld_on: date | None
    url: str | None
    include_original: bool
    secrecy_review_ref: str | None
    withheld_reason: str | None
    # R-P2 after publishing (an addition to API.md): the day a reply its proposers came to
    # refuse was taken down, and where from (登记撤下); None while it is not.
    taken_down_on: date | None = None
    taken_down_from: str | None = None


class DisclosureReviewPublic(Public):
    """The office's latest review of a reply before it is published (R-P3)."""

    approved: bool
    secrecy_review_ref: str | None
    note: str
    occurred_on: date


class MergeAnswerPublic(Public):
    case_id: str
    number: str
    reply_id: str
    unit: str
    classification: Classification
    document_number: str
    issued_on: date


class MergePublic(Public):
    """R-M1: the cases answered by one reply; the primary's reply, once issued."""

    merge_id: str
    case_ids: list[str]
    numbers: list[str]
    proposers: list[ProposerPublic]
    primary_case_id: str
    occurred_on: date
    answered_by: MergeAnswerPublic | None


class DeadlinePublic(Public):
    """One deadline of the case with its status as of the day asked (R-D1 … R-D8)."""

    kind: DeadlineKind
    unit: str | None
    opened_on: date
    due_on: date
    met_on: date | None
    missed_on: date | None
    status: DeadlineStatus
    days_overdue: int
    calendar_provisional: bool
    derivation: str
    original_due_on: date | None  # R-E1: the date an extension replaced
    extended_by: str | None  # R-E1: the extension request that moved it


class ExtensionPublic(Public):
    """A unit's request for more time on one of its deadlines and the decision (R-E1)."""

    request_id: str
    unit: str
    deadline_kind: DeadlineKind
    opened_on: date  # which deadline: the act that opened it
    original_due_on: date
    reason: str
    requested_due_on: date
    occurred_on: date
    status: Literal["open", "approved", "refused"]
    due_on: date | None  # the date granted
    decided_on: date | None
    note: str | None


class PossibleRepeatPublic(Public):
    """An earlier year's case found alike on registration (R-S4), and the office's verdict."""

    case_id: str
    number: str
    year: int
    score: float  # Dice over character bigrams of title and text, 0 to 1
    status: Literal["suggested", "confirmed", "dismissed"]
    note: str | None
    reviewed_on: date | None


class DocumentPublic(Public):
    """A file on the case; its bytes at ``/v1/cases/{id}/documents/{document_id}``."""

    document_id: str
    kind: DocumentKind
    reply_id: str | None
    name: str
    content_type: str
    sha256: str
    size: int
    occurred_on: date


class ProposerLinkPublic(Public):
    """A proposer's personal link (R-F4) as the office sees it: never its token."""

    link_id: str
    proposer_name: str
    prefix: str
    expires_on: date
    email: str | None
    created_on: date
    revoked_on: date | None
    status: LinkStatus


class ReassignmentRequestPublic(Public):
    """A unit's request to be relieved of the case (改办, R-A3) and what became of it."""

    request_id: str
    unit: str
    reason: str
    occurred_on: date
    status: Literal["open", "approved", "rejected", "superseded_by_ruling"]


class RulingRecommendationPublic(Public):
    """R-A2: the office's recommendation for a third assignment, which a leader rules on."""

    lead_unit: str
    co_units: list[str]
    note: str
    occurred_on: date
    restart_deadlines: bool = False  # R-A4 (an addition to API.md)


class CasePublic(Public):
    case_id: str
    number: str
    kind: Kind
    level: Level
    year: int
    title: str
    text: str  # the suggestion's own words (its summary or original text), searched too
    stage: Stage
    policy: PolicyName
    reference: bool
    key: bool
    key_source: KeySource | None
    leader_in_charge: str | None
    lead_unit: str | None
    co_units: list[str]
    split_units: list[str]
    assignment_rounds: int
    assigned_on: date | None
    # Since when each unit on the case has had it, by unit: a unit 改办 or a 裁定 brought in
    # acts from that day (R-X1; an addition)
    joined_on: dict[str, date]
    ruling_recommendation: RulingRecommendationPublic | None  # R-A2, the office's
    reassignment_requests: list[ReassignmentRequestPublic]  # R-A3, in the order asked
    # Who answers for each unit's part, the units on the case now, in their order (an addition)
    responsibilities: list[ResponsibilityPublic]
    co_opinions: list[CoOpinionPublic]  # R-D1: each co unit's, in the order given
    proposers: list[ProposerPublic]
    reply_recipients: list[str]  # R-C4: whom a reply goes to, and who may have a link (R-F4)
    replies: list[ReplyPublic]
    feedback: list[FeedbackPublic]
    disclosures: dict[str, DisclosurePublic]  # by reply id
    disclosure_reviews: dict[str, DisclosureReviewPublic]  # R-P3: the latest, by reply id
    merge: MergePublic | None
    under_supervision: bool
    closed_out_on: date | None
    reassessment_findings: list[Finding]  # R-Rv1: by the latest issued reply's class
    deadlines: list[DeadlinePublic]
    extensions: list[ExtensionPublic]
    possible_repeats: list[PossibleRepeatPublic]

    documents: list[DocumentPublic]
    proposer_links: list[ProposerLinkPublic]
    version: int

    @property
    def units(self) -> list[str]:
        """Every unit with a part in the case, the lead first, as the domain's ``Case.units``
        lists them (the case page's 责任分解 line and the office's choice of a unit)."""
        lead = [self.lead_unit] if self.lead_unit else []
        return lead + self.co_units + self.split_units


class CaseFound(Public):
    """A case a search found (API.md v1.1 ``GET /v1/cases?q=``)."""

    case_id: str
    number: str
    year: int
    kind: Kind
    title: str
    stage: Stage


class CaseSearchPage(Public):
    items: list[CaseFound]
    next_cursor: str | None
    # With ``q``: the cases found, at most the 500 a search ranks (an addition); None without.
    total: int | None = None
