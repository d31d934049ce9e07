"""What approving a reply asks of the case (R-C1 先协商、后答复; R-F2 a further reply after a
face-to-face contact): checked when a leader approves (``decide_reply``), and asked beforehand
(``approval_refusal``) for those who submit or decide a reply. A reply submitted without them
is taken (the rules let the leader return it, 退回重办), but the workbench says so then, not
when the leader clicks 批准."""

from __future__ import annotations

from datetime import date

from domain.errors import RuleViolation
from domain.records import Reply
from domain.rules.communication import check_contact_before_approval
from domain.rules.feedback import check_face_to_face_since_verdict
from domain.rules.state import CaseState


def check_approvable(case: CaseState, reply: Reply, approved_on: date) -> None:
    """The contacts that count are those made by the day of the approval (the approval's
    date is a fact of the world, R-X1: one of 4-3 does not stand on a contact of 4-4)."""
    check_contact_before_approval(case, reply, approved_on)
    check_face_to_face_since_verdict(case, reply, approved_on)


def approval_refusal(case: CaseState, unit: str, further: bool) -> RuleViolation | None:
    """What approving a reply of ``unit`` (a further one or not) would be refused for now,
    whatever day the leader gives: every contact recorded so far counts."""
    stand_in = Reply("", unit, "A", "", None, "", "", further, date.min, 0)
    try:
        check_approvable(case, stand_in, date.max)
    except RuleViolation as refused:
        return refused
    return None
