"""The Case aggregate: one suggestion or proposal, from registration to close-out.

Public methods are commands: they check the rules (raising a domain error naming the rule id,
before anything is triggered, so a refused command records nothing) and then trigger one event.
The ``@event`` methods are the events: past-tense names, bodies that only change state, so that
replaying stored events never re-runs a rule that may have changed since.

Every event carries its ``actor`` (user, role, unit) and the business date ``occurred_on``; the
library stamps ``timestamp``, which is the server's ``recorded_at`` (R-X1).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain import rules
from domain.checks import (
    check_bool,
    check_dict,
    check_not_before,
    check_not_future,
    check_one_of,
    check_person,
    check_storable,
    check_text,
    check_text_list,
)
from domain.errors import InvalidInput, NotFound, RuleViolation
from domain.policies import DEFAULT_POLICY, get_policy
from domain.vocabulary import (
    CLASSIFICATIONS,
    CONTACT_CHANNELS,
    CONTACT_PHASES,
    COPIES_BY_KIND,
    DISCLOSURE_OPTIONS,
    KEY_SOURCES,
    REMINDER_MEANS,
    SUPERVISION_FINDINGS,
    VERDICTS,
)

Actor = dict[str, str | None]
Item = dict[str, Any]

CASE_NAMESPACE = uuid.UUID("5b0f3a52-6f6e-4a8e-9d0c-62616e6c6931")


def new_item_id() -> str:
    return uuid.uuid4().hex[:12]


class Case(Aggregate):
    """One 建议 or 提案 (件); its id derives from kind, year and number (unique per kind+year)."""

    @staticmethod
    def create_id(kind: str, year: int, number: str) -> uuid.UUID:
        # A deterministic id makes "number unique per kind+year" a property of the event store:
        # a second registration collides on (id, version 1) even under concurrent writers.
        return uuid.uuid5(CASE_NAMESPACE, f"{kind}:{year}:{number}")

    # ------------------------------------------------------------------ registration

    @classmethod
    def register(
        cls,
        *,
        number: object,
        kind: object,
        level: object,
        year: object,
        title: object,
        proposers: object,
        received_on: date,
        actor: Actor,
        today: date,
    ) -> Case:
        checked = rules.check_registration(number, kind, level, year, title, proposers)
        check_not_future(received_on, today)
        return cls(
            **checked,
            received_on=received_on,
            actor=actor,
            occurred_on=received_on,
        )

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
    ) -> None:
        self.number = number
        self.kind = kind
        self.level = level
        self.year = year
        self.title = title
        self.proposers = proposers
        self.received_on = received_on
        self.stage = "registered"
        self.policy = DEFAULT_POLICY
        self.reference = False
        self.assigned_on: date | None = None
        self.deadline_start: date | None = None
        self.lead_unit: str | None = None
        self.co_units: list[str] = []
        self.split_units: list[str] = []
        self.assignment_rounds = 0
        self.ruled = False
        self.requests: dict[str, Item] = {}
        self.key: Item | None = None
        self.contacts: list[Item] = []
        self.visits: list[Item] = []
        self.declined_visits: list[Item] = []
        self.on_site_handlings: list[Item] = []
        self.disclosure_preference: Item | None = None
        self.co_opinions: dict[str, Item] = {}
        self.replies: dict[str, Item] = {}
        self.disclosures: dict[str, Item] = {}
        self.feedback: list[Item] = []
        self.rehandling_opened_on: date | None = None
        self.follow_up_calls: list[Item] = []
        self.reminders: list[Item] = []
        self.reassessments: list[Item] = []
        self.under_supervision = False
        self.closed_out_on: date | None = None
        self.merge: Item | None = None
        # The days the case closed (it reopens on a dissatisfied verdict): from then on the
        # handling obligations still open can no longer be met (R-D8).
        self.closings: list[date] = []
        self.corrections: list[Item] = []
        # Who recorded each event, by version: R-X2 lets the recorder (or the office) correct it.
        self.recorded_by: dict[int, Item] = {1: {"actor": actor, "type": "Registered"}}

    def _note_recorder(self, actor: Actor, event_type: str) -> None:
        self.recorded_by[self.version + 1] = {"actor": actor, "type": event_type}

    # ------------------------------------------------------------------ common guards

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

    def _check_handling_date(self, occurred_on: date, today: date) -> None:
        """R-X1 for handling events: assigned first, not in the future, not before assignment."""
        check_not_future(occurred_on, today)
        if self.assigned_on is None:
            raise RuleViolation("R-A1", "该件尚未交办", "the case has not been assigned yet")
        check_not_before(occurred_on, self.assigned_on, "交办日期 assignment date")

    def _check_unit_on_case(self, unit: object) -> str:
        code = check_text(unit, "unit")
        if code not in self.units:
            raise RuleViolation(
                "R-A1",
                f"单位 {code} 不是该件的承办单位",
                f"unit {code} has no role on this case",
            )
        return code

    # ------------------------------------------------------------------ assignment 交办

    def assign(
        self,
        *,
        lead_unit: object = None,
        co_units: object = None,
        split_units: object = None,
        reference: object = False,
        assigned_on: date,
        policy: object = None,
        actor: Actor,
        today: date,
    ) -> None:
        if self.assignment_rounds:
            raise RuleViolation(
                "R-A2",
                "该件已交办；改办须通过改办申请或裁定",
                "the case is already assigned; change it by a reassignment request or a ruling",
            )
        policy_name = DEFAULT_POLICY if policy is None else check_text(policy, "policy")
        try:
            get_policy(policy_name)
        except KeyError:
            raise InvalidInput(
                f"未知的办理规则 {policy_name}", f"unknown policy {policy_name!r}"
            ) from None
        shape = rules.check_assignment_shape(lead_unit, co_units, split_units, reference)
        check_not_future(assigned_on, today)
        check_not_before(assigned_on, self.received_on, "收到日期 received date")
        self._assigned(**shape, policy=policy_name, actor=actor, occurred_on=assigned_on)

    @event("Assigned")
    def _assigned(
        self,
        *,
        lead_unit: str | None,
        co_units: list[str],
        split_units: list[str],
        reference: bool,
        policy: str,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "Assigned")
        self._apply_assignment(lead_unit, co_units, split_units, reference)
        self.policy = policy
        self.assigned_on = occurred_on
        self.deadline_start = occurred_on
        self.stage = "handling"

    def _apply_assignment(
        self, lead: str | None, co: list[str], split: list[str], reference: bool
    ) -> None:
        self.lead_unit = lead
        self.co_units = list(co)
        self.split_units = list(split)
        self.reference = reference
        self.assignment_rounds += 1

    def request_reassignment(
        self, *, unit: object, reason: object, occurred_on: date, actor: Actor, today: date
    ) -> str:
        self._check_handling_date(occurred_on, today)
        code = self._check_unit_on_case(unit)
        text = check_text(reason, "reason")
        rules.check_may_request_reassignment(self, code)
        request_id = new_item_id()
        self._reassignment_requested(
            request_id=request_id, unit=code, reason=text, actor=actor, occurred_on=occurred_on
        )
        return request_id

    @event("ReassignmentRequested")
    def _reassignment_requested(
        self, *, request_id: str, unit: str, reason: str, actor: Actor, occurred_on: date
    ) -> None:
        self._note_recorder(actor, "ReassignmentRequested")
        self.requests[request_id] = {
            "request_id": request_id,
            "unit": unit,
            "reason": reason,
            "status": "open",
            "occurred_on": occurred_on,
        }

    def decide_reassignment(
        self,
        *,
        request_id: str,
        approved: object,
        lead_unit: object = None,
        co_units: object = None,
        note: object,
        occurred_on: date,
        restart_deadlines: object = False,
        actor: Actor,
        today: date,
    ) -> None:
        request = self.requests.get(request_id)
        if request is None:
            raise NotFound("改办申请不存在", f"no reassignment request {request_id}")
        if request["status"] != "open":
            raise RuleViolation("R-A3", "该改办申请已处理", "the request was already decided")
        self._check_handling_date(occurred_on, today)
        is_approved = check_bool(approved, "approved")
        text = check_text(note, "note")
        restart = check_bool(restart_deadlines, "restart_deadlines")
        shape: Item = {"lead_unit": None, "co_units": [], "split_units": [], "reference": False}
        if is_approved:
            rules.check_round_available(self)
            shape = rules.check_assignment_shape(lead_unit, co_units, None, False)
        self._reassignment_decided(
            request_id=request_id,
            approved=is_approved,
            lead_unit=shape["lead_unit"],
            co_units=shape["co_units"],
            note=text,
            restart_deadlines=restart and is_approved,
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("ReassignmentDecided")
    def _reassignment_decided(
        self,
        *,
        request_id: str,
        approved: bool,
        lead_unit: str | None,
        co_units: list[str],
        note: str,
        restart_deadlines: bool,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "ReassignmentDecided")
        self.requests[request_id]["status"] = "approved" if approved else "rejected"
        if approved:
            self._apply_assignment(lead_unit, co_units, [], False)
            if restart_deadlines:
                self.deadline_start = occurred_on

    def rule_on_assignment(
        self,
        *,
        leader: object,
        lead_unit: object,
        co_units: object,
        note: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        self._check_handling_date(occurred_on, today)
        rules.check_ruling_allowed(self)
        shape = rules.check_assignment_shape(lead_unit, co_units, None, False)
        self._ruled(
            leader=check_text(leader, "leader"),
            lead_unit=shape["lead_unit"],
            co_units=shape["co_units"],
            note=check_text(note, "note"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("AssignmentRuled")
    def _ruled(
        self,
        *,
        leader: str,
        lead_unit: str,
        co_units: list[str],
        note: str,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "AssignmentRuled")
        for request in self.requests.values():
            if request["status"] == "open":
                request["status"] = "superseded_by_ruling"
        self._apply_assignment(lead_unit, co_units, [], False)
        self.ruled = True

    # ------------------------------------------------------------------ supervision 督办

    def designate_key(
        self,
        *,
        source: object,
        leader_in_charge: object = None,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        check_not_future(occurred_on, today)
        check_not_before(occurred_on, self.received_on, "收到日期 received date")
        leader = None if leader_in_charge is None else check_text(leader_in_charge, "leader")
        self._key_designated(
            source=check_one_of(source, KEY_SOURCES, "source"),
            leader_in_charge=leader,
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("KeyDesignated")
    def _key_designated(
        self, *, source: str, leader_in_charge: str | None, actor: Actor, occurred_on: date
    ) -> None:
        self._note_recorder(actor, "KeyDesignated")
        self.key = {"source": source, "leader_in_charge": leader_in_charge, "on": occurred_on}

    def remind(
        self, *, means: object, note: object, occurred_on: date, actor: Actor, today: date
    ) -> None:
        self._check_handling_date(occurred_on, today)
        self._reminded(
            means=check_one_of(means, REMINDER_MEANS, "means"),
            note=check_text(note, "note"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("Reminded")
    def _reminded(self, *, means: str, note: str, actor: Actor, occurred_on: date) -> None:
        self._note_recorder(actor, "Reminded")
        self.reminders.append(
            {"means": means, "note": note, "occurred_on": occurred_on, "version": self.version + 1}
        )

    # ------------------------------------------------------------------ communication 沟通

    def record_contact(
        self,
        *,
        unit: object,
        phase: object,
        channel: object,
        contacted_by: object,
        person: object,
        reached: object,
        summary: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        self._check_handling_date(occurred_on, today)
        self._contact_recorded(
            unit=self._check_unit_on_case(unit),
            phase=check_one_of(phase, CONTACT_PHASES, "phase"),
            channel=check_one_of(channel, CONTACT_CHANNELS, "channel"),
            contacted_by=check_person(contacted_by, "contacted_by"),
            person=check_text(person, "person"),
            reached=check_bool(reached, "reached"),
            summary=check_text(summary, "summary"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("ContactRecorded")
    def _contact_recorded(
        self,
        *,
        unit: str,
        phase: str,
        channel: str,
        contacted_by: dict[str, str],
        person: str,
        reached: bool,
        summary: str,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "ContactRecorded")
        self.contacts.append(
            {
                "unit": unit,
                "phase": phase,
                "channel": channel,
                "contacted_by": contacted_by,
                "person": person,
                "reached": reached,
                "summary": summary,
                "occurred_on": occurred_on,
                "version": self.version + 1,
            }
        )

    def record_visit(
        self,
        *,
        unit: object,
        organised_by: object,
        visitors: object,
        persons: object,
        summary: object,
        proposer_opinion: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        self._check_handling_date(occurred_on, today)
        code = self._check_unit_on_case(unit)
        organiser = check_text(organised_by, "organised_by")
        rules.check_visit_organised_by_unit(code, organiser)
        if not isinstance(visitors, list) or not visitors:
            raise RuleViolation(
                "R-V4", "走访卡须列明走访人员及职务", "a visit card lists the visitors"
            )
        self._visit_recorded(
            unit=code,
            organised_by=organiser,
            visitors=[check_person(v, "visitors") for v in visitors],
            persons=check_text_list(persons, "persons"),
            summary=check_text(summary, "summary"),
            proposer_opinion=check_text(proposer_opinion, "proposer_opinion"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("VisitRecorded")
    def _visit_recorded(
        self,
        *,
        unit: str,
        organised_by: str,
        visitors: list[dict[str, str]],
        persons: list[str],
        summary: str,
        proposer_opinion: str,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "VisitRecorded")
        self.visits.append(
            {
                "unit": unit,
                "organised_by": organised_by,
                "visitors": visitors,
                "persons": persons,
                "summary": summary,
                "proposer_opinion": proposer_opinion,
                "occurred_on": occurred_on,
                "version": self.version + 1,
            }
        )

    def record_visit_declined(
        self, *, unit: object, note: object, occurred_on: date, actor: Actor, today: date
    ) -> None:
        self._check_handling_date(occurred_on, today)
        self._visit_declined(
            unit=self._check_unit_on_case(unit),
            note=check_text(note, "note"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("VisitDeclined")
    def _visit_declined(self, *, unit: str, note: str, actor: Actor, occurred_on: date) -> None:
        self._note_recorder(actor, "VisitDeclined")
        self.declined_visits.append(
            {"unit": unit, "note": note, "occurred_on": occurred_on, "version": self.version + 1}
        )

    def record_on_site_handling(
        self,
        *,
        unit: object,
        proposer_present: object,
        summary: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        self._check_handling_date(occurred_on, today)
        self._on_site_handled(
            unit=self._check_unit_on_case(unit),
            proposer_present=check_bool(proposer_present, "proposer_present"),
            summary=check_text(summary, "summary"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("OnSiteHandled")
    def _on_site_handled(
        self, *, unit: str, proposer_present: bool, summary: str, actor: Actor, occurred_on: date
    ) -> None:
        self._note_recorder(actor, "OnSiteHandled")
        self.on_site_handlings.append(
            {
                "unit": unit,
                "proposer_present": proposer_present,
                "summary": summary,
                "occurred_on": occurred_on,
                "version": self.version + 1,
            }
        )

    def record_disclosure_preference(
        self,
        *,
        consent_reply: object,
        consent_original: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        self._check_handling_date(occurred_on, today)
        self._disclosure_preference_recorded(
            consent_reply=check_bool(consent_reply, "consent_reply"),
            consent_original=check_bool(consent_original, "consent_original"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("DisclosurePreferenceRecorded")
    def _disclosure_preference_recorded(
        self, *, consent_reply: bool, consent_original: bool, actor: Actor, occurred_on: date
    ) -> None:
        self._note_recorder(actor, "DisclosurePreferenceRecorded")
        self.disclosure_preference = {
            "consent_reply": consent_reply,
            "consent_original": consent_original,
            "occurred_on": occurred_on,
        }

    def record_co_opinion(
        self,
        *,
        unit: object,
        summary: object,
        disclosure_opinion: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        self._check_handling_date(occurred_on, today)
        code = check_text(unit, "unit")
        rules.check_co_opinion_allowed(self, code)
        self._co_opinion_delivered(
            unit=code,
            summary=check_text(summary, "summary"),
            disclosure_opinion=check_one_of(
                disclosure_opinion, DISCLOSURE_OPTIONS, "disclosure_opinion"
            ),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("CoOpinionDelivered")
    def _co_opinion_delivered(
        self, *, unit: str, summary: str, disclosure_opinion: str, actor: Actor, occurred_on: date
    ) -> None:
        self._note_recorder(actor, "CoOpinionDelivered")
        self.co_opinions[unit] = {
            "unit": unit,
            "summary": summary,
            "disclosure_opinion": disclosure_opinion,
            "occurred_on": occurred_on,
            "version": self.version + 1,
        }

    # ------------------------------------------------------------------ replies 答复

    def submit_reply(
        self,
        *,
        unit: object,
        classification: object,
        disclosure: object = None,
        withheld_reason: object = None,
        consultation_form_ref: object,
        summary: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> str:
        self._check_handling_date(occurred_on, today)
        code = check_text(unit, "unit")
        further = rules.check_reply_submission_allowed(self, code)
        option = "proactive" if disclosure is None else disclosure  # R-P1: unmarked = proactive
        option = check_one_of(option, DISCLOSURE_OPTIONS, "disclosure")
        reason = rules.check_disclosure_option(self, option, withheld_reason)
        form = rules.check_consultation_form(consultation_form_ref)
        reply_id = new_item_id()
        self._reply_submitted(
            reply_id=reply_id,
            unit=code,
            classification=check_one_of(classification, CLASSIFICATIONS, "classification"),
            disclosure=option,
            withheld_reason=reason,
            consultation_form_ref=form,
            summary=check_text(summary, "summary"),
            further=further,
            actor=actor,
            occurred_on=occurred_on,
        )
        return reply_id

    @event("ReplySubmitted")
    def _reply_submitted(
        self,
        *,
        reply_id: str,
        unit: str,
        classification: str,
        disclosure: str,
        withheld_reason: str | None,
        consultation_form_ref: str,
        summary: str,
        further: bool,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "ReplySubmitted")
        self.replies[reply_id] = {
            "reply_id": reply_id,
            "unit": unit,
            "classification": classification,
            "disclosure": disclosure,
            "withheld_reason": withheld_reason,
            "consultation_form_ref": consultation_form_ref,
            "summary": summary,
            "further": further,
            "status": "submitted",
            "submitted_on": occurred_on,
            "approved_on": None,
            "issued_on": None,
            "document_number": None,
            "recipients": [],
            "copies": [],
            "override_reason": None,
            "version": self.version + 1,
        }

    def _reply(self, reply_id: str) -> Item:
        reply = self.replies.get(reply_id)
        if reply is None:
            raise NotFound("答复不存在", f"no reply {reply_id} on this case")
        return reply

    def decide_reply(
        self,
        *,
        reply_id: str,
        approved: object,
        leader: object,
        note: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        reply = self._reply(reply_id)
        self._check_handling_date(occurred_on, today)
        check_not_before(occurred_on, reply["submitted_on"], "报送日期 submission date")
        if reply["status"] != "submitted":
            raise RuleViolation(
                "R-R2",
                "只有待审批的答复可以审批",
                "only a submitted reply can be approved or returned",
            )
        is_approved = check_bool(approved, "approved")
        if is_approved:
            rules.check_contact_before_approval(self, reply)
        self._reply_decided(
            reply_id=reply_id,
            approved=is_approved,
            leader=check_text(leader, "leader"),
            note=check_text(note, "note"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("ReplyDecided")
    def _reply_decided(
        self,
        *,
        reply_id: str,
        approved: bool,
        leader: str,
        note: str,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "ReplyDecided")
        reply = self.replies[reply_id]
        reply["status"] = "approved" if approved else "returned"
        reply["approved_on" if approved else "returned_on"] = occurred_on
        reply["leader"] = leader
        reply["decision_note"] = note

    def issue_reply(
        self,
        *,
        reply_id: str,
        document_number: object,
        override_reason: object = None,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        reply = self._reply(reply_id)
        self._check_handling_date(occurred_on, today)
        if reply["status"] != "approved":
            raise RuleViolation(
                "R-R2", "答复须经领导审签后方可印发", "a reply is issued only after approval"
            )
        check_not_before(occurred_on, reply["approved_on"], "审签日期 approval date")
        override = (
            None if override_reason is None else check_text(override_reason, "override_reason")
        )
        rules.check_co_opinions_arrived(self, reply, override)
        self._reply_issued(
            reply_id=reply_id,
            document_number=check_text(document_number, "document_number"),
            override_reason=override,
            recipients=rules.reply_recipients(self),
            copies=list(COPIES_BY_KIND[self.kind]),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("ReplyIssued")
    def _reply_issued(
        self,
        *,
        reply_id: str,
        document_number: str,
        override_reason: str | None,
        recipients: list[str],
        copies: list[str],
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "ReplyIssued")
        reply = self.replies[reply_id]
        reply.update(
            status="issued",
            issued_on=occurred_on,
            document_number=document_number,
            override_reason=override_reason,
            recipients=recipients,
            copies=copies,
        )
        self._after_reply_issued(reply["further"], occurred_on)

    def _close(self, on: date) -> None:
        self.stage = "closed"
        self.closings.append(on)

    def _after_reply_issued(self, further: bool, on: date) -> None:
        if further:
            self._close(on)  # API.md: closed after the further reply is issued
            self.rehandling_opened_on = None
        elif rules.all_replying_units_issued(self):
            self.stage = "replied"

    def record_merged_reply(
        self,
        *,
        primary_case_id: str,
        primary_number: str,
        reply: Item,
        actor: Actor,
    ) -> None:
        """R-M1: the first reply issued on the primary case of a merge answers this case too."""
        if self.merge is None:
            raise RuleViolation("R-M1", "该件未并案", "this case is not part of a merge")
        if self.merge.get("answered_by"):
            raise RuleViolation("R-M1", "并案答复已登记", "the merge's reply was already recorded")
        self._merged_reply_issued(
            primary_case_id=primary_case_id,
            primary_number=primary_number,
            reply_id=reply["reply_id"],
            unit=reply["unit"],
            classification=reply["classification"],
            document_number=reply["document_number"],
            actor=actor,
            occurred_on=reply["issued_on"],
        )

    @event("MergedReplyIssued")
    def _merged_reply_issued(
        self,
        *,
        primary_case_id: str,
        primary_number: str,
        reply_id: str,
        unit: str,
        classification: str,
        document_number: str,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "MergedReplyIssued")
        assert self.merge is not None
        self.merge["answered_by"] = {
            "case_id": primary_case_id,
            "number": primary_number,
            "reply_id": reply_id,
            "unit": unit,
            "classification": classification,
            "document_number": document_number,
            "issued_on": occurred_on,
        }
        if self.stage == "handling":
            self.stage = "replied"
        elif self.stage == "rehandling":
            self._close(occurred_on)

    # ------------------------------------------------------------------ disclosure 公开

    def publish_reply(
        self,
        *,
        reply_id: str,
        published_on: date,
        url: object,
        include_original: object,
        secrecy_review_ref: object = None,
        actor: Actor,
        today: date,
    ) -> None:
        reply = self._reply(reply_id)
        self._check_handling_date(published_on, today)
        rules.check_publishable(self, reply, check_bool(include_original, "include_original"))
        check_not_before(published_on, reply["issued_on"], "印发日期 issue date")
        review = rules.check_secrecy_review(self, reply, secrecy_review_ref)
        self._reply_published(
            reply_id=reply_id,
            url=check_text(url, "url"),
            include_original=bool(include_original),
            secrecy_review_ref=review,
            actor=actor,
            occurred_on=published_on,
        )

    @event("ReplyPublished")
    def _reply_published(
        self,
        *,
        reply_id: str,
        url: str,
        include_original: bool,
        secrecy_review_ref: str | None,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "ReplyPublished")
        self.disclosures[reply_id] = {
            "status": "published",
            "published_on": occurred_on,
            "url": url,
            "include_original": include_original,
            "secrecy_review_ref": secrecy_review_ref,
            "withheld_reason": None,
        }

    def withhold_reply(
        self,
        *,
        reply_id: str,
        withheld_reason: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        reply = self._reply(reply_id)
        self._check_handling_date(occurred_on, today)
        rules.check_disclosure_undecided(self, reply)
        self._reply_withheld(
            reply_id=reply_id,
            withheld_reason=rules.check_withheld_reason(withheld_reason),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("ReplyWithheld")
    def _reply_withheld(
        self, *, reply_id: str, withheld_reason: str, actor: Actor, occurred_on: date
    ) -> None:
        self._note_recorder(actor, "ReplyWithheld")
        self.disclosures[reply_id] = {
            "status": "withheld",
            "published_on": None,
            "withheld_on": occurred_on,
            "url": None,
            "include_original": False,
            "withheld_reason": withheld_reason,
        }

    # ------------------------------------------------------------------ feedback 反馈

    def record_feedback(
        self,
        *,
        verdict: object,
        comments: object,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        self._check_handling_date(occurred_on, today)
        rules.check_feedback_allowed(self, occurred_on)
        self._feedback_recorded(
            verdict=check_one_of(verdict, VERDICTS, "verdict"),
            comments=check_storable(comments, "comments") if isinstance(comments, str) else "",
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("FeedbackRecorded")
    def _feedback_recorded(
        self, *, verdict: str, comments: str, actor: Actor, occurred_on: date
    ) -> None:
        self._note_recorder(actor, "FeedbackRecorded")
        further = any(r["further"] and r["status"] == "issued" for r in self.replies.values())
        self.feedback.append(
            {
                "verdict": verdict,
                "comments": comments,
                "occurred_on": occurred_on,
                "on_further_reply": further,
                "version": self.version + 1,
            }
        )
        if verdict == "dissatisfied":
            self.stage = "rehandling"  # R-F2: stays on the ledger until the further reply
            self.rehandling_opened_on = occurred_on
        else:
            self._close(occurred_on)

    def record_follow_up_call(
        self, *, summary: object, occurred_on: date, actor: Actor, today: date
    ) -> None:
        self._check_handling_date(occurred_on, today)
        if not rules.has_issued_reply(self):
            raise RuleViolation("R-F3", "回访须在答复之后", "a follow-up call needs a replied case")
        self._follow_up_called(
            summary=check_text(summary, "summary"), actor=actor, occurred_on=occurred_on
        )

    @event("FollowUpCalled")
    def _follow_up_called(self, *, summary: str, actor: Actor, occurred_on: date) -> None:
        self._note_recorder(actor, "FollowUpCalled")
        self.follow_up_calls.append(
            {"summary": summary, "occurred_on": occurred_on, "version": self.version + 1}
        )

    # ------------------------------------------------------------------ reassessment 回头看

    def reassess(
        self, *, finding: object, note: object, occurred_on: date, actor: Actor, today: date
    ) -> None:
        self._check_handling_date(occurred_on, today)
        classification = rules.check_reassessable(self)
        self._reassessed(
            classification=classification,
            finding=rules.check_finding(classification, finding),
            note=check_text(note, "note"),
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("Reassessed")
    def _reassessed(
        self, *, classification: str, finding: str, note: str, actor: Actor, occurred_on: date
    ) -> None:
        self._note_recorder(actor, "Reassessed")
        self.reassessments.append(
            {
                "classification": classification,
                "finding": finding,
                "note": note,
                "occurred_on": occurred_on,
                "version": self.version + 1,
            }
        )
        self.under_supervision = finding in SUPERVISION_FINDINGS

    def close_out(self, *, note: object, occurred_on: date, actor: Actor, today: date) -> None:
        self._check_handling_date(occurred_on, today)
        rules.check_close_out_allowed(self)
        self._closed_out(note=check_text(note, "note"), actor=actor, occurred_on=occurred_on)

    @event("ClosedOut")
    def _closed_out(self, *, note: str, actor: Actor, occurred_on: date) -> None:
        self._note_recorder(actor, "ClosedOut")
        self.closed_out_on = occurred_on
        self.under_supervision = False

    # ------------------------------------------------------------------ merge 并案

    def join_merge(
        self,
        *,
        merge_id: str,
        case_ids: list[str],
        numbers: list[str],
        proposers: list[Item],
        primary_case_id: str,
        occurred_on: date,
        actor: Actor,
        today: date,
    ) -> None:
        """One leg of a merge; ``domain.merge.merge_cases`` checks R-M1 across all the cases."""
        self._check_handling_date(occurred_on, today)
        self._merged(
            merge_id=merge_id,
            case_ids=case_ids,
            numbers=numbers,
            proposers=proposers,
            primary_case_id=primary_case_id,
            actor=actor,
            occurred_on=occurred_on,
        )

    @event("Merged")
    def _merged(
        self,
        *,
        merge_id: str,
        case_ids: list[str],
        numbers: list[str],
        proposers: list[Item],
        primary_case_id: str,
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "Merged")
        self.merge = {
            "merge_id": merge_id,
            "case_ids": case_ids,
            "numbers": numbers,
            "proposers": proposers,
            "primary_case_id": primary_case_id,
            "occurred_on": occurred_on,
        }

    # ------------------------------------------------------------------ corrections R-X2

    def correct(
        self,
        *,
        version: int,
        reason: object,
        corrected: object,
        actor: Actor,
        today: date,
    ) -> None:
        fields = check_dict(corrected, "corrected")
        text = check_text(reason, "reason")
        original = self.recorded_by.get(version)
        if original is None:
            raise NotFound("被更正的事件不存在", f"no event at version {version} on this case")
        rules.check_may_correct(actor, original["actor"])
        changes = rules.check_correction(self, version, original["type"], fields, today)
        self._corrected(
            corrects_version=version,
            corrects_type=original["type"],
            reason=text,
            corrected=changes,
            actor=actor,
            occurred_on=today,
        )

    @event("Corrected")
    def _corrected(
        self,
        *,
        corrects_version: int,
        corrects_type: str,
        reason: str,
        corrected: dict[str, Any],
        actor: Actor,
        occurred_on: date,
    ) -> None:
        self._note_recorder(actor, "Corrected")
        self.corrections.append(
            {
                "corrects_version": corrects_version,
                "corrects_type": corrects_type,
                "reason": reason,
                "corrected": corrected,
                "version": self.version + 1,
            }
        )
        for item in rules.correctable_items(self, corrects_type):
            if item.get("version") == corrects_version:
                item.update(corrected)
