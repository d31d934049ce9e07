"""The bodies of a case's reply events: a reply submitted, decided, issued (or the merge's reply
answering a partner), published or withheld, and a published one taken down (R-P2).
``domain.case`` declares them as events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from domain.records import Actor, Closing, Disclosure, DisclosureReview, MergeAnswer, Reply

if TYPE_CHECKING:
    from domain.case import Case


def close(case: Case, on: date) -> None:
    """The case is closed (办结); it reopens on a dissatisfied verdict (R-F2)."""
    case.stage = "closed"
    case.closings.append(Closing(on, case.event_version))


def reply_submitted(
    self: Case,
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
    self.replies[reply_id] = Reply(
        reply_id=reply_id,
        unit=unit,
        classification=classification,
        disclosure=disclosure,
        withheld_reason=withheld_reason,
        consultation_form_ref=consultation_form_ref,
        summary=summary,
        further=further,
        submitted_on=occurred_on,
        version=self.event_version,
    )


def reply_decided(
    self: Case,
    *,
    reply_id: str,
    approved: bool,
    leader: str,
    note: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    reply = self.replies[reply_id]
    reply.status = "approved" if approved else "returned"
    if approved:
        reply.approved_on = occurred_on
    else:
        reply.returned_on = occurred_on
    reply.leader, reply.decision_note = leader, note


def reply_issued(
    self: Case,
    *,
    reply_id: str,
    document_number: str,
    override_reason: str | None,
    recipients: list[str],
    copies: list[str],
    actor: Actor,
    occurred_on: date,
) -> None:
    reply = self.replies[reply_id]
    reply.status, reply.issued_on = "issued", occurred_on
    reply.document_number, reply.override_reason = document_number, override_reason
    reply.recipients, reply.copies = list(recipients), list(copies)
    reply.issued_version = self.event_version
    if reply.further:
        close(self, occurred_on)  # API.md: closed after the further reply is issued
        self.rehandling_opened_on = None
    elif all(u in {r.unit for r in self.replies.values() if r.issued} for u in self.replying_units):
        self.stage = "replied"


def merged_reply_issued(
    self: Case,
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
    assert self.merge is not None
    self.merge.answered_by = MergeAnswer(
        case_id=primary_case_id,
        number=primary_number,
        reply_id=reply_id,
        unit=unit,
        classification=classification,
        document_number=document_number,
        issued_on=occurred_on,
    )
    if self.stage == "handling":
        self.stage = "replied"
    elif self.stage == "rehandling":
        close(self, occurred_on)


def disclosure_reviewed(
    self: Case,
    *,
    reply_id: str,
    approved: bool,
    secrecy_review_ref: str | None,
    note: str,
    actor: Actor,
    occurred_on: date,
) -> None:
    self.disclosure_reviews[reply_id] = DisclosureReview(
        approved, secrecy_review_ref, note, occurred_on, self.event_version
    )


def reply_published(
    self: Case,
    *,
    reply_id: str,
    url: str,
    include_original: bool,
    secrecy_review_ref: str | None,
    actor: Actor,
    occurred_on: date,
) -> None:
    self.disclosures[reply_id] = Disclosure(
        published_on=occurred_on,
        status="published",
        url=url,
        include_original=include_original,
        secrecy_review_ref=secrecy_review_ref,
        version=self.event_version,
    )


def reply_withheld(
    self: Case, *, reply_id: str, withheld_reason: str, actor: Actor, occurred_on: date
) -> None:
    self.disclosures[reply_id] = Disclosure(
        status="withheld",
        withheld_on=occurred_on,
        withheld_reason=withheld_reason,
        version=self.event_version,
    )


def reply_taken_down(
    self: Case, *, reply_id: str, taken_down_from: str, actor: Actor, occurred_on: date
) -> None:
    self.disclosures[reply_id] = replace(
        self.disclosures[reply_id], taken_down_on=occurred_on, taken_down_from=taken_down_from
    )
