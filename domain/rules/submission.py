"""Whether a unit may submit a reply now (答复送审): the lead or a split unit of a case that is
no reference case (R-R3), not a merged partner the primary's reply answers (R-M1), with no reply
of its own awaiting approval or issue (R-R2), and none issued unless re-handling asks for a
further one (R-F2). Asked by the command and by the case page, which offers the form to a unit
these take and to no other."""

from __future__ import annotations

from datetime import date

from domain.rules.accountability import check_not_before
from domain.rules.feedback import is_further_reply
from domain.rules.merge import check_answered_by_primary
from domain.rules.replies import check_may_reply, check_no_reply_in_progress
from domain.rules.state import CaseState


def check_may_submit(case: CaseState, unit: str) -> bool:
    """Refuses a submission the case does not take now; whether it is a further reply."""
    check_may_reply(case, unit)
    check_answered_by_primary(case)
    check_no_reply_in_progress(case, unit)
    return is_further_reply(case, unit)


def check_after_return(case: CaseState, unit: str, submitted_on: date) -> None:
    """R-X1: a reply resubmitted after 退回重办 is not dated before the return it answers."""
    returned = [r.returned_on for r in case.replies.values() if r.unit == unit and r.returned_on]
    if returned:
        check_not_before(
            submitted_on, max(returned), "退回日期 return date", "送审日期 submitted_on"
        )
