"""The commands of API.md § Case commands, one small frozen dataclass each.

A route (or the demo, or an import) builds one; ``domain.handlers`` maps its type to the
aggregate method that checks the rules and records the event. Values arrive typed; the domain
still checks what the rules say about them (non-empty text, closed vocabularies, dates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, TypedDict

from domain.deadlines.calendar import WorkdayCalendar
from domain.records import Actor, Person, Proposer


class Stamp(TypedDict):
    """What every event of a case records besides its own fields (R-X1): who, and the business
    date the act happened on."""

    actor: Actor
    occurred_on: date


@dataclass(frozen=True)
class Acting:
    """Who runs a command, on which day (R-X1: no business date after it), and the working-day
    calendar in force, read only by the commands whose rules depend on a due date."""

    actor: Actor
    today: date
    calendar: Callable[[], WorkdayCalendar] = WorkdayCalendar

    def on(self, occurred_on: date) -> Stamp:
        """The stamp of an event recording an act of ``occurred_on`` by this actor."""
        return Stamp(actor=self.actor, occurred_on=occurred_on)


@dataclass(frozen=True, kw_only=True)
class CaseCommand:
    """A command on one existing case."""

    case_id: str
    # The id field a command answers with, when it creates an item (a reply, a request).
    answers: ClassVar[str | None] = None


@dataclass(frozen=True, kw_only=True)
class CaseAct(CaseCommand):
    """A command recording an act of a business day (R-X1: never after the day it is recorded)."""

    occurred_on: date


@dataclass(frozen=True, kw_only=True)
class UnitAct(CaseAct):
    """An act of one of the case's units (contact, visit, opinion, reply, a request of it)."""

    unit: str


@dataclass(frozen=True, kw_only=True)
class Decision(CaseAct):
    """A yes or no on something open on the case, with the decider's note."""

    approved: bool
    note: str


@dataclass(frozen=True, kw_only=True)
class RegisterCase:
    number: str
    kind: str
    level: str
    year: int
    title: str
    proposers: tuple[Proposer, ...]
    received_on: date
    text: str = ""  # the suggestion's own words (its summary or original text), searched too


@dataclass(frozen=True, kw_only=True)
class Assign(CaseCommand):
    assigned_on: date
    lead_unit: str | None = None
    co_units: tuple[str, ...] = ()
    split_units: tuple[str, ...] = ()
    reference: bool = False
    policy: str | None = None


@dataclass(frozen=True, kw_only=True)
class RequestReassignment(UnitAct):
    answers: ClassVar[str | None] = "request_id"
    reason: str


@dataclass(frozen=True, kw_only=True)
class DecideReassignment(Decision):
    request_id: str
    lead_unit: str | None = None
    co_units: tuple[str, ...] = ()
    restart_deadlines: bool = False


@dataclass(frozen=True, kw_only=True)
class RuleOnAssignment(CaseAct):
    leader: str
    lead_unit: str
    note: str
    co_units: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class DesignateKey(CaseAct):
    source: str
    leader_in_charge: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordContact(UnitAct):
    phase: str
    channel: str
    contacted_by: Person
    person: str
    reached: bool
    summary: str


@dataclass(frozen=True, kw_only=True)
class RecordVisit(UnitAct):
    organised_by: str
    visitors: tuple[Person, ...]
    persons: tuple[str, ...]
    summary: str
    proposer_opinion: str


@dataclass(frozen=True, kw_only=True)
class RecordVisitDeclined(UnitAct):
    note: str


@dataclass(frozen=True, kw_only=True)
class RecordOnSiteHandling(UnitAct):
    proposer_present: bool
    summary: str


@dataclass(frozen=True, kw_only=True)
class RecordDisclosurePreference(CaseAct):
    consent_reply: bool
    consent_original: bool
    proposer: str | None = None  # R-F4: the proposer speaking through their own link


@dataclass(frozen=True, kw_only=True)
class RecordCoOpinion(UnitAct):
    summary: str
    disclosure_opinion: str


@dataclass(frozen=True, kw_only=True)
class SubmitReply(UnitAct):
    answers: ClassVar[str | None] = "reply_id"
    classification: str
    consultation_form_ref: str
    summary: str
    disclosure: str | None = None  # unmarked means proactive (R-P1)
    withheld_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class DecideReply(Decision):
    reply_id: str
    leader: str


@dataclass(frozen=True, kw_only=True)
class IssueReply(CaseAct):
    reply_id: str
    document_number: str
    override_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewDisclosure(Decision):
    """R-P3: the office's review of an issued reply before it is published."""

    reply_id: str
    secrecy_review_ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class PublishReply(CaseCommand):
    reply_id: str
    published_on: date
    url: str
    include_original: bool = False
    secrecy_review_ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class WithholdReply(CaseAct):
    reply_id: str
    withheld_reason: str


@dataclass(frozen=True, kw_only=True)
class RecordFeedback(CaseAct):
    verdict: str
    comments: str = ""
    proposer: str | None = None  # R-F4: the proposer speaking through their own link


@dataclass(frozen=True, kw_only=True)
class RecordFollowUpCall(CaseAct):
    summary: str


@dataclass(frozen=True, kw_only=True)
class Remind(CaseAct):
    means: str
    note: str


@dataclass(frozen=True, kw_only=True)
class Reassess(CaseAct):
    finding: str
    note: str


@dataclass(frozen=True, kw_only=True)
class CloseOut(CaseAct):
    note: str


@dataclass(frozen=True, kw_only=True)
class RequestExtension(UnitAct):
    """R-E1: a unit asks for more time on one of its deadlines, before it passes."""

    answers: ClassVar[str | None] = "request_id"
    deadline_kind: str  # reply | co_opinion | rehandling
    reason: str
    requested_due_on: date


@dataclass(frozen=True, kw_only=True)
class DecideExtension(Decision):
    """R-E1: the office grants a date (by default the one asked for) or refuses."""

    request_id: str
    due_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewRepeat(CaseAct):
    """R-S4: the office confirms (it joins the key ledger) or dismisses a possible repeat."""

    of_case_id: str
    confirmed: bool
    note: str


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class RevokeProposerLink(CaseCommand):
    link_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class AttachDocument(CaseAct):
    """A file on the case, stored apart by its SHA-256 (which the event keeps)."""

    answers: ClassVar[str | None] = "document_id"
    kind: str
    name: str
    content_type: str
    sha256: str
    size: int
    reply_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Correct(CaseCommand):
    """R-X2: amends fields of the event at ``version`` on this case."""

    version: int
    reason: str
    corrected: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class MergeCases:
    """R-M1: several cases answered by one reply; the first listed is the primary."""

    case_ids: tuple[str, ...]
    occurred_on: date
