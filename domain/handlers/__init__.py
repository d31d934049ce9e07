"""What each command does: check the rules (``domain.rules``), then record events on the case.

A refusal raises a domain error naming its rule before anything is triggered, so a refused
command records nothing. ``HANDLERS`` is the one table from a command's type to its handler;
``_entry`` makes mypy check that each handler takes the command type it is filed under.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from domain import commands as c
from domain.case import Case
from domain.commands import Acting
from domain.handlers import closing, handling, proposer_side, replies

C = TypeVar("C", bound=c.CaseCommand)
Handler = Callable[[Case, Any, Acting], str | None]


def _entry(
    kind: type[C], handler: Callable[[Case, C, Acting], str | None]
) -> tuple[type[c.CaseCommand], Handler]:
    return kind, handler


HANDLERS: Mapping[type[c.CaseCommand], Handler] = dict(
    [
        _entry(c.Assign, handling.assign),
        _entry(c.RequestReassignment, handling.request_reassignment),
        _entry(c.DecideReassignment, handling.decide_reassignment),
        _entry(c.RecommendRuling, handling.recommend_ruling),
        _entry(c.RuleOnAssignment, handling.rule_on_assignment),
        _entry(c.DesignateKey, handling.designate_key),
        _entry(c.Remind, handling.remind),
        _entry(c.ReviewRepeat, handling.review_repeat),
        _entry(c.RecordContact, handling.record_contact),
        _entry(c.RecordVisit, handling.record_visit),
        _entry(c.RecordVisitDeclined, handling.record_visit_declined),
        _entry(c.RecordOnSiteHandling, handling.record_on_site_handling),
        _entry(c.RecordResponsibility, handling.record_responsibility),
        _entry(c.RecordDisclosurePreference, handling.record_disclosure_preference),
        _entry(c.RecordCoOpinion, handling.record_co_opinion),
        _entry(c.RequestExtension, handling.request_extension),
        _entry(c.DecideExtension, handling.decide_extension),
        _entry(c.SubmitReply, replies.submit_reply),
        _entry(c.DecideReply, replies.decide_reply),
        _entry(c.IssueReply, replies.issue_reply),
        _entry(c.ReviewDisclosure, replies.review_disclosure),
        _entry(c.PublishReply, replies.publish_reply),
        _entry(c.WithholdReply, replies.withhold_reply),
        _entry(c.RecordTakeDown, replies.record_take_down),
        _entry(c.RecordFeedback, closing.record_feedback),
        _entry(c.RecordFollowUpCall, closing.record_follow_up_call),
        _entry(c.Reassess, closing.reassess),
        _entry(c.CloseOut, closing.close_out),
        _entry(c.Correct, closing.correct),
        _entry(c.CreateProposerLink, proposer_side.create_proposer_link),
        _entry(c.RevokeProposerLink, proposer_side.revoke_proposer_link),
        _entry(c.AttachDocument, proposer_side.attach_document),
    ]
)


def handler_for(command: c.CaseCommand) -> Handler:
    return HANDLERS[type(command)]


register = handling.register
merge_cases = closing.merge_cases
undo_merge = closing.undo_merge
designate_unit_key = handling.designate_unit_key
answer_merged_partner = replies.answer_merged_partner
check_merged_disclosure = replies.check_merged_disclosure
check_merged_take_down = replies.check_merged_take_down

__all__ = [
    "HANDLERS",
    "answer_merged_partner",
    "check_merged_disclosure",
    "check_merged_take_down",
    "designate_unit_key",
    "handler_for",
    "merge_cases",
    "register",
    "undo_merge",
]
