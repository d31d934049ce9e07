"""The Case aggregate: one suggestion or proposal, from registration to close-out.

This module holds the case's state and its events. Each event has a past-tense name and a body
(in ``domain.events``) that only turns the event's values into state, typed records of
``domain.records``, so replaying stored events never re-runs a rule that may have changed
since. Deciding whether an event may happen is ``domain.handlers``' job, with the rules of
``domain.rules``; nothing here refuses anything.

Every event carries its ``actor`` (user, role, unit) and the business date ``occurred_on``; the
library stamps ``timestamp``, which is the server's ``recorded_at`` (R-X1). The base ``Event``
does the per-event bookkeeping once.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.deadlines.policies import DEFAULT_POLICY
from domain.events import closing, extensions, handling, proposer_side, replies
from domain.records import (
    Actor,
    Closing,
    Contact,
    CoOpinion,
    Correction,
    DeclinedVisit,
    Disclosure,
    DisclosurePreference,
    DisclosureReview,
    Document,
    ExtensionRequest,
    Feedback,
    FollowUpCall,
    KeyDesignation,
    Merge,
    OnSiteHandling,
    PossibleRepeat,
    Proposer,
    ProposerLink,
    Reassessment,
    ReassignmentRequest,
    Recorded,
    Reminder,
    Reply,
    Responsibility,
    RulingRecommendation,
    Visit,
    proposer,
)

CASE_NAMESPACE = uuid.UUID("5b0f3a52-6f6e-4a8e-9d0c-62616e6c6931")
Item = dict[str, Any]  # a record's values as an event stores them


class Case(Aggregate):
    """One 建议 or 提案 (件); its id derives from kind, year and number (unique per kind+year)."""

    class Event(Aggregate.Event):
        """Applying any event of a case notes who recorded its version (R-X2 lets them, or the
        office, correct it) and lets the event's body stamp its records with that version."""

        def mutate(self, aggregate: Any) -> Any:
            if aggregate is not None:
                aggregate.event_version = self.originator_version
            case: Any = super().mutate(aggregate)
            case.recorded_by[self.originator_version] = Recorded(
                actor=vars(self)["actor"], event_type=type(self).__name__
            )
            vars(case).pop("event_version", None)
            return case

    event_version: int  # while an event's body runs: the version it makes

    @staticmethod
    def create_id(kind: str, year: int, number: str) -> uuid.UUID:
        # A deterministic id makes "number unique per kind+year" a property of the event store:
        # a second registration collides on (id, version 1) even under concurrent writers.
        # Made of the number in capitals: jy-0001 reads as JY-0001 on every list (an attack
        # probe registered both), and a number in capitals, as offices write them, keeps the
        # id it always had.
        return uuid.uuid5(CASE_NAMESPACE, f"{kind}:{year}:{number.upper()}")

    @event("Registered")
    def __init__(
        self,
        *,
        number: str,
        kind: str,
        level: str,
        year: int,
        title: str,
        proposers: list[Item],
        received_on: date,
        actor: Actor,
        occurred_on: date,
        text: str = "",  # registrations before R-S4 carried none
    ) -> None:
        self.number = number
        self.kind = kind
        self.level = level
        self.proposers: list[Proposer] = [proposer(p) for p in proposers]
        self.year = year
        self.title = title
        self.text = text
        self.received_on = received_on
        self.stage = "registered"
        self.policy = DEFAULT_POLICY
        self.reference = False
        self.assigned_on: date | None = None
        self.deadline_start: date | None = None
        self.lead_unit: str | None = None
        self.co_units: list[str] = []
        self.split_units: list[str] = []
        self.joined_on: dict[str, date] = {}  # each unit on the case: since when (R-X1)
        # Each unit a reassignment or a ruling took off the case: from when to when it had it.
        self.held_before: dict[str, list[tuple[date, date]]] = {}
        self.assignment_rounds = 0
        self.ruled = False
        self.ruling_recommendation: RulingRecommendation | None = None  # R-A2, the office's
        self.requests: dict[str, ReassignmentRequest] = {}
        self.key: KeyDesignation | None = None
        self.contacts: list[Contact] = []
        self.visits: list[Visit] = []
        self.declined_visits: list[DeclinedVisit] = []
        self.on_site_handlings: list[OnSiteHandling] = []
        self.responsibilities: dict[str, Responsibility] = {}  # the latest, by unit
        # Every voice's latest preference (R-F4: co-signers speak for themselves), and what
        # they add up to: the rules of disclosure read the latter (R-P2, R-P4).
        self.disclosure_preferences: dict[str, DisclosurePreference] = {}
        self.disclosure_preference: DisclosurePreference | None = None
        self.co_opinions: dict[str, CoOpinion] = {}
        self.replies: dict[str, Reply] = {}
        self.disclosures: dict[str, Disclosure] = {}
        self.disclosure_reviews: dict[str, DisclosureReview] = {}  # R-P3, latest per reply
        self.feedback: list[Feedback] = []
        self.rehandling_opened_on: date | None = None
        self.follow_up_calls: list[FollowUpCall] = []
        self.reminders: list[Reminder] = []
        self.reassessments: list[Reassessment] = []
        # R-Rv1: put back under supervision by the latest 回头看 (stalled, not implemented).
        self.supervised_after_reassessment = False
        self.closed_out_on: date | None = None
        self.merge: Merge | None = None
        # When the case closed, by which event (it reopens on a dissatisfied verdict): from
        # then on the handling obligations still open can no longer be met (R-D8).
        self.closings: list[Closing] = []
        self.extensions: dict[str, ExtensionRequest] = {}  # R-E1, by request id
        self.possible_repeats: dict[str, PossibleRepeat] = {}  # R-S4, by earlier case id
        self.proposer_links: dict[str, ProposerLink] = {}  # R-F4, by link id
        self.documents: dict[str, Document] = {}  # by document id
        self.corrections: list[Correction] = []
        self.recorded_by: dict[int, Recorded] = {}

    @property
    def under_supervision(self) -> bool:
        """挂账督办: a 回头看 found its commitment stalled or not implemented (R-Rv1), or a
        dissatisfied verdict holds it on the ledger until the further reply (R-F2)."""
        return self.supervised_after_reassessment or self.stage == "rehandling"

    @property
    def units(self) -> list[str]:
        """Every unit with a role on the case (lead, co or split)."""
        lead = [self.lead_unit] if self.lead_unit else []
        return lead + self.co_units + self.split_units

    @property
    def replying_units(self) -> list[str]:
        """Units that owe a written reply: the lead, or each split unit (R-A1, R-R3)."""
        if self.reference:
            return []
        return [self.lead_unit] if self.lead_unit else list(self.split_units)

    # ------------------------------------------------------------------ the events
    # Each event is declared here, on the Case (its stored topic is "domain.case:Case.<Name>");
    # its body, by stage, is in ``domain.events``.

    # assignment 交办
    assigned = event("Assigned")(handling.assigned)
    reassignment_requested = event("ReassignmentRequested")(handling.reassignment_requested)
    reassignment_decided = event("ReassignmentDecided")(handling.reassignment_decided)
    ruling_recommended = event("RulingRecommended")(handling.ruling_recommended)
    assignment_ruled = event("AssignmentRuled")(handling.assignment_ruled)
    # supervision 督办
    key_designated = event("KeyDesignated")(handling.key_designated)
    reminded = event("Reminded")(handling.reminded)
    possible_repeats_found = event("PossibleRepeatsFound")(handling.possible_repeats_found)
    repeat_reviewed = event("RepeatReviewed")(handling.repeat_reviewed)
    # communication 沟通, visits 走访, co-handling opinions 会办
    contact_recorded = event("ContactRecorded")(handling.contact_recorded)
    visit_recorded = event("VisitRecorded")(handling.visit_recorded)
    visit_declined = event("VisitDeclined")(handling.visit_declined)
    on_site_handled = event("OnSiteHandled")(handling.on_site_handled)
    responsibility_recorded = event("ResponsibilityRecorded")(handling.responsibility_recorded)
    disclosure_preference_recorded = event("DisclosurePreferenceRecorded")(
        handling.disclosure_preference_recorded
    )
    co_opinion_delivered = event("CoOpinionDelivered")(handling.co_opinion_delivered)
    # extensions 延期
    extension_requested = event("ExtensionRequested")(extensions.extension_requested)
    extension_decided = event("ExtensionDecided")(extensions.extension_decided)
    # replies 答复, disclosure 公开
    reply_submitted = event("ReplySubmitted")(replies.reply_submitted)
    reply_decided = event("ReplyDecided")(replies.reply_decided)
    reply_issued = event("ReplyIssued")(replies.reply_issued)
    merged_reply_issued = event("MergedReplyIssued")(replies.merged_reply_issued)
    disclosure_reviewed = event("DisclosureReviewed")(replies.disclosure_reviewed)
    reply_published = event("ReplyPublished")(replies.reply_published)
    reply_withheld = event("ReplyWithheld")(replies.reply_withheld)
    reply_taken_down = event("ReplyTakenDown")(replies.reply_taken_down)
    # feedback 反馈, reassessment 回头看, merge 并案, corrections
    feedback_recorded = event("FeedbackRecorded")(closing.feedback_recorded)
    follow_up_called = event("FollowUpCalled")(closing.follow_up_called)
    reassessed = event("Reassessed")(closing.reassessed)
    closed_out = event("ClosedOut")(closing.closed_out)
    merged = event("Merged")(closing.merged)
    merge_undone = event("MergeUndone")(closing.merge_undone)
    corrected = event("Corrected")(closing.corrected)
    # the proposer's own voice (R-F4: personal links) and documents
    proposer_link_created = event("ProposerLinkCreated")(proposer_side.proposer_link_created)
    proposer_link_revoked = event("ProposerLinkRevoked")(proposer_side.proposer_link_revoked)
    document_attached = event("DocumentAttached")(proposer_side.document_attached)
