"""What a leader approved is what is issued (R-R2): a review's handler corrected an approved
C-class reply to A, alone, and issued it; the case page read 商务厅 A 类 · 批准：同意按C类答复,
and the unit's A-class share rose. A class is corrected before the leader's decision; after
it, the leader returns the reply (退回重办) and the unit sends it up again."""

from __future__ import annotations

from datetime import date

from domain import commands as cmd
from infra.application import BanliApplication
from tests.support import OFFICE, Flow, handler, refused


def corrected_class(flow: Flow, reply_id: str, to: str, by: str = "FIN") -> None:
    version = flow.case.replies[reply_id].version
    correction = cmd.Correct(
        case_id=flow.id, version=version, corrected={"classification": to}, reason="类别录错"
    )
    flow.run(correction, OFFICE if by == "office" else handler(by))


def test_a_class_is_corrected_before_the_leader_decides_not_after_R_R2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact()
    reply = flow.submit(cls="C")
    corrected_class(flow, reply, "B")  # still awaiting the decision: the leader reads B
    assert flow.case.replies[reply].classification == "B"
    flow.approve(reply)
    head = app.recorder.max_notification_id()
    for by in ("FIN", "office"):
        with refused("R-R2", "已经领导批准"):
            corrected_class(flow, reply, "A", by)
    assert app.recorder.max_notification_id() == head
    assert flow.case.replies[reply].classification == "B"


def test_a_leader_returns_an_approved_reply_not_yet_issued_R_R2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact()
    reply = flow.submit(cls="C")
    flow.approve(reply, on=date(2025, 4, 3))
    with refused("R-X1"):  # not before the approval it takes back
        flow.approve(reply, on=date(2025, 4, 2), approved=False)
    with refused("R-R2", "只有待审批的答复可以审批"):
        flow.approve(reply, on=date(2025, 4, 4))  # approved already
    flow.approve(reply, on=date(2025, 4, 4), approved=False)
    assert flow.case.replies[reply].status == "returned"
    with refused("R-R2"):
        flow.issue(reply, on=date(2025, 4, 5))
    again = flow.submit(cls="A", on=date(2025, 4, 5))
    flow.approve(again, on=date(2025, 4, 6))
    flow.issue(again, on=date(2025, 4, 7))
    assert flow.case.replies[again].classification == "A"
    with refused("R-R2"):  # issued: what the proposer holds is not taken back
        flow.approve(again, on=date(2025, 4, 8), approved=False)
