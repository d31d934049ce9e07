"""Handlers after the reply: feedback, follow-up calls, reassessment, close-out; and the merge
and corrections. Each checks the rules, then records events."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from domain import commands as c
from domain.case import Case
from domain.checks import check_dict, check_one_of, check_storable, check_text
from domain.commands import Acting
from domain.corrections import CORRECTABLE, check_corrected_number, check_corrected_reply
from domain.errors import NotFound, RuleViolation
from domain.events.closing import already_holds, correctable_items
from domain.handlers.handling import check_handling
from domain.rules import accountability, date_order, feedback, merge, review
from domain.vocabulary import VERDICTS


def record_feedback(case: Case, cmd: c.RecordFeedback, acting: Acting) -> None:
    # The reply first: a verdict answers it, and its date is the bound a proposer knows (a date
    # before it was refused as before the assignment, a step they never saw).
    feedback.check_feedback_allowed(case, cmd.occurred_on)
    check_handling(case, cmd.occurred_on, acting.today)
    source = feedback.feedback_source(case, acting.actor["role"], cmd.proposer)
    verdict = check_one_of(cmd.verdict, VERDICTS, "verdict")
    said = check_storable(cmd.comments, "comments") if isinstance(cmd.comments, str) else ""
    case.feedback_recorded(
        verdict=verdict,
        comments=feedback.check_comments(verdict, said),
        **acting.on(cmd.occurred_on),
        source=source,
        proposer=cmd.proposer if source == "proposer" else None,
    )


def record_follow_up_call(case: Case, cmd: c.RecordFollowUpCall, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    feedback.check_follow_up_allowed(case, cmd.occurred_on)
    case.follow_up_called(summary=check_text(cmd.summary, "summary"), **acting.on(cmd.occurred_on))


def reassess(case: Case, cmd: c.Reassess, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    classification = review.check_reassessable(case, cmd.occurred_on)
    case.reassessed(
        classification=classification,
        finding=review.check_finding(classification, cmd.finding),
        note=check_text(cmd.note, "note"),
        **acting.on(cmd.occurred_on),
    )


def close_out(case: Case, cmd: c.CloseOut, acting: Acting) -> None:
    check_handling(case, cmd.occurred_on, acting.today)
    review.check_close_out_allowed(case)
    review.check_close_out_day(case, cmd.occurred_on)
    case.closed_out(note=check_text(cmd.note, "note"), **acting.on(cmd.occurred_on))


def correct(case: Case, cmd: c.Correct, acting: Acting) -> None:
    """R-X2: a correcting event names the event it corrects, why, and the amended fields."""
    fields = check_dict(cmd.corrected, "corrected")
    reason = check_text(cmd.reason, "reason")
    original = case.recorded_by.get(cmd.version)
    if original is None:
        raise NotFound("被更正的事件不存在", f"no event at version {cmd.version} on this case")
    accountability.check_may_correct(acting.actor, original)
    if "classification" in fields:
        check_corrected_reply(case, cmd.version)
    if "document_number" in fields:
        check_corrected_number(case)
    changes = accountability.check_correction(case, original, fields, CORRECTABLE, acting.today)
    if "occurred_on" in changes:  # an act moved to a day its unit did not yet have the case
        for record in correctable_items(case, original.event_type, cmd.version):
            unit = getattr(record, "unit", None)
            accountability.check_after_joining(case, unit, changes["occurred_on"])
    accountability.check_changes_record(
        already_holds(case, original.event_type, cmd.version, changes)
    )

    def amend(on: Case) -> None:
        on.corrected(
            corrects_version=cmd.version,
            corrects_type=original.event_type,
            reason=reason,
            corrected=changes,
            **acting.on(acting.today),
        )

    if "occurred_on" in changes:  # applied to a copy first: what the case would then hold
        after = copy.deepcopy(case)
        amend(after)
        date_order.check_order_kept(case, after)
    amend(case)


def undo_merge(cases: Sequence[Case], reason: str, occurred_on: date, acting: Acting) -> str:
    """R-M1: one ``MergeUndone`` on each case of the merge (saved together): each is answered
    by its own units again, and each history keeps the merge and its undoing."""
    undone = merge.undoable_merge(cases)
    why = check_text(reason, "reason")
    accountability.check_not_before(occurred_on, undone.occurred_on, "并案日期 merge date")
    for case in cases:
        check_handling(case, occurred_on, acting.today)
    for case in cases:
        case.merge_undone(
            merge_id=undone.merge_id,
            separated=list(undone.numbers),
            reason=why,
            **acting.on(occurred_on),
        )
    return undone.merge_id


def merge_cases(cases: Sequence[Case], occurred_on: date, acting: Acting) -> str:
    """R-M1 across all the cases, then one ``Merged`` event on each (saved together), so each
    case's own history shows the merge, its partners, and every proposer the reply goes to."""
    merge.check_mergeable(cases)
    for case in cases:
        try:
            check_handling(case, occurred_on, acting.today)
        except RuleViolation as refused:
            # Said of the case it is about: 该件尚未交办 read as the case on screen (R-M1: a
            # refusal names the cases it is about).
            raise RuleViolation(
                refused.rule or "R-M1",
                f"{case.number}：{refused.zh}",
                f"{case.number}: {refused.en}",
            ) from None
    merge.check_same_replying_units(cases)
    merge_id = uuid.uuid4().hex[:12]
    case_ids = [str(case.id) for case in cases]
    proposers = [asdict(p) for p in merge.merged_proposers(cases)]
    for case in cases:
        case.merged(
            merge_id=merge_id,
            case_ids=case_ids,
            numbers=[other.number for other in cases],
            proposers=proposers,
            primary_case_id=case_ids[0],
            **acting.on(occurred_on),
        )
    return merge_id
