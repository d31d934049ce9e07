"""A corrected date is held to the order the rules rest on (R-X2 with R-C1, R-F2, R-R2): a
review moved the only face-to-face visit after a 不满意 to before the verdict, and the
further reply it had allowed stood approved on nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from infra.application import BanliApplication
from tests.support import OFFICE, Flow, correct, ctx, refused


def _moved(flow: Flow, recorded: Any, to: date, rule: str, saying: str = "") -> None:
    """The event ``recorded`` made, moved to ``to``: refused for ``rule``, nothing written."""
    head = flow.app.recorder.max_notification_id()
    with refused(rule, saying):
        _correct(flow, recorded, to)
    assert flow.app.recorder.max_notification_id() == head


def _correct(flow: Flow, recorded: Any, to: date) -> None:
    correct(
        flow.app,
        ctx(OFFICE),
        flow.id,
        event_id=recorded.events[0]["id"],
        reason="日期记错",
        corrected={"occurred_on": to.isoformat()},
    )


def test_a_contact_is_not_moved_after_the_approval_it_allowed_R_C1_R_X2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    contact = flow.contact(on=date(2025, 2, 10))
    reply = flow.submit(on=date(2025, 4, 1))
    flow.approve(reply, on=date(2025, 4, 3))
    _moved(flow, contact, date(2025, 4, 4), "R-C1", "更正后")
    _correct(flow, contact, date(2025, 4, 3))  # the day of the approval is in order
    assert flow.case.contacts[0].occurred_on == date(2025, 4, 3)


def test_the_face_to_face_visit_is_not_moved_before_the_verdict_it_answered_R_F2_R_X2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    flow.replied(on=date(2025, 4, 5))
    flow.feedback("dissatisfied", on=date(2025, 5, 1))
    visit = flow.visit(on=date(2025, 5, 5))
    further = flow.submit(on=date(2025, 5, 6))
    flow.approve(further, on=date(2025, 5, 8))
    _moved(flow, visit, date(2025, 4, 20), "R-F2")
    _correct(flow, visit, date(2025, 5, 2))  # still after the verdict: nothing rests on more


def test_a_co_opinion_is_not_moved_after_the_reply_that_waited_for_it_R_R2_R_X2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.contact()
    opinion = flow.co_opinion("HOU", on=date(2025, 3, 1))
    reply = flow.submit()
    flow.approve(reply)
    flow.issue(reply, on=date(2025, 4, 5))
    _moved(flow, opinion, date(2025, 4, 6), "R-R2", "会办意见送达日期 2025-04-06")
    _correct(flow, opinion, date(2025, 4, 5))
