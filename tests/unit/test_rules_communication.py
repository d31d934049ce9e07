"""Communication 沟通 and visits 走访: R-C1 … R-C4, R-V1, R-V4."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import InvalidInput
from domain.records import Person, Proposer
from infra.application import BanliApplication
from tests.support import Flow, deputies, refused


def test_approval_needs_a_reached_contact_R_C1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact(reached=False)  # a failed attempt is kept but does not count (R-C2)
    reply = flow.submit()
    with refused("R-C1"):
        flow.approve(reply)
    flow.approve(reply, approved=False)  # the office returns it instead: 退回重办
    assert flow.case.replies[reply].status == "returned"
    flow.contact(on=date(2025, 4, 4))
    again = flow.submit(on=date(2025, 4, 5))
    flow.approve(again, on=date(2025, 4, 6))
    assert flow.case.replies[again].status == "approved"


def test_an_approval_is_not_dated_before_the_proposer_was_reached_R_C1(
    app: BanliApplication,
) -> None:
    """先协商、后答复 by the days: a leader's approval of 4-3 stood on a contact of 4-4."""
    flow = Flow(app)
    flow.assign()
    flow.contact(reached=False, on=date(2025, 2, 10))
    flow.contact(on=date(2025, 4, 4))
    reply = flow.submit(on=date(2025, 4, 1))
    with refused("R-C1", "2025-04-04"):
        flow.approve(reply, on=date(2025, 4, 3))
    flow.approve(reply, on=date(2025, 4, 4))
    assert flow.case.replies[reply].status == "approved"


def test_a_visit_counts_as_reaching_the_proposer_R_C1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.visit()
    reply = flow.submit()
    flow.approve(reply)
    assert flow.case.replies[reply].status == "approved"


def test_contacts_by_another_unit_do_not_count_for_the_reply_R_C1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.contact("HOU")
    reply = flow.submit("FIN")
    with refused("R-C1"):
        flow.approve(reply)


def test_contact_records_every_field_and_keeps_failed_attempts_R_C2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact(reached=False, channel="wechat", phase="before")
    flow.contact(reached=True, channel="meeting", phase="during")
    contacts = flow.case.contacts
    assert [c.reached for c in contacts] == [False, True]
    assert contacts[0].contacted_by == Person(name="王科长", rank="科长")
    assert {c.channel for c in contacts} == {"wechat", "meeting"}


@pytest.mark.parametrize(
    "bad",
    [
        {"channel": "carrier_pigeon"},
        {"phase": "later"},
        {"contacted_by": {"name": "王"}},  # rank missing
        {"summary": "  "},
        {"reached": "yes"},
    ],
)
def test_incomplete_contact_is_refused_R_C2(app: BanliApplication, bad: dict[str, Any]) -> None:
    flow = Flow(app)
    flow.assign()
    with pytest.raises(InvalidInput):
        flow.contact(**bad)
    assert flow.case.contacts == []


def test_reply_needs_the_consultation_form_R_C3(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact()
    with refused("R-C3"):
        flow.submit(consultation_form_ref="")
    assert flow.case.replies == {}
    reply = flow.submit()
    assert flow.case.replies[reply].consultation_form_ref == "征询表-001"


def test_joint_suggestion_reply_goes_to_every_deputy_R_C4(app: BanliApplication) -> None:
    flow = Flow(app, proposers=deputies("张三", "李四", "王五"))
    flow.assign()
    reply = flow.replied()
    assert flow.case.replies[reply].recipients == ["张三", "李四", "王五"]


def test_joint_proposal_reply_goes_only_to_the_lead_member_R_C4(app: BanliApplication) -> None:
    members = [
        Proposer(name="陈委员", type="member", role="lead"),
        Proposer(name="林委员", type="member", role="co_signer"),
    ]
    flow = Flow(app, kind="proposal", proposers=members)
    flow.assign()
    reply = flow.replied()
    assert flow.case.replies[reply].recipients == ["陈委员"]


def test_suggestion_signed_by_a_member_is_refused_R_C4(app: BanliApplication) -> None:
    with refused("R-C4"):
        Flow(app, proposers=[Proposer(name="陈委员", type="member", role="lead")])


def test_a_proposer_listed_twice_is_refused_and_nothing_is_registered_R_C4(
    app: BanliApplication,
) -> None:
    """Their reply would go to them twice, their links and contacts be offered twice."""
    twice = [
        Proposer(name="王五", type="deputy", role="lead"),
        Proposer(name="李四", type="deputy", role="co_signer"),
        Proposer(name="王五", type="deputy", role="co_signer"),
    ]
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput, match="提出人重复：王五") as caught:
        Flow(app, proposers=twice)
    assert caught.value.field == "proposers"
    assert app.recorder.max_notification_id() == before


def test_visit_delegated_to_a_subordinate_unit_is_refused_R_V1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    with refused("R-V1"):
        flow.visit(organised_by="FIN-county-bureau")
    assert flow.case.visits == []
    flow.visit()
    assert flow.case.visits[0].organised_by == "FIN"


def test_visit_card_lists_visitors_with_rank_R_V4(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    with refused("R-V4"):
        flow.visit(visitors=[])
    with pytest.raises(InvalidInput):
        flow.visit(visitors=[{"name": "赵"}])
    with pytest.raises(InvalidInput):
        flow.visit(persons=())
    flow.visit()
    card = flow.case.visits[0]
    assert card.visitors == [Person(name="赵处长", rank="处长")]
    assert (card.persons, card.proposer_opinion) == (["张三"], "认可")
