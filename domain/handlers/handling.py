"""Handlers of registration and handling: assignment, supervision, communication, visits and
co opinions. Each checks the rules (``domain.rules``), then records one event on the case."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from domain import commands as c
from domain.case import Case
from domain.checks import (
    check_bool,
    check_name,
    check_names,
    check_one_of,
    check_person,
    check_storable,
    check_text,
)
from domain.commands import Acting
from domain.deadlines.case_deadlines import case_deadlines
from domain.deadlines.policies import DEFAULT_POLICY, POLICIES
from domain.errors import InvalidInput
from domain.key_quota import KeyQuota
from domain.records import PossibleRepeat
from domain.rules import (
    accountability,
    assignment,
    proposer_side,
    responsibility,
    supervision,
    visits,
)
from domain.rules import deadlines as rules_deadlines
from domain.vocabulary import CONTACT_CHANNELS, CONTACT_PHASES, DISCLOSURE_OPTIONS


def new_item_id() -> str:
    return uuid.uuid4().hex[:12]


def check_handling(case: Case, occurred_on: date, today: date) -> None:
    """Handling events need the assignment first (R-A1) and a date after it (R-X1)."""
    accountability.check_not_future(occurred_on, today)
    assignment.check_assigned(case)
    accountability.check_after_assignment(case, occurred_on)


def unit_acting(case: Case, unit: object, occurred_on: date) -> str:
    """The unit whose act this is: one on the case (R-A1), on a day it had the case (R-X1)."""
    code = assignment.check_unit_on_case(case, unit)
    accountability.check_after_joining(case, code, occurred_on)
    return code


def register(command: c.RegisterCase, acting: Acting, alike: Sequence[PossibleRepeat] = ()) -> Case:
    """A new case; ``alike`` are cases found alike in a search of earlier years (R-S4)."""
    checked = assignment.check_registration(command)
    accountability.check_not_future(checked.received_on, acting.today, accountability.RECEIVED)
    assignment.check_received_in_its_year(checked.year, checked.received_on)
    case = Case(
        number=checked.number,
        kind=checked.kind,
        level=checked.level,
        year=checked.year,
        title=checked.title,
        proposers=[asdict(p) for p in checked.proposers],
        received_on=checked.received_on,
        **acting.on(checked.received_on),
        text=check_storable(command.text.strip(), "text"),
    )
    repeats = supervision.earlier_repeats(checked.year, checked.kind, alike)
    if repeats:
        case.possible_repeats_found(
            repeats=[asdict(r) for r in repeats],
            **acting.on(checked.received_on),
        )
    return case


# ---------------------------------------------------------------------- assignment 交办


def known_policy(policy: str) -> str:
    """A deadline policy the service knows (an assignment's, an import's 办理依据)."""
    if policy not in POLICIES:
        known = "、".join(sorted(POLICIES))
        raise InvalidInput(
            f"policy 应为 {known}，却是 {policy}", f"unknown policy {policy!r}", "policy"
        )
    return policy


def assign(case: Case, cmd: c.Assign, acting: Acting) -> None:
    assignment.check_first_assignment(case)
    policy = known_policy(
        DEFAULT_POLICY if cmd.policy is None else check_text(cmd.policy, "policy")
    )
    shape = assignment.check_shape(cmd.lead_unit, cmd.co_units, cmd.split_units, cmd.reference)
    accountability.check_not_future(cmd.assigned_on, acting.today, accountability.ASSIGNED)
    accountability.check_not_before(
        cmd.assigned_on, case.received_on, "收到日期 received date", accountability.ASSIGNED
    )
    case.assigned(
        lead_unit=shape.lead_unit,
        co_units=shape.co_units,
        split_units=shape.split_units,
        reference=shape.reference,
        policy=policy,
        **acting.on(cmd.assigned_on),
    )


def request_reassignment(case: Case, cmd: c.RequestReassignment, acting: Acting) -> str:
    check_handling(case, cmd.occurred_on, acting.today)
    unit = unit_acting(case, cmd.unit, cmd.occurred_on)
    reason = check_text(cmd.reason, "reason")
    assignment.check_may_request_reassignment(case, unit)
    request_id = new_item_id()
    case.reassignment_requested(
        request_id=request_id,
        unit=unit,
        reason=reason,
        **acting.on(cmd.occurred_on),
    )
    return request_id


def decide_reassignment(case: Case, cmd: c.DecideReassignment, acting: Acting) -> None:
    request = assignment.open_request(case, cmd.request_id)
    check_handling(case, cmd.occurred_on, acting.today)
    approved = check_bool(cmd.approved, "approved")
    note = check_text(cmd.note, "note")
    restart = check_bool(cmd.restart_deadlines, "restart_deadlines")
    shape = assignment.Shape(None, [], [], False)
    if approved:
        assignment.check_round_available(case)
        shape = assignment.check_new_lead(cmd.lead_unit, cmd.co_units)
        assignment.check_reassigned(case, request, shape)
    # After what may not be decided at all (R-A2): a third round is refused as such.
    assignment.check_decided_after_request(request, cmd.occurred_on)
    case.reassignment_decided(
        request_id=cmd.request_id,
        approved=approved,
        lead_unit=shape.lead_unit,
        co_units=shape.co_units,
        note=note,
        restart_deadlines=restart and approved,
        **acting.on(cmd.occurred_on),
    )


def recommend_ruling(case: Case, cmd: c.RecommendRuling, acting: Acting) -> None:
    """R-A2: only while a ruling is due (two rounds used, none made); a later recommendation
    replaces an earlier one."""
    check_handling(case, cmd.occurred_on, acting.today)
    assignment.check_ruling_allowed(case)
    assignment.check_ruling_dated(case, cmd.occurred_on)
    shape = assignment.check_new_lead(cmd.lead_unit, cmd.co_units)
    assert shape.lead_unit is not None
    case.ruling_recommended(
        lead_unit=shape.lead_unit,
        co_units=shape.co_units,
        note=check_text(cmd.note, "note"),
        restart_deadlines=check_bool(cmd.restart_deadlines, "restart_deadlines"),
        **acting.on(cmd.occurred_on),
    )


def rule_on_assignment(case: Case, cmd: c.RuleOnAssignment, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    assignment.check_ruling_allowed(case)
    assignment.check_ruling_dated(case, cmd.occurred_on, case.ruling_recommendation)
    shape = assignment.check_new_lead(cmd.lead_unit, cmd.co_units)
    assert shape.lead_unit is not None
    case.assignment_ruled(
        leader=check_text(cmd.leader, "leader"),
        lead_unit=shape.lead_unit,
        co_units=shape.co_units,
        note=check_text(cmd.note, "note"),
        restart_deadlines=check_bool(cmd.restart_deadlines, "restart_deadlines"),
        **acting.on(cmd.occurred_on),
    )


# ---------------------------------------------------------------------- supervision 督办


def designate_key(case: Case, cmd: c.DesignateKey, acting: Acting) -> None:
    """Key designation may precede assignment (congress designates on receipt), not receipt.
    A unit's own designation goes through ``designate_unit_key``: it counts on a quota."""
    if cmd.source == "unit":
        raise TypeError("a unit's key case is designated with its quota: designate_unit_key")
    _record_key(case, cmd, acting)


def _record_key(case: Case, cmd: c.DesignateKey, acting: Acting) -> None:
    accountability.check_not_future(cmd.occurred_on, acting.today)
    accountability.check_not_before(cmd.occurred_on, case.received_on, "收到日期 received date")
    source, leader = supervision.key_designation(cmd.source, cmd.leader_in_charge)
    supervision.check_changes_key(case, source, leader)
    case.key_designated(source=source, leader_in_charge=leader, **acting.on(cmd.occurred_on))


def designate_unit_key(case: Case, quota: KeyQuota, cmd: c.DesignateKey, acting: Acting) -> None:
    """A unit's own key case (source ``unit``), counted on the unit's quota (R-S2)."""
    supervision.check_unit_quota(case, quota)
    _record_key(case, cmd, acting)
    if str(case.id) not in quota.cases:
        quota.counted(case_id=str(case.id), **acting.on(cmd.occurred_on))


def review_repeat(case: Case, cmd: c.ReviewRepeat, acting: Acting) -> None:
    accountability.check_not_future(cmd.occurred_on, acting.today)
    accountability.check_not_before(cmd.occurred_on, case.received_on, "收到日期 received date")
    supervision.repeat_to_review(case, cmd.of_case_id)
    case.repeat_reviewed(
        of_case_id=cmd.of_case_id,
        confirmed=check_bool(cmd.confirmed, "confirmed"),
        note=check_text(cmd.note, "note"),
        **acting.on(cmd.occurred_on),
    )


def remind(case: Case, cmd: c.Remind, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    means, note = supervision.reminder(cmd.means, cmd.note)
    case.reminded(means=means, note=note, **acting.on(cmd.occurred_on))


# ---------------------------------------------------------------------- communication, visits


def record_contact(case: Case, cmd: c.RecordContact, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    case.contact_recorded(
        unit=unit_acting(case, cmd.unit, cmd.occurred_on),
        phase=check_one_of(cmd.phase, CONTACT_PHASES, "phase"),
        channel=check_one_of(cmd.channel, CONTACT_CHANNELS, "channel"),
        contacted_by=asdict(check_person(cmd.contacted_by, "contacted_by")),
        person=check_name(cmd.person, "person"),
        reached=check_bool(cmd.reached, "reached"),
        summary=check_text(cmd.summary, "summary"),
        **acting.on(cmd.occurred_on),
    )


def record_visit(case: Case, cmd: c.RecordVisit, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    unit = unit_acting(case, cmd.unit, cmd.occurred_on)
    organiser = check_text(cmd.organised_by, "organised_by")
    visits.check_organised_by_unit(unit, organiser)
    case.visit_recorded(
        unit=unit,
        organised_by=organiser,
        visitors=[asdict(v) for v in visits.check_visitors(cmd.visitors)],
        persons=check_names(cmd.persons, "persons"),
        summary=check_text(cmd.summary, "summary"),
        proposer_opinion=check_text(cmd.proposer_opinion, "proposer_opinion"),
        **acting.on(cmd.occurred_on),
    )


def record_visit_declined(case: Case, cmd: c.RecordVisitDeclined, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    case.visit_declined(
        unit=unit_acting(case, cmd.unit, cmd.occurred_on),
        note=check_text(cmd.note, "note"),
        **acting.on(cmd.occurred_on),
    )


def record_on_site_handling(case: Case, cmd: c.RecordOnSiteHandling, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    case.on_site_handled(
        unit=unit_acting(case, cmd.unit, cmd.occurred_on),
        proposer_present=check_bool(cmd.proposer_present, "proposer_present"),
        summary=check_text(cmd.summary, "summary"),
        **acting.on(cmd.occurred_on),
    )


def record_responsibility(case: Case, cmd: c.RecordResponsibility, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    people = responsibility.check_responsibility(
        case, cmd.unit, cmd.unit_leader, cmd.handler, cmd.phone, cmd.occurred_on
    )
    accountability.check_after_joining(case, people.unit, cmd.occurred_on)
    case.responsibility_recorded(
        unit=people.unit,
        unit_leader=people.unit_leader,
        handler=people.handler,
        phone=people.phone,
        **acting.on(cmd.occurred_on),
    )


def record_disclosure_preference(
    case: Case, cmd: c.RecordDisclosurePreference, acting: Acting
) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    accountability.check_handler_after_joining(case, acting.actor, cmd.occurred_on)
    # R-F4: through a link the proposer speaks for themselves; a unit or the office records
    # what the proposers told them, in no one's name.
    speaking = acting.actor["role"] == "proposer"
    proposer = proposer_side.check_own_voice(case, cmd.proposer) if speaking else None
    case.disclosure_preference_recorded(
        consent_reply=check_bool(cmd.consent_reply, "consent_reply"),
        consent_original=check_bool(cmd.consent_original, "consent_original"),
        **acting.on(cmd.occurred_on),
        proposer=proposer,
    )


def record_co_opinion(case: Case, cmd: c.RecordCoOpinion, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    unit = check_text(cmd.unit, "unit")
    rules_deadlines.check_co_opinion_open(case, unit)
    accountability.check_after_joining(case, unit, cmd.occurred_on)
    case.co_opinion_delivered(
        unit=unit,
        summary=check_text(cmd.summary, "summary"),
        disclosure_opinion=check_one_of(
            cmd.disclosure_opinion, DISCLOSURE_OPTIONS, "disclosure_opinion"
        ),
        **acting.on(cmd.occurred_on),
    )


# ---------------------------------------------------------------------- extensions 延期


def request_extension(case: Case, cmd: c.RequestExtension, acting: Acting) -> str:
    check_handling(case, cmd.occurred_on, acting.today)
    unit = unit_acting(case, cmd.unit, cmd.occurred_on)
    reason = check_text(cmd.reason, "reason")
    calendar = acting.calendar()
    found = rules_deadlines.extendable_deadline(
        case,
        unit,
        cmd.deadline_kind,
        case_deadlines(case, calendar, cmd.occurred_on),
        cmd.occurred_on,
        known=case_deadlines(case, calendar, date.max),
    )
    rules_deadlines.check_extended_date(found.due_on, cmd.requested_due_on, found.due_on)
    request_id = new_item_id()
    case.extension_requested(
        request_id=request_id,
        unit=unit,
        deadline_kind=cmd.deadline_kind,
        opened_on=found.opened_on,
        original_due_on=found.due_on,
        reason=reason,
        requested_due_on=cmd.requested_due_on,
        **acting.on(cmd.occurred_on),
    )
    return request_id


def decide_extension(case: Case, cmd: c.DecideExtension, acting: Acting) -> None:
    request = rules_deadlines.open_extension(case, cmd.request_id)
    check_handling(case, cmd.occurred_on, acting.today)
    accountability.check_not_before(cmd.occurred_on, request.occurred_on, "申请日期 request date")
    approved = check_bool(cmd.approved, "approved")
    due_on = None
    if approved:
        due_on = cmd.due_on or request.requested_due_on
        original = request.original_due_on
        rules_deadlines.check_extended_date(original, due_on, original)
    case.extension_decided(
        request_id=cmd.request_id,
        approved=approved,
        due_on=due_on,
        note=check_text(cmd.note, "note"),
        **acting.on(cmd.occurred_on),
    )
