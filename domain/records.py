"""The typed records a case holds: what each event leaves behind in the case's state.

Events still carry plain values (that is what is stored, and old events must keep decoding);
each event's body turns them into one of these records. ``version`` is the version of the
event that made the record, so a correction (R-X2) can name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict


class Actor(TypedDict):
    """Who did it (R-X1): the user, the role they acted in, and a handler's unit."""

    user: str
    role: str
    unit: str | None


@dataclass
class Person:
    name: str
    rank: str


@dataclass
class Proposer:
    name: str
    type: str  # deputy | member | unit
    role: str  # lead | co_signer


@dataclass
class ReassignmentRequest:
    request_id: str
    unit: str
    reason: str
    status: str  # open | approved | rejected | superseded_by_ruling
    occurred_on: date


@dataclass
class RulingRecommendation:
    """R-A2: the office's recommendation to the leader in charge, for a third assignment."""

    lead_unit: str
    co_units: list[str]
    note: str
    occurred_on: date
    restart_deadlines: bool = False  # R-A4: proposed that the deadlines run anew


@dataclass
class KeyDesignation:
    source: str
    leader_in_charge: str | None
    on: date


@dataclass
class Contact:
    unit: str
    phase: str
    channel: str
    contacted_by: Person
    person: str
    reached: bool
    summary: str
    occurred_on: date
    version: int


@dataclass
class Visit:
    unit: str
    organised_by: str
    visitors: list[Person]
    persons: list[str]
    summary: str
    proposer_opinion: str
    occurred_on: date
    version: int


@dataclass
class DeclinedVisit:
    unit: str
    note: str
    occurred_on: date
    version: int


@dataclass
class Responsibility:
    """Who in a unit answers for its part of a case (seed 003 §三, the "3+1" division of
    responsibility that its 责任分解表 records): the unit's leader in charge (分管负责同志), the
    person handling it (承办人) and the number the proposer may call (联系电话)."""

    unit: str
    unit_leader: str
    handler: str
    phone: str
    occurred_on: date
    version: int


@dataclass
class OnSiteHandling:
    unit: str
    proposer_present: bool
    summary: str
    occurred_on: date
    version: int


@dataclass
class DisclosurePreference:
    consent_reply: bool
    consent_original: bool
    occurred_on: date
    # R-F4: the proposer who said it through their own link; None when a unit or the office
    # recorded what the proposers told them.
    proposer: str | None = None


@dataclass
class CoOpinion:
    unit: str
    summary: str
    disclosure_opinion: str
    occurred_on: date
    version: int


@dataclass
class Reply:
    reply_id: str
    unit: str
    classification: str
    disclosure: str
    withheld_reason: str | None
    consultation_form_ref: str
    summary: str
    further: bool  # a further reply after dissatisfaction (R-F2)
    submitted_on: date
    version: int
    status: str = "submitted"  # submitted | returned | approved | issued | superseded (R-A3)
    approved_on: date | None = None
    returned_on: date | None = None
    leader: str | None = None
    decision_note: str | None = None
    issued_on: date | None = None
    document_number: str | None = None
    override_reason: str | None = None
    recipients: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    issued_version: int | None = None  # the event that issued it: a correction names it (R-X2)

    @property
    def issued(self) -> bool:
        return self.status == "issued"


@dataclass
class Disclosure:
    """A reply published on the portal, or withheld with a reason (R-P1 … R-P5)."""

    status: str  # published | withheld
    published_on: date | None = None
    withheld_on: date | None = None
    url: str | None = None
    include_original: bool = False
    secrecy_review_ref: str | None = None
    withheld_reason: str | None = None
    version: int | None = None  # the event that published or withheld it (R-X2)
    # R-P2 after publishing: the day the office (or the unit) took a reply its proposers had
    # come to refuse down from where it was published, and where that was (登记撤下).
    taken_down_on: date | None = None
    taken_down_from: str | None = None


@dataclass
class ExtensionRequest:
    """A unit asking for more time on one of its deadlines (R-E1), and the office's decision."""

    request_id: str
    unit: str
    deadline_kind: str  # reply | co_opinion | rehandling
    opened_on: date  # which deadline: the act that opened it
    original_due_on: date
    reason: str
    requested_due_on: date
    occurred_on: date
    status: str  # open | approved | refused
    due_on: date | None = None  # the date granted
    decided_on: date | None = None
    note: str | None = None


@dataclass
class DisclosureReview:
    """The office's review of a reply before it is published (R-P3), with any secrecy review."""

    approved: bool
    secrecy_review_ref: str | None
    note: str
    occurred_on: date
    version: int


@dataclass(frozen=True)
class Closing:
    """The case closed (办结) on ``on`` by the event at ``version``; a dissatisfied verdict
    reopens it (R-F2)."""

    on: date
    version: int


@dataclass
class Feedback:
    verdict: str
    comments: str
    occurred_on: date
    on_further_reply: bool
    version: int
    # R-F4: who gave it. The proposer through their own link, or the office keying it in
    # (every verdict recorded before proposers had links was the office's).
    source: str = "office"
    proposer: str | None = None


def after_verdict(on: date, version: int, verdict: Feedback) -> bool:
    """Whether what happened ``on`` (recorded as ``version``) came after ``verdict`` (R-F2,
    R-D3): a later day, or its day and recorded after it."""
    return on > verdict.occurred_on or (on == verdict.occurred_on and version > verdict.version)


@dataclass
class ProposerLink:
    """A proposer's personal link to their case (R-F4). Only the SHA-256 of its token is kept:
    the token itself was answered once, to the office that made the link."""

    link_id: str
    proposer: str
    hashed: str
    prefix: str  # the token's first characters, so the office can tell links apart
    expires_on: date  # the last day it works (Asia/Shanghai)
    email: str | None  # where notices to the proposer go (a reply issued), if given
    created_on: date
    version: int
    revoked_on: date | None = None
    revoke_reason: str | None = None

    def status(self, today: date) -> str:
        if self.revoked_on is not None:
            return "revoked"
        return "live" if today <= self.expires_on else "expired"


@dataclass
class Document:
    """A file on the case: the bytes are stored apart, once per SHA-256; the event keeps the
    hash, so a file that no longer hashes to it is found like a changed event."""

    document_id: str
    kind: str
    name: str
    content_type: str
    sha256: str
    size: int
    reply_id: str | None  # the reply it belongs to (a reply letter), if any
    occurred_on: date
    version: int


@dataclass
class FollowUpCall:
    summary: str
    occurred_on: date
    version: int


@dataclass
class Reminder:
    means: str
    note: str
    occurred_on: date
    version: int


@dataclass
class Reassessment:
    classification: str
    finding: str
    note: str
    occurred_on: date
    version: int


@dataclass
class MergeAnswer:
    """The merge's one reply, issued on its primary case (R-M1)."""

    case_id: str
    number: str
    reply_id: str
    unit: str
    classification: str
    document_number: str
    issued_on: date


@dataclass
class Merge:
    merge_id: str
    case_ids: list[str]
    numbers: list[str]
    proposers: list[Proposer]
    primary_case_id: str
    occurred_on: date
    answered_by: MergeAnswer | None = None


@dataclass
class Correction:
    corrects_version: int
    corrects_type: str
    reason: str
    corrected: dict[str, Any]
    version: int


@dataclass(frozen=True)
class Recorded:
    """Who recorded the event of a version, and its type: R-X2 lets them (or the office)
    correct it."""

    actor: Actor
    event_type: str


@dataclass
class PossibleRepeat:
    """An earlier year's case found alike on registration (R-S4), and the office's verdict."""

    case_id: str
    number: str
    year: int
    score: float
    status: str = "suggested"  # suggested | confirmed | dismissed
    note: str | None = None
    reviewed_on: date | None = None


def person(data: Any) -> Person:
    """A person as an event stores it (a mapping)."""
    return Person(name=str(data["name"]), rank=str(data["rank"]))


def proposer(data: Any) -> Proposer:
    return Proposer(name=str(data["name"]), type=str(data["type"]), role=str(data["role"]))
