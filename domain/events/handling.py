"""The bodies of a case's events while it is handled: assignment, supervision, communication,
visits and co opinions. Each turns the event's stored values into state (typed records);
``domain.case`` declares them as the ``Case``'s events.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.events.replies import close
from domain.records import (
    Actor,
    Contact,
    CoOpinion,
    DeclinedVisit,
    DisclosurePreference,
    KeyDesignation,
    OnSiteHandling,
    PossibleRepeat,
    ReassignmentRequest,
    Reminder,
    Responsibility,
    RulingRecommendation,
    Visit,
)
from domain.records import (
    person as as_person,
)

if TYPE_CHECKING:
    from domain.case import Case

Item = dict[str, Any]  # a record's values as an event stores them


def _handled_by(
    case: Case, lead: str | None, co: list[str], split: list[str], ref: bool, on: date
) -> None:
    case.lead_unit, case.co_units, case.split_units = lead, list(co), list(split)
    case.reference = ref
    # A unit kept on the case keeps the day it first had it; one the change brings in has it
    # from ``on``; one it drops had it until ``on`` (R-X1: its acts fall in those days).
    for unit, since in case.joined_on.items():
        if unit not in case.units:
            case.held_before.setdefault(unit, []).append((since, on))
    case.joined_on = {unit: case.joined_on.get(unit, on) for unit in case.units}
    case.assignment_rounds += 1
    _set_aside_replies(case)


def _set_aside_replies(case: Case) -> None:
    """R-A3: a reply still waiting for approval or issue from a unit that no longer owes one
    (the lead a reassignment or a ruling replaced) answers nothing: it is set aside, so it is
    neither approved nor issued for a case now handled by another unit, nor listed as waiting
    on a leader. Derived from the assignment's own event: the log says what happened."""
    owing = case.replying_units
    for reply in case.replies.values():
        if reply.status in ("submitted", "approved") and reply.unit not in owing:
            reply.status = "superseded"


# assignment 交办


def assigned(
    self: Case,
    *,
    lead_unit: str | None,
    co_units: list[str],
    split_units: list[str],
    reference: bool,
    policy: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    _handled_by(self, lead_unit, co_units, split_units, reference, occurred_on)
    self.policy = policy
    self.assigned_on = self.deadline_start = occurred_on
    self.stage = "handling"


def reassignment_requested(
    self: Case, *, request_id: str, unit: str, reason: str, actor: Actor, occurred_on: date
) -> None:
    self.requests[request_id] = ReassignmentRequest(request_id, unit, reason, "open", occurred_on)


def reassignment_decided(
    self: Case,
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
    self.requests[request_id].status = "approved" if approved else "rejected"
    if approved:
        _handled_by(self, lead_unit, co_units, [], False, occurred_on)
        if restart_deadlines:
            self.deadline_start = occurred_on


def ruling_recommended(
    self: Case,
    *,
    lead_unit: str,
    co_units: list[str],
    note: str,
    actor: Actor,
    occurred_on: date,
    restart_deadlines: bool = False,  # recorded from 2026-12-07 on (R-A4)
) -> None:
    self.ruling_recommendation = RulingRecommendation(
        lead_unit, list(co_units), note, occurred_on, restart_deadlines
    )


def assignment_ruled(
    self: Case,
    *,
    leader: str,
    lead_unit: str,
    co_units: list[str],
    note: str,
    actor: Actor,
    occurred_on: date,
    restart_deadlines: bool = False,  # recorded from 2026-12-07 on (R-A4)
) -> None:
    for request in self.requests.values():
        if request.status == "open":
            request.status = "superseded_by_ruling"
    _handled_by(self, lead_unit, co_units, [], False, occurred_on)
    if restart_deadlines:
        self.deadline_start = occurred_on
    self.ruled = True


# supervision 督办


def key_designated(
    self: Case, *, source: str, leader_in_charge: str | None, actor: Actor, occurred_on: date
) -> None:
    self.key = KeyDesignation(source, leader_in_charge, occurred_on)


def reminded(self: Case, *, means: str, note: str, actor: Actor, occurred_on: date) -> None:
    self.reminders.append(Reminder(means, note, occurred_on, self.event_version))


def possible_repeats_found(
    self: Case, *, repeats: list[Item], actor: Actor, occurred_on: date
) -> None:
    for found in repeats:
        self.possible_repeats[str(found["case_id"])] = PossibleRepeat(
            case_id=str(found["case_id"]),
            number=str(found["number"]),
            year=int(found["year"]),
            score=float(found["score"]),
        )


def repeat_reviewed(
    self: Case, *, of_case_id: str, confirmed: bool, note: str, actor: Actor, occurred_on: date
) -> None:
    repeat = self.possible_repeats[of_case_id]
    repeat.status = "confirmed" if confirmed else "dismissed"
    repeat.note, repeat.reviewed_on = note, occurred_on


# communication, visits


def contact_recorded(
    self: Case,
    *,
    unit: str,
    phase: str,
    channel: str,
    contacted_by: Item,
    person: str,
    reached: bool,
    summary: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    by = as_person(contacted_by)
    self.contacts.append(
        Contact(unit, phase, channel, by, person, reached, summary, occurred_on, self.event_version)
    )
    if reached:
        _reference_done(self, occurred_on)


def visit_recorded(
    self: Case,
    *,
    unit: str,
    organised_by: str,
    visitors: list[Item],
    persons: list[str],
    summary: str,
    proposer_opinion: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    who = [as_person(v) for v in visitors]
    self.visits.append(
        Visit(
            unit,
            organised_by,
            who,
            list(persons),
            summary,
            proposer_opinion,
            occurred_on,
            self.event_version,
        )
    )
    _reference_done(self, occurred_on)


def _reference_done(self: Case, occurred_on: date) -> None:
    """R-R3, R-D5: a reference case owes no reply, only its proposer reached (a contact that
    reached them, or a visit: what meets its deadline, ``case_deadlines._reference_deadline``);
    reached, it is done (办结), where it had stayed 办理中 for good."""
    if self.reference and self.stage == "handling":
        close(self, occurred_on)


def visit_declined(self: Case, *, unit: str, note: str, actor: Actor, occurred_on: date) -> None:
    self.declined_visits.append(DeclinedVisit(unit, note, occurred_on, self.event_version))


def on_site_handled(
    self: Case, *, unit: str, proposer_present: bool, summary: str, actor: Actor, occurred_on: date
) -> None:
    self.on_site_handlings.append(
        OnSiteHandling(unit, proposer_present, summary, occurred_on, self.event_version)
    )


def responsibility_recorded(
    self: Case,
    *,
    unit: str,
    unit_leader: str,
    handler: str,
    phone: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    """The unit's people now: a later record replaces an earlier one (the timeline keeps it)."""
    self.responsibilities[unit] = Responsibility(
        unit, unit_leader, handler, phone, occurred_on, self.event_version
    )


def disclosure_preference_recorded(
    self: Case,
    *,
    consent_reply: bool,
    consent_original: bool,
    actor: Actor,
    occurred_on: date,
    proposer: str | None = None,
) -> None:
    """Each voice's latest word counts: a proposer through their link (R-F4), or a unit or the
    office for the proposers (``proposer`` None). Publishing needs every voice's consent: a
    refusal by one co-signer of a joint suggestion stands until that voice says otherwise."""
    said = DisclosurePreference(consent_reply, consent_original, occurred_on, proposer)
    self.disclosure_preferences[proposer or ""] = said
    voices = list(self.disclosure_preferences.values())
    self.disclosure_preference = DisclosurePreference(
        consent_reply=all(v.consent_reply for v in voices),
        consent_original=all(v.consent_original for v in voices),
        occurred_on=occurred_on,
        proposer=proposer if len(voices) == 1 else None,
    )


def co_opinion_delivered(
    self: Case, *, unit: str, summary: str, disclosure_opinion: str, actor: Actor, occurred_on: date
) -> None:
    self.co_opinions[unit] = CoOpinion(
        unit, summary, disclosure_opinion, occurred_on, self.event_version
    )
