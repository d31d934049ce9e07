"""A case as its proposer sees it through their link (R-F4): built from the case itself (read
from the store, like ``GET /v1/cases/{id}``), never from a view, so what a proposer just said
shows at once; and only what is theirs to see."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.schemas_proposer import ProposerCase
from domain.case import Case
from domain.checks import web_address
from domain.deadlines.case_deadlines import case_deadlines
from domain.documents import reply_documents
from domain.errors import DomainError, NotFound
from domain.records import Disclosure, Document, Reply
from domain.rules.disclosure import refused_by_proposer
from domain.rules.feedback import check_feedback_allowed, last_dissatisfied, since_latest_reply
from infra.application import BanliApplication
from infra.proposer_links import LinkHolder
from infra.unit_names import unit_name


def feedback_open(case: Case, today: date) -> bool:
    try:
        check_feedback_allowed(case, today)
    except DomainError:
        return False
    return True


def unit_parts(case: Case) -> list[tuple[str, str]]:
    """Each unit on the case with its part: the lead (a 参阅件's unit: ``reference``), the co
    units, the split units (R-A1)."""
    lead = [(case.lead_unit, "reference" if case.reference else "lead")] if case.lead_unit else []
    return lead + [(u, "co") for u in case.co_units] + [(u, "split") for u in case.split_units]


def issued_replies(app: BanliApplication, case: Case) -> list[tuple[Case, Reply]]:
    """The replies issued to the case's proposers, each with the case that carries it: its
    own, and for a merged partner the merge's reply, which its primary carries (R-M1)."""
    found = [(case, r) for r in case.replies.values() if r.issued]
    answer = case.merge.answered_by if case.merge else None
    if answer is not None:
        primary = app.get_case(answer.case_id)
        found.insert(0, (primary, primary.replies[answer.reply_id]))
    return found


def issued_document(app: BanliApplication, case: Case, document_id: str) -> Document:
    """A document of a reply issued to the case's proposers; any other is not found."""
    for carrier, reply in issued_replies(app, case):
        for document in reply_documents(carrier, reply.reply_id):
            if document.document_id == document_id:
                return document
    raise NotFound("该文件不存在", f"no document {document_id} of an issued reply")


def proposer_case(
    app: BanliApplication, case: Case, holder: LinkHolder, today: date, documents_at: str
) -> ProposerCase:
    """``documents_at`` is the path a document's bytes are fetched under (JSON or page)."""
    names: dict[str, str] = {}

    def name(code: str) -> str:
        if code not in names:
            names[code] = unit_name(app, code)
        return names[code]

    replies = [
        {
            "reply_id": r.reply_id,
            "unit": r.unit,
            "unit_name": name(r.unit),
            "classification": r.classification,
            "further": r.further,
            "issued_on": r.issued_on,
            "document_number": r.document_number,
            "documents": [
                {
                    "document_id": d.document_id,
                    "kind": d.kind,
                    "name": d.name,
                    "content_type": d.content_type,
                    "size": d.size,
                    "sha256": d.sha256,
                    "url": f"{documents_at}/{d.document_id}",
                }
                for d in reply_documents(carrier, r.reply_id)
            ],
            # R-M1: the merge's reply, carried by its primary (None: the case's own).
            "merge_primary": carrier.number if carrier is not case else None,
            "summary": r.summary,
            **_disclosed(r, carrier.disclosures.get(r.reply_id)),
        }
        for carrier, r in issued_replies(app, case)
    ]
    units = [
        {
            "unit": unit,
            "unit_name": name(unit),
            "role": role,
            "unit_leader": people.unit_leader if people else None,
            "handler": people.handler if people else None,
            "phone": people.phone if people else None,
        }
        for unit, role in unit_parts(case)
        for people in [case.responsibilities.get(unit)]
    ]
    deadlines = [
        {
            "kind": d.kind,
            "unit": d.unit,
            "unit_name": name(d.unit) if d.unit else None,
            "due_on": d.due_on,
            "status": d.status,
            "days_overdue": d.days_overdue,
            "original_due_on": d.original_due_on,
            "calendar_provisional": d.calendar_provisional,
        }
        for d in case_deadlines(case, app.calendar(), today)
    ]
    said = case.disclosure_preferences.get(holder.proposer)
    own = [f for f in case.feedback if f.source == "proposer" and f.proposer == holder.proposer]
    return ProposerCase.model_validate(
        {
            "case_id": str(case.id),
            "number": case.number,
            "kind": case.kind,
            "year": case.year,
            "title": case.title,
            "stage": case.stage,
            "proposer_name": holder.proposer,
            "proposers": [p.name for p in case.proposers],
            "link_expires_on": holder.expires_on,
            "units": units,
            "deadlines": deadlines,
            "replies": replies,
            "feedback": [
                {
                    "verdict": f.verdict,
                    "comments": f.comments,
                    "occurred_on": f.occurred_on,
                    "on_further_reply": f.on_further_reply,
                }
                for f in own
            ],
            # R-F4: what the office keyed in for the proposers (a call, a letter), shown to the
            # proposer it speaks for, who may say otherwise (a review's deputy never saw the
            # 满意 the office had recorded for her).
            "office_feedback": [
                {
                    "verdict": f.verdict,
                    "comments": f.comments,
                    "occurred_on": f.occurred_on,
                    "on_further_reply": f.on_further_reply,
                }
                for f in case.feedback
                if f.source != "proposer"
            ],
            "answered_latest_reply": bool(since_latest_reply(case, own)),
            "rehandling_for_another": _rehandling_for_another(case, holder.proposer),
            # R-P2: every voice's consent is needed, so another proposer's 不同意 binds this
            # one's reply too (a co-signer read 即将到期 of a publication that would not come).
            "disclosure_refused": refused_by_proposer(case),
            "feedback_open": feedback_open(case, today),
            "disclosure_preference": (
                {
                    "consent_reply": said.consent_reply,
                    "consent_original": said.consent_original,
                    "occurred_on": said.occurred_on,
                }
                if said
                else None
            ),
        }
    )


def _disclosed(reply: Reply, disclosure: Disclosure | None) -> dict[str, Any]:
    """Where and when a reply was published (R-P1), for the proposer to read it there; or that
    it is not to be (R-P5): withheld by the office's record, or meant to be when submitted and
    not published since. The reason stays the office's. Or that it is given on request (R-P1,
    依申请公开), unless the office published or withheld it since."""
    if disclosure is None:
        return {
            "published_on": None,
            "published_url": None,
            "withheld": reply.disclosure == "withheld",
            "on_request": reply.disclosure == "on_request",
        }
    published = disclosure.status == "published"
    withheld = disclosure.status == "withheld"
    return {
        "published_on": disclosure.published_on if published else None,
        # Only a whole http(s) address is linked, as on the register (R-D4: stored ones too).
        "published_url": web_address(disclosure.url) if published else None,
        "withheld": withheld,
        "on_request": reply.disclosure == "on_request" and not (published or withheld),
        # R-P2: a proposer who refused after publishing reads that the reply came down.
        "taken_down_on": disclosure.taken_down_on,
        "taken_down_from": disclosure.taken_down_from,
    }


def _rehandling_for_another(case: Case, proposer: str) -> bool:
    """Whether the case is in re-handling on a 不满意 that is not ``proposer``'s own: the
    latest dissatisfied verdict opened it (R-F2), through another proposer's link or keyed in
    by the office for another (one it keyed in naming no proposer is taken as everyone's)."""
    opened = last_dissatisfied(case) if case.stage == "rehandling" else None
    return opened is not None and opened.proposer not in (None, proposer)
