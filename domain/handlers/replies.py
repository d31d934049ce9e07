"""Handlers of replies and disclosure: submit, approve or return, issue (answering a merge's
partners too), publish or withhold. Each checks the rules, then records one event."""

from __future__ import annotations

from collections.abc import Sequence

from domain import commands as c
from domain.case import Case
from domain.checks import (
    check_bool,
    check_one_of,
    check_optional_text,
    check_text,
    check_web_address,
)
from domain.commands import Acting
from domain.handlers.handling import check_handling, new_item_id
from domain.records import Actor, Reply
from domain.rules import (
    accountability,
    approval,
    communication,
    disclosure,
    feedback,
    merge,
    replies,
    submission,
)
from domain.vocabulary import CLASSIFICATIONS, COPIES_BY_KIND


def submit_reply(case: Case, cmd: c.SubmitReply, acting: Acting) -> str:
    check_handling(case, cmd.occurred_on, acting.today)
    unit = check_text(cmd.unit, "unit")
    further = submission.check_may_submit(case, unit)
    accountability.check_after_joining(case, unit, cmd.occurred_on)
    submission.check_after_return(case, unit, cmd.occurred_on)
    feedback.check_after_verdict(case, cmd.occurred_on)
    option, reason = disclosure.disclosure_option(case, cmd.disclosure, cmd.withheld_reason)
    form = communication.check_consultation_form(cmd.consultation_form_ref)
    reply_id = new_item_id()
    case.reply_submitted(
        reply_id=reply_id,
        unit=unit,
        classification=check_one_of(cmd.classification, CLASSIFICATIONS, "classification"),
        disclosure=option,
        withheld_reason=reason,
        consultation_form_ref=form,
        summary=check_text(cmd.summary, "summary"),
        further=further,
        **acting.on(cmd.occurred_on),
    )
    return reply_id


def decide_reply(case: Case, cmd: c.DecideReply, acting: Acting) -> None:
    reply = replies.reply_of(case, cmd.reply_id)
    check_handling(case, cmd.occurred_on, acting.today)
    accountability.check_not_before(cmd.occurred_on, reply.submitted_on, "送审日期 submission date")
    approved = check_bool(cmd.approved, "approved")
    replies.check_awaiting_decision(reply, approved)
    if reply.approved_on is not None and reply.status == "approved":  # returned after approval
        accountability.check_not_before(
            cmd.occurred_on, reply.approved_on, "批准日期 approval date"
        )
    if approved:
        approval.check_approvable(case, reply, cmd.occurred_on)
    case.reply_decided(
        reply_id=cmd.reply_id,
        approved=approved,
        leader=check_text(cmd.leader, "leader"),
        note=check_text(cmd.note, "note"),
        **acting.on(cmd.occurred_on),
    )


def issue_reply(case: Case, cmd: c.IssueReply, acting: Acting) -> None:
    reply = replies.reply_of(case, cmd.reply_id)
    check_handling(case, cmd.occurred_on, acting.today)
    replies.check_approved(reply)
    assert reply.approved_on is not None
    accountability.check_not_before(cmd.occurred_on, reply.approved_on, "批准日期 approval date")
    override = check_optional_text(cmd.override_reason, "override_reason")
    replies.check_override_by_office(override, acting.actor["role"])
    replies.check_co_opinions_arrived(case, reply, override, cmd.occurred_on)
    case.reply_issued(
        reply_id=cmd.reply_id,
        document_number=replies.check_document_number(case, reply, cmd.document_number),
        override_reason=override,
        recipients=communication.reply_recipients(case),
        copies=list(COPIES_BY_KIND[case.kind]),
        **acting.on(cmd.occurred_on),
    )


def answer_merged_partner(partner: Case, primary: Case, reply: Reply, actor: Actor) -> None:
    """R-M1: the first reply issued on a merge's primary case answers every partner."""
    merge.unanswered_merge(partner)
    assert reply.document_number is not None and reply.issued_on is not None
    partner.merged_reply_issued(
        primary_case_id=str(primary.id),
        primary_number=primary.number,
        reply_id=reply.reply_id,
        unit=reply.unit,
        classification=reply.classification,
        document_number=reply.document_number,
        actor=actor,
        occurred_on=reply.issued_on,
    )


def publish_reply(case: Case, cmd: c.PublishReply, acting: Acting) -> None:
    reply = replies.reply_of(case, cmd.reply_id)
    check_handling(case, cmd.published_on, acting.today)
    include_original = check_bool(cmd.include_original, "include_original")
    disclosure.check_publishable(case, reply, include_original)
    assert reply.issued_on is not None
    accountability.check_not_before(
        cmd.published_on, reply.issued_on, "印发日期 issue date", "公开日期 published_on"
    )
    reviewed = disclosure.check_reviewed(case, reply, cmd.published_on)
    review = disclosure.check_secrecy_review(
        case, cmd.secrecy_review_ref or reviewed.secrecy_review_ref
    )
    case.reply_published(
        reply_id=cmd.reply_id,
        url=check_web_address(cmd.url, "url"),
        include_original=include_original,
        secrecy_review_ref=review,
        **acting.on(cmd.published_on),
    )


def review_disclosure(case: Case, cmd: c.ReviewDisclosure, acting: Acting) -> None:
    reply = replies.reply_of(case, cmd.reply_id)
    check_handling(case, cmd.occurred_on, acting.today)
    disclosure.check_undecided(case, reply)
    assert reply.issued_on is not None
    accountability.check_not_before(cmd.occurred_on, reply.issued_on, "印发日期 issue date")
    approved = check_bool(cmd.approved, "approved")
    disclosure.check_review_verdict(case, approved)
    case.disclosure_reviewed(
        reply_id=cmd.reply_id,
        approved=approved,
        secrecy_review_ref=check_optional_text(cmd.secrecy_review_ref, "secrecy_review_ref"),
        note=check_text(cmd.note, "note"),
        **acting.on(cmd.occurred_on),
    )


def check_merged_disclosure(
    primary: Case, cmd: c.ReviewDisclosure | c.PublishReply, partners: Sequence[Case]
) -> None:
    """R-P2 with R-M1: the merge's reply is not approved for publishing, nor published, when
    a partner's proposer refused (the partners are loaded with the primary for this)."""
    reply = replies.reply_of(primary, cmd.reply_id)
    approving = not isinstance(cmd, c.ReviewDisclosure) or bool(cmd.approved)
    disclosure.check_partners_consent(reply, partners, approving)


def record_take_down(case: Case, cmd: c.RecordTakeDown, acting: Acting) -> None:
    """R-P2 after publishing: the reply its proposers came to refuse was taken down. A merge's
    reply is taken down for a partner's refusal too: ``check_merged_take_down`` weighs that
    with the partners loaded."""
    reply = replies.reply_of(case, cmd.reply_id)
    check_handling(case, cmd.occurred_on, acting.today)
    published = disclosure.check_take_down(case, reply)
    assert published.published_on is not None
    accountability.check_not_before(
        cmd.occurred_on,
        published.published_on,
        "公开日期 published date",
        "撤下日期 taken-down date",
    )
    if not disclosure.answers_merge(case, reply):
        disclosure.check_refused_since(case, reply, (), cmd.occurred_on)
    case.reply_taken_down(
        reply_id=cmd.reply_id,
        taken_down_from=check_text(cmd.taken_down_from, "taken_down_from"),
        **acting.on(cmd.occurred_on),
    )


def check_merged_take_down(primary: Case, cmd: c.RecordTakeDown, partners: Sequence[Case]) -> None:
    """R-P2 with R-M1: a merge's reply comes down when any merged case's proposers refused."""
    reply = replies.reply_of(primary, cmd.reply_id)
    if disclosure.answers_merge(primary, reply):
        disclosure.check_refused_since(primary, reply, partners, cmd.occurred_on)


def withhold_reply(case: Case, cmd: c.WithholdReply, acting: Acting) -> None:
    reply = replies.reply_of(case, cmd.reply_id)
    check_handling(case, cmd.occurred_on, acting.today)
    disclosure.check_undecided(case, reply)
    case.reply_withheld(
        reply_id=cmd.reply_id,
        withheld_reason=disclosure.check_withheld_reason(cmd.withheld_reason),
        **acting.on(cmd.occurred_on),
    )
