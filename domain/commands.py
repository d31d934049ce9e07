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


@dataclass(frozen=True, kw_only=True)
class Noted:
    """The note a rule asks of whoever decides or acts: the office, a leader, the supervisors."""

    note: str


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
class Summarised:
    """What was said or done, in the words of whoever records it."""

    summary: str


@dataclass(frozen=True, kw_only=True)
class CaseCommand:
    """A command on one existing case."""

    case_id: str
    # The id field a command answers with, when it creates an item (a reply, a request).
    answers: ClassVar[str | None] = None


@dataclass(frozen=True, kw_only=True)
class Reasoned:
    """The reason a request, a revocation or a correction must give."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class CaseAct(CaseCommand):
    """A command recording an act of a business day (R-X1: never after the day it is recorded)."""

    occurred_on: date


@dataclass(frozen=True, kw_only=True)
class UnitAct(CaseAct):
    """An act of one of the case's units (contact, visit, opinion, reply, a request of it)."""

    unit: str


@dataclass(frozen=True, kw_only=True)
class OnReply:
    """One reply of the case, by the id ``SubmitReply`` answered with."""

    reply_id: str


@dataclass(frozen=True, kw_only=True)
class Decision(CaseAct, Noted):
    """A yes or no on something open on the case, with the decider's note."""

    approved: bool


@dataclass(frozen=True, kw_only=True)
class RegisterCase:
    """A suggestion or proposal received by the office, with its proposers (R-S4 looks for
    earlier years' cases alike)."""

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
    """R-A1: the office names the lead unit and any co-handling or split units, or marks the
    case for reference; the deadlines run from ``assigned_on`` (R-A4)."""

    assigned_on: date
    lead_unit: str | None = None
    co_units: tuple[str, ...] = ()
    split_units: tuple[str, ...] = ()
    reference: bool = False
    policy: str | None = None


@dataclass(frozen=True, kw_only=True)
class RequestReassignment(UnitAct, Reasoned):
    """R-A3: a unit finds the case outside its remit and asks the office to assign it
    again, saying why."""

    answers: ClassVar[str | None] = "request_id"


@dataclass(frozen=True, kw_only=True)
class DecideReassignment(Decision):
    """R-A2, R-A3: the office grants a reassignment (naming the new units) or refuses it;
    the deadlines restart only when it says so (R-A4)."""

    request_id: str
    lead_unit: str | None = None
    co_units: tuple[str, ...] = ()
    restart_deadlines: bool = False


@dataclass(frozen=True, kw_only=True)
class RecommendRuling(CaseAct, Noted):
    """R-A2: the office recommends to the leader in charge whom a third assignment should go
    to; the leader's ruling decides."""

    lead_unit: str
    co_units: tuple[str, ...] = ()
    restart_deadlines: bool = False  # R-A4: the office proposes the deadlines run anew


@dataclass(frozen=True, kw_only=True)
class RuleOnAssignment(CaseAct, Noted):
    """R-A2: a leader's ruling settles an assignment after the two rounds are used,
    with the units it names."""

    leader: str
    lead_unit: str
    co_units: tuple[str, ...] = ()
    restart_deadlines: bool = False  # R-A4: the deadlines run anew from the ruling


@dataclass(frozen=True, kw_only=True)
class DesignateKey(CaseAct):
    """R-S2: the case becomes a key case, on whose word (``source``), with the
    leader in charge."""

    source: str
    leader_in_charge: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordContact(UnitAct, Summarised):
    """R-C2: a unit's contact with the proposer: the phase, the channel, who made it
    (name and rank), whom it reached, and what was said."""

    phase: str
    channel: str
    contacted_by: Person
    person: str
    reached: bool


@dataclass(frozen=True, kw_only=True)
class RecordVisit(UnitAct, Summarised):
    """R-V1, R-V4: a face-to-face visit organised by the unit itself, with its visit
    card's people and the proposer's opinion."""

    organised_by: str
    visitors: tuple[Person, ...]
    persons: tuple[str, ...]
    proposer_opinion: str


@dataclass(frozen=True, kw_only=True)
class RecordVisitDeclined(UnitAct, Noted):
    """R-V3: the proposer said a meeting was not needed; the visit rate is reported
    with and without such cases."""


@dataclass(frozen=True, kw_only=True)
class RecordOnSiteHandling(UnitAct, Summarised):
    """Handling on site (现场办理), with whether the proposer was there; it counts as
    face to face (R-F2)."""

    proposer_present: bool


@dataclass(frozen=True, kw_only=True)
class RecordResponsibility(UnitAct):
    """R-A1: who in the unit answers for its part (its 责任分解表 row): the leader in charge,
    the person handling it and their phone number. Recorded again when one of them changes."""

    unit_leader: str
    handler: str
    phone: str


@dataclass(frozen=True, kw_only=True)
class RecordDisclosurePreference(CaseAct):
    """R-P2, R-P4: what the proposers agree to have published: the reply, and
    their original text."""

    consent_reply: bool
    consent_original: bool
    proposer: str | None = None  # R-F4: the proposer speaking through their own link


@dataclass(frozen=True, kw_only=True)
class RecordCoOpinion(UnitAct, Summarised):
    """R-D1, R-P3: a co-handling unit's opinion to the lead unit, with its view on
    disclosing the reply."""

    disclosure_opinion: str


@dataclass(frozen=True, kw_only=True)
class SubmitReply(UnitAct, Summarised):
    """R-R1, R-C3, R-P1: a unit's written reply for approval: its class, the
    consultation form's reference, and its disclosure option."""

    answers: ClassVar[str | None] = "reply_id"
    classification: str
    consultation_form_ref: str
    disclosure: str | None = None  # unmarked means proactive (R-P1)
    withheld_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class DecideReply(Decision, OnReply):
    """R-R2: a leader approves the reply for issue or returns it, with a note.
    An approval needs a contact first (R-C1)."""

    leader: str


@dataclass(frozen=True, kw_only=True)
class IssueReply(CaseAct, OnReply):
    """R-R2: the approved reply goes out under its document number; the lead unit's
    waits for the co-units' replies unless the office overrides, saying why."""

    document_number: str
    override_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewDisclosure(Decision, OnReply):
    """R-P3: the office's review of an issued reply before it is published."""

    secrecy_review_ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class PublishReply(CaseCommand, OnReply):
    """R-P1, R-D4: the issued reply on the portal, at ``url``; the original text only
    with consent (R-P4)."""

    published_on: date
    url: str
    include_original: bool = False
    secrecy_review_ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class WithholdReply(CaseAct, OnReply):
    """R-P5: the reply is not published, for a reason the rule names (or other,
    with its own text)."""

    withheld_reason: str


@dataclass(frozen=True, kw_only=True)
class RecordTakeDown(CaseAct, OnReply):
    """R-P2 after publishing: a published reply whose proposers have since refused
    publication was taken down from ``taken_down_from`` (the portal, another site), 登记撤下."""

    taken_down_from: str


@dataclass(frozen=True, kw_only=True)
class RecordFeedback(CaseAct):
    """R-F1: the proposer's verdict on the replies, with comments; dissatisfied opens
    re-handling (R-F2)."""

    verdict: str
    comments: str = ""
    proposer: str | None = None  # R-F4: the proposer speaking through their own link


@dataclass(frozen=True, kw_only=True)
class RecordFollowUpCall(CaseAct, Summarised):
    """R-F3: the office calls the proposer back (电话回访) about a replied case,
    and notes what was said."""


@dataclass(frozen=True, kw_only=True)
class Remind(CaseAct, Noted):
    """R-S3: the supervision office presses the units by phone, meeting, on site or
    circular; each reminder is an event on the case."""

    means: str


@dataclass(frozen=True, kw_only=True)
class Reassess(CaseAct, Noted):
    """R-Rv1: a look back (回头看) at a replied case: was the commitment implemented, or
    is it advancing or stalled."""

    finding: str


@dataclass(frozen=True, kw_only=True)
class CloseOut(CaseAct, Noted):
    """R-Rv2: a B-class commitment found fulfilled leaves the rolling ledger
    (销号), with the office's note."""


@dataclass(frozen=True, kw_only=True)
class RequestExtension(UnitAct, Reasoned):
    """R-E1: a unit asks for more time on one of its deadlines, before it passes."""

    answers: ClassVar[str | None] = "request_id"
    deadline_kind: str  # reply | co_opinion | rehandling
    requested_due_on: date


@dataclass(frozen=True, kw_only=True)
class DecideExtension(Decision):
    """R-E1: the office grants a date (by default the one asked for) or refuses."""

    request_id: str
    due_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class ReviewRepeat(CaseAct, Noted):
    """R-S4: the office confirms (it joins the key ledger) or dismisses a possible repeat."""

    of_case_id: str
    confirmed: bool


@dataclass(frozen=True, kw_only=True)
class CreateProposerLink(CaseCommand):
    """R-F4: the office gives a proposer a personal link. Its token is made (and hashed) by the
    caller: the domain sees only the hash, and the grant that finds the case from it."""

    answers: ClassVar[str | None] = "link_id"
    link_id: str
    proposer_name: str
    email: str | None = None  # where notices to the proposer go
    expires_on: date
    hashed: str
    prefix: str


@dataclass(frozen=True, kw_only=True)
class RevokeProposerLink(CaseCommand, Reasoned):
    """R-F4: the office ends a proposer's link before its date, saying why;
    the link stops working at once."""

    link_id: str


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
class Correct(CaseCommand, Reasoned):
    """R-X2: amends fields of the event at ``version`` on this case."""

    version: int
    corrected: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class MergeCases:
    """R-M1: several cases answered by one reply; the first listed is the primary."""

    case_ids: tuple[str, ...]
    occurred_on: date


@dataclass(frozen=True, kw_only=True)
class UndoMerge(CaseAct, Reasoned):
    """R-M1: the merge ``case_id`` is part of is undone, on every case of it, while no reply
    is under way; each case is then answered by its own units again."""
