"""What follows a reply never happens before it (R-X1): a further reply before the verdict that
asked for it (R-F2), a follow-up call (R-F3) or a reassessment (R-Rv1) before the first reply.
A browser review recorded each of these; none of their dates can be corrected afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from domain import commands as cmd
from domain.errors import RuleViolation
from infra.application import BanliApplication
from tests.support import OFFICE, SUPERVISOR, Flow


def refused_before(app: BanliApplication, run: Callable[[], object], earliest: str) -> None:
    head = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        run()
    assert refused.value.rule == "R-X1" and earliest in refused.value.zh
    assert app.recorder.max_notification_id() == head


def test_a_further_reply_is_not_dated_before_the_verdict_that_asked_for_it_R_F2_R_X1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    flow.replied(on=date(2025, 4, 5))
    flow.feedback("dissatisfied", on=date(2025, 5, 1))
    refused_before(app, lambda: flow.submit(on=date(2025, 4, 30)), "不满意反馈日期 2025-05-01")
    flow.submit(on=date(2025, 5, 1))


def test_a_follow_up_call_and_a_reassessment_come_after_the_reply_R_F3_R_Rv1_R_X1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    flow.replied(on=date(2025, 4, 5))
    call = {"case_id": flow.id, "summary": "电话回访，代表无新意见"}
    refused_before(
        app,
        lambda: flow.run(cmd.RecordFollowUpCall(**call, occurred_on=date(2025, 4, 4)), OFFICE),
        "答复日期 2025-04-05",
    )
    flow.run(cmd.RecordFollowUpCall(**call, occurred_on=date(2025, 4, 5)), OFFICE)
    look = {"case_id": flow.id, "finding": "implemented", "note": "已落实"}
    refused_before(
        app,
        lambda: flow.run(cmd.Reassess(**look, occurred_on=date(2025, 3, 1)), SUPERVISOR),
        "答复日期 2025-04-05",
    )
    flow.run(cmd.Reassess(**look, occurred_on=date(2025, 4, 5)), SUPERVISOR)


def test_a_further_reply_is_not_approved_before_its_face_to_face_contact_R_F2(
    app: BanliApplication,
) -> None:
    """The meeting after a 不满意 is what the further reply answers from (R-F2): an approval
    dated before it stood on a meeting that had not happened yet."""
    flow = Flow(app)
    flow.assign()
    flow.replied(on=date(2025, 4, 5))
    flow.feedback("dissatisfied", on=date(2025, 5, 1))
    reply = flow.submit(on=date(2025, 5, 2))
    flow.visit(on=date(2025, 5, 10))
    head = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        flow.approve(reply, on=date(2025, 5, 9))
    assert refused.value.rule == "R-F2" and app.recorder.max_notification_id() == head
    flow.approve(reply, on=date(2025, 5, 10))
    assert flow.case.replies[reply].status == "approved"
