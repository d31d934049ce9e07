"""The order of days the rules rest on, asked again of a case a correction would change
(R-X2): an approval no earlier than a reached contact (R-C1) and, for a further reply, its
face-to-face one after the verdict (R-F2); the lead's issue no earlier than the last co
opinion it waited for (R-R2). Each command checks its own step when it is recorded; a
corrected date moves an earlier step under a later one, which those checks never see again.
"""

from __future__ import annotations

from domain.errors import RuleViolation
from domain.rules.approval import check_approvable
from domain.rules.replies import check_co_opinions_arrived
from domain.rules.state import CaseState


def order_refusals(case: CaseState) -> dict[tuple[str, str], RuleViolation]:
    """What each approved or issued reply's steps would now be refused for, by reply and step."""
    found: dict[tuple[str, str], RuleViolation] = {}
    for reply in case.replies.values():
        if reply.status not in ("approved", "issued"):
            continue
        try:
            if reply.approved_on is not None:
                check_approvable(case, reply, reply.approved_on)
        except RuleViolation as refused:
            found[(reply.reply_id, "approval")] = refused
        try:
            if reply.issued and reply.issued_on is not None:
                check_co_opinions_arrived(case, reply, reply.override_reason, reply.issued_on)
        except RuleViolation as refused:
            found[(reply.reply_id, "issue")] = refused
    return found


def check_order_kept(before: CaseState, after: CaseState) -> None:
    """R-X2: a correction is refused where it breaks an order that held before it. What was
    out of order already (recorded before a check existed) is not the correction's doing."""
    held = order_refusals(before)
    for key, refused in order_refusals(after).items():
        if key not in held:
            raise RuleViolation(
                refused.rule or "R-X2",
                f"更正后：{refused.zh}",
                f"after the correction: {refused.en}",
            )
