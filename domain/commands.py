"""The commands of API.md § Case commands, one small frozen dataclass each.

A route (or the demo, or an import) builds one; ``domain.handlers`` maps its type to the
aggregate method that checks the rules and records the event. Values arrive typed; the domain
still checks what the rules say about them (non-empty text, closed vocabularies, dates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from domain.deadlines.calendar import WorkdayCalendar
from domain.records import Actor, Person, Proposer


@dataclass(frozen=True)
class Acting:
    """Who runs a command, on which day (R-X1: no business date after it), and the working-day
    calendar in force, read only by the commands whose rules depend on a due date."""

    actor: Actor
    today: date
    calendar: Callable[[], WorkdayCalendar] = WorkdayCalendar


@dataclass(frozen=True)
class CaseCommand:
    """A command on one existing case."""

    case_id: str
    # The id field a command answers with, when it creates an item (a reply, a request).
    answers: ClassVar[str | None] = None


@dataclass(frozen=True)
class RegisterCase:
    number: str
    kind: str
    level: str
    year: int
    title: str
    proposers: tuple[Proposer, ...]
    received_on: date
    text: str = ""  # the suggestion's own words (its summary or original text), searched too


@dataclass(frozen=True)
class Assign(CaseCommand):
    assigned_on: date
    lead_unit: str | None = None
    co_units: tuple[str, ...] = ()
    split_units: tuple[str, ...] = ()
    reference: bool = False
    policy: str | None = None


@dataclass(frozen=True)
class RequestReassignment(CaseCommand):
    answers: ClassVar[str | None] = "request_id"
    unit: str
    reason: str
    occurred_on: date


@dataclass(frozen=True)
class DecideReassignment(CaseCommand):
    request_id: str
    approved: bool
    note: str
    occurred_on: date
    lead_unit: str | None = None
    co_units: tuple[str, ...] = ()
    restart_deadlines: bool = False


@dataclass(frozen=True)
class RuleOnAssignment(CaseCommand):
    leader: str
    lead_unit: str
    note: str
    occurred_on: date
    co_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class DesignateKey(CaseCommand):
    source: str
    occurred_on: date
    leader_in_charge: str | None = None


@dataclass(frozen=True)
class RecordContact(CaseCommand):
    unit: str
    phase: str
    channel: str
    contacted_by: Person
    person: str
    reached: bool
    summary: str
    occurred_on: date


@dataclass(frozen=True)
class RecordVisit(CaseCommand):
    unit: str
    organised_by: str
    visitors: tuple[Person, ...]
    persons: tuple[str, ...]
    summary: str
    proposer_opinion: str
    occurred_on: date


@dataclass(frozen=True)
class RecordVisitDeclined(CaseCommand):
    unit: str
    note: str
    occurred_on: date


@dataclass(frozen=True)
class RecordOnSiteHandling(CaseCommand):
    unit: str
    proposer_present: bool
    summary: str
    occurred_on: date


@dataclass(frozen=True)
class RecordDisclosurePreference(CaseCommand):
    consent_reply: bool
    consent_original: bool
    occurred_on: date
    proposer: str | None = None  # R-F4: the proposer speaking through their own link


@dataclass(frozen=True)
class RecordCoOpinion(CaseCommand):
    unit: str
    summary: str
    disclosure_opinion: str
    occurred_on: date


@dataclass(frozen=True)
class SubmitReply(CaseCommand):
    answers: ClassVar[str | None] = "reply_id"
    unit: str
    classification: str
    consultation_form_ref: str
    summary: str
    occurred_on: date
    disclosure: str | None = None  # unmarked means proactive (R-P1)
    withheld_reason: str | None = None


@dataclass(frozen=True)
class DecideReply(CaseCommand):
    reply_id: str
    approved: bool
    leader: str
    note: str
    occurred_on: date


@dataclass(frozen=True)
class IssueReply(CaseCommand):
    reply_id: str
    document_number: str
    occurred_on: date
    override_reason: str | None = None


@dataclass(frozen=True)
class ReviewDisclosure(CaseCommand):
    """R-P3: the office's review of an issued reply before it is published."""

    reply_id: str
    approved: bool
    note: str
    occurred_on: date
    secrecy_review_ref: str | None = None


@dataclass(frozen=True)
class PublishReply(CaseCommand):
    reply_id: str
    published_on: date
    url: str
    include_original: bool = False
    secrecy_review_ref: str | None = None


@dataclass(frozen=True)
class WithholdReply(CaseCommand):
    reply_id: str
    withheld_reason: str
    occurred_on: date


@dataclass(frozen=True)
class RecordFeedback(CaseCommand):
    verdict: str
    occurred_on: date
    comments: str = ""
    proposer: str | None = None  # R-F4: the proposer speaking through their own link


@dataclass(frozen=True)
class RecordFollowUpCall(CaseCommand):
    summary: str
    occurred_on: date


@dataclass(frozen=True)
class Remind(CaseCommand):
    means: str
    note: str
    occurred_on: date


@dataclass(frozen=True)
class Reassess(CaseCommand):
    finding: str
    note: str
    occurred_on: date


@dataclass(frozen=True)
class CloseOut(CaseCommand):
    note: str
    occurred_on: date


@dataclass(frozen=True)
class RequestExtension(CaseCommand):
    """R-E1: a unit asks for more time on one of its deadlines, before it passes."""

    answers: ClassVar[str | None] = "request_id"
    unit: str
    deadline_kind: str  # reply | co_opinion | rehandling
    reason: str
    requested_due_on: date
    occurred_on: date


@dataclass(frozen=True)
class DecideExtension(CaseCommand):
    """R-E1: the office grants a date (by default the one asked for) or refuses."""

    request_id: str
    approved: bool
    note: str
    occurred_on: date
    due_on: date | None = None


@dataclass(frozen=True)
class ReviewRepeat(CaseCommand):
    """R-S4: the office confirms (it joins the key ledger) or dismisses a possible repeat."""

    of_case_id: str
    confirmed: bool
    note: str
    occurred_on: date


@dataclass(frozen=True)
class CreateProposerLink(CaseCommand):
    """R-F4: the office gives a proposer a personal link. Its token is made (and hashed) by the
    caller: the domain sees only the hash, and the grant that finds the case from it."""

    answers: ClassVar[str | None] = "link_id"
    link_id: str
    proposer_name: str
    expires_on: date
    hashed: str
    prefix: str
    email: str | None = None


@dataclass(frozen=True)
class RevokeProposerLink(CaseCommand):
    link_id: str
    reason: str


@dataclass(frozen=True)
class AttachDocument(CaseCommand):
    """A file on the case, stored apart by its SHA-256 (which the event keeps)."""

    answers: ClassVar[str | None] = "document_id"
    kind: str
    name: str
    content_type: str
    sha256: str
    size: int
    occurred_on: date
    reply_id: str | None = None


@dataclass(frozen=True)
class Correct(CaseCommand):
    """R-X2: amends fields of the event at ``version`` on this case."""

    version: int
    reason: str
    corrected: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MergeCases:
    """R-M1: several cases answered by one reply; the first listed is the primary."""

    case_ids: tuple[str, ...]
    occurred_on: date
