"""The public shape of one case (API.md ``GET /v1/cases/{id}``), from its aggregate state.

Read straight from the event store rather than a view, so a case is always current and can be
shown as it was at any recorded time (R-X3) with the deadlines of any day.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.case_deadlines import case_deadlines
from domain.documents import reply_letter
from domain.records import (
    Disclosure,
    DisclosureReview,
    Document,
    ProposerLink,
    Reply,
    Responsibility,
)
from domain.rules.communication import reply_recipients
from domain.rules.review import reassessment_findings
from projections.core import case_heading


def _reply(case: Case, reply: Reply) -> dict[str, Any]:
    letter = reply_letter(case, reply.reply_id)
    return {
        "reply_id": reply.reply_id,
        "unit": reply.unit,
        "classification": reply.classification,
        "disclosure": reply.disclosure,
        "withheld_reason": reply.withheld_reason,
        "summary": reply.summary,
        "consultation_form_ref": reply.consultation_form_ref,
        "status": reply.status,
        "recipients": reply.recipients,
        "copies": reply.copies,
        "further": reply.further,
        "submitted_on": _iso(reply.submitted_on),
        "leader": reply.leader,
        # One of the two: a returned reply is redone as a new one, never approved.
        "decided_on": _iso(reply.approved_on or reply.returned_on),
        "decision_note": reply.decision_note,
        "issued_on": _iso(reply.issued_on),
        "document_number": reply.document_number,
        "document_id": letter.document_id if letter else None,
    }


def _disclosure(disclosure: Disclosure) -> dict[str, Any]:
    """As the API shows it: the record without the event that made it (kept for R-X2)."""
    shown: dict[str, Any] = plain(disclosure)
    shown.pop("version")
    return shown


def _review(review: DisclosureReview) -> dict[str, Any]:
    return {
        "approved": review.approved,
        "secrecy_review_ref": review.secrecy_review_ref,
        "note": review.note,
        "occurred_on": review.occurred_on.isoformat(),
    }


def document_item(document: Document) -> dict[str, Any]:
    return {
        "document_id": document.document_id,
        "kind": document.kind,
        "reply_id": document.reply_id,
        "name": document.name,
        "content_type": document.content_type,
        "sha256": document.sha256,
        "size": document.size,
        "occurred_on": _iso(document.occurred_on),
    }


def _link(link: ProposerLink, as_of: date) -> dict[str, Any]:
    """A proposer link as the office sees it: never its hash (nor, of course, its token)."""
    return {
        "link_id": link.link_id,
        "proposer_name": link.proposer,
        "prefix": link.prefix,
        "expires_on": _iso(link.expires_on),
        "email": link.email,
        "created_on": _iso(link.created_on),
        "revoked_on": _iso(link.revoked_on),
        "status": link.status(as_of),
    }


def _responsibility(people: Responsibility) -> dict[str, Any]:
    return {
        "unit": people.unit,
        "unit_leader": people.unit_leader,
        "handler": people.handler,
        "phone": people.phone,
        "occurred_on": _iso(people.occurred_on),
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def plain(value: Any) -> Any:
    """Records to dicts and dates to ISO strings, recursively, for JSON."""
    if hasattr(value, "__dataclass_fields__"):
        value = asdict(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return _iso(value)


def case_document(case: Case, calendar: WorkdayCalendar, as_of: date) -> dict[str, Any]:
    key = case.key
    return {
        **case_heading(case),
        "text": case.text,
        "stage": case.stage,
        "policy": case.policy,
        "reference": case.reference,
        "key": key is not None,
        "key_source": key.source if key else None,
        "leader_in_charge": key.leader_in_charge if key else None,
        "lead_unit": case.lead_unit,
        "co_units": case.co_units,
        "split_units": case.split_units,
        "assignment_rounds": case.assignment_rounds,
        "assigned_on": _iso(case.assigned_on),
        # Since when each unit on the case has had it (R-X1: none of its acts is dated earlier).
        "joined_on": {unit: _iso(day) for unit, day in case.joined_on.items()},
        # R-A2: the office's recommendation a leader's ruling answers (None: none made).
        "ruling_recommendation": plain(case.ruling_recommendation),
        # R-A3: every 改办 request and what became of it (the timeline alone had told).
        "reassignment_requests": plain(list(case.requests.values())),
        # Who answers for each unit's part now (a unit that left keeps its record in the log).
        "responsibilities": [
            _responsibility(case.responsibilities[u])
            for u in case.units
            if u in case.responsibilities
        ],
        # R-D1: what each co unit told the lead, read where the reply is drafted.
        "co_opinions": plain(sorted(case.co_opinions.values(), key=lambda o: o.version)),
        "proposers": plain(case.proposers),
        # R-C4: whom a reply goes to, and so who may have a personal link (R-F4).
        "reply_recipients": reply_recipients(case),
        "replies": [_reply(case, r) for r in case.replies.values()],
        "feedback": plain(case.feedback),
        "disclosures": {reply_id: _disclosure(d) for reply_id, d in case.disclosures.items()},
        "disclosure_reviews": {
            reply_id: _review(r) for reply_id, r in case.disclosure_reviews.items()
        },
        "merge": plain(case.merge),
        "under_supervision": case.under_supervision,
        "closed_out_on": _iso(case.closed_out_on),
        # R-Rv1: what a 回头看 may find now (the form offers these, and none when empty).
        "reassessment_findings": reassessment_findings(case),
        "deadlines": [d.as_dict() for d in case_deadlines(case, calendar, as_of)],
        # R-E1: every request for more time and the office's decision; R-S4: earlier years'
        # cases found alike on registration, with the office's verdict.
        "extensions": plain(list(case.extensions.values())),
        "possible_repeats": plain(list(case.possible_repeats.values())),
        "documents": [document_item(d) for d in case.documents.values()],
        "proposer_links": [_link(link, as_of) for link in case.proposer_links.values()],
        "version": case.version,
    }
