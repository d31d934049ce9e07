"""Request and response schemas of the proposer's side (API.md v1.1; DOMAIN.md R-F4) and of
documents on a case.

What a proposer reads is their own case through their own eyes: its stage, deadlines and the
replies issued to them with their documents, their own feedback and disclosure consent; never
the units' internal notes, the other proposers' verdicts or a link's token.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from api.deps import UnitRole
from api.fields import Code, Day, Flag, Name, Text
from api.schemas import Body, EventRef, Public
from domain import commands as c
from domain.deadlines.status import DeadlineStatus
from domain.vocabulary import (
    Classification,
    DeadlineKind,
    DocumentKind,
    Kind,
    Stage,
    Verdict,
)


class ProposerLinkCreate(Body):
    """R-F4: a personal link for a proposer of the case (every deputy of a joint suggestion,
    the lead of a proposal, R-C4), working until ``expires_on``. ``email``, if given, is where
    the proposer is told of a reply issued to them."""

    proposer_name: Annotated[Name, Field(min_length=1)]
    expires_on: Day
    email: Name | None = None


class ProposerLinkRevoke(Body):
    """The link stops working at once, on every worker."""

    reason: Annotated[Text, Field(min_length=1)]

    def command(self, case_id: str, link_id: str) -> c.RevokeProposerLink:
        return c.RevokeProposerLink(case_id=case_id, link_id=link_id, reason=self.reason)


class ProposerLinkAnswer(Public):
    """The link's token is answered once (an idempotent replay answers it as null)."""

    case_id: str
    version: int
    events: list[EventRef]
    link_id: str
    link_token: str | None
    url: str | None
    expires_on: date


class ProposerFeedback(Body):
    """The proposer's verdict on the reply (R-F1, R-F4), recorded with ``source: proposer``."""

    verdict: Verdict
    comments: Text = ""
    occurred_on: Day

    def command(self, case_id: str, proposer: str) -> c.RecordFeedback:
        return c.RecordFeedback(
            case_id=case_id,
            verdict=self.verdict,
            occurred_on=self.occurred_on,
            comments=self.comments,
            proposer=proposer,
        )


class ProposerDisclosurePreference(Body):
    """Whether the proposer agrees to publishing the reply and their original text (R-P2,
    R-P4), in their own name."""

    consent_reply: Flag
    consent_original: Flag
    occurred_on: Day

    def command(self, case_id: str, proposer: str) -> c.RecordDisclosurePreference:
        return c.RecordDisclosurePreference(
            case_id=case_id,
            consent_reply=self.consent_reply,
            consent_original=self.consent_original,
            occurred_on=self.occurred_on,
            proposer=proposer,
        )


class DocumentUpload(Body):
    """What an upload's idempotency key is bound to (the form fields and the file's hash)."""

    kind: DocumentKind
    occurred_on: date
    reply_id: Code | None
    name: str
    sha256: str


class DocumentAnswer(Public):
    case_id: str
    version: int
    events: list[EventRef]
    document_id: str
    sha256: str
    size: int


class ProposerDocument(Public):
    document_id: str
    kind: DocumentKind
    name: str
    content_type: str
    size: int
    sha256: str
    url: str  # with the link as bearer token


class ProposerReply(Public):
    reply_id: str
    unit: str
    unit_name: str
    classification: Classification
    further: bool  # a further reply after dissatisfaction (R-F2)
    issued_on: date
    document_number: str | None
    documents: list[ProposerDocument]
    merge_primary: str | None = None  # R-M1: the merge's reply, carried by this case number
    # What the reply says in brief (the unit's summary), which the proposer judges; and where
    # it was published, when it was (R-P1).
    summary: str = ""
    published_on: date | None = None
    published_url: str | None = None
    withheld: bool = False  # R-P5: not to be published (its reason stays the office's)
    # R-P1: marked 依申请公开 and neither published nor withheld: given to whoever asks for it,
    # not put on the register (no 答复公开 deadline is owed).
    on_request: bool = False
    # R-P2 after publishing (an addition to API.md): the day the reply the proposers came to
    # refuse was recorded as taken down, and where from (登记撤下).
    taken_down_on: date | None = None
    taken_down_from: str | None = None


class ProposerDeadline(Public):
    kind: DeadlineKind
    unit: str | None
    unit_name: str | None
    due_on: date
    status: DeadlineStatus
    days_overdue: int
    original_due_on: date | None  # R-E1: the date an extension replaced
    # R-D7: counted without the year's official holiday schedule (it may still move)
    calendar_provisional: bool = False


class ProposerUnit(Public):
    """A unit handling the case and, once it recorded them, who answers for its part and the
    number to call (its 责任分解表 row, which the unit sends the proposer: seed 003 §三)."""

    unit: str
    unit_name: str
    role: UnitRole
    unit_leader: str | None
    handler: str | None
    phone: str | None


class ProposerVerdict(Public):
    verdict: Verdict
    comments: str
    occurred_on: date
    on_further_reply: bool = False  # R-F2: on a further reply (an addition to API.md)


class ProposerConsent(Public):
    consent_reply: bool
    consent_original: bool
    occurred_on: date


class ProposerCase(Public):
    case_id: str
    number: str
    kind: Kind
    year: int
    title: str
    stage: Stage
    proposer_name: str  # whose link this is
    proposers: list[str]
    link_expires_on: date
    units: list[ProposerUnit]  # an addition: who handles it, and whom to call
    deadlines: list[ProposerDeadline]
    replies: list[ProposerReply]
    feedback: list[ProposerVerdict]  # this proposer's own verdicts
    # An addition (R-F4): the verdicts the office keyed in for the case's proposers, in order.
    office_feedback: list[ProposerVerdict] = Field(default_factory=list)
    feedback_open: bool  # whether a verdict can be given now (R-F1, R-F2)
    # Whether this proposer's verdicts include one on the latest reply (an addition): after a
    # further reply, the earlier ones were on the reply before.
    answered_latest_reply: bool = False
    # R-F2 with R-C4: the re-handling under way answers another proposer's 不满意, not this
    # one's (an addition): a co-signer who was satisfied read that work went on for them.
    rehandling_for_another: bool = False
    disclosure_preference: ProposerConsent | None  # this proposer's own latest word
    # An addition (R-P2): whether any proposer's latest word refuses publishing the reply.
    disclosure_refused: bool = False


class ProposerCases(Public):
    items: list[ProposerCase]


class DeliveryPublic(Public):
    channel: str  # email | webhook
    delivered_at: str


class NoticePublic(Public):
    """A notice about the case: who was told what, and which channels accepted it."""

    notice_id: str
    topic: str  # reply_issued | due_soon | overdue | rehandling | reminded | extension_decided |
    # weekly_digest
    audience: str  # proposer | unit | office
    recipient: str  # the link id, the unit's code, or "office"
    email: str | None
    case_id: str | None
    number: str | None
    subject: str
    body: str
    noticed_on: date
    deliveries: list[DeliveryPublic]


class CaseNotices(Public):
    items: list[NoticePublic]
