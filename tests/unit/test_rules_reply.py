"""Replies 答复 and disclosure 公开: R-R1 … R-R4, R-P1 … R-P5."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from domain import commands as cmd
from domain.errors import InvalidInput
from domain.records import Proposer
from infra.application import BanliApplication
from tests.support import OFFICE, Flow, handler, refused


def test_classification_is_A_B_or_C_R_R1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact()
    with pytest.raises(InvalidInput):
        flow.submit(cls="D")
    for number, cls in enumerate("ABC"):
        other = Flow(app, f"C-{number}")
        other.assign()
        reply = other.replied(cls)
        assert other.case.replies[reply].classification == cls


def test_unapproved_reply_cannot_be_issued_R_R2(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact()
    reply = flow.submit()
    with refused("R-R2"):
        flow.issue(reply)
    flow.approve(reply, approved=False)
    with refused("R-R2"):
        flow.issue(reply)
    with refused("R-R2"):
        flow.approve(reply)  # a returned reply is resubmitted, not re-approved


def test_lead_reply_waits_for_every_co_opinion_or_an_override_R_R2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU", "EDU"])
    flow.contact()
    flow.co_opinion("HOU")
    reply = flow.submit()
    flow.approve(reply)
    with refused("R-R2"):
        flow.issue(reply)
    flow.co_opinion("EDU", on=date(2025, 4, 4))
    flow.issue(reply)
    assert flow.case.replies[reply].status == "issued"

    urgent = Flow(app, "R-2")
    urgent.assign("FIN", ["HOU"])
    urgent.contact()
    reply = urgent.submit()
    urgent.approve(reply)
    urgent.issue(reply, override_reason="代表要求两会前答复，办公室同意先行答复")
    assert (urgent.case.replies[reply].override_reason or "").startswith("代表要求")


def test_a_reply_is_not_issued_before_its_last_co_opinion_arrived_R_R2(
    app: BanliApplication,
) -> None:
    """A review back-dated the issue of a reply to before the co opinion it waited for: the
    reply read 按期办结 where it had been 已逾期 6 天. Waiting is by the days, not only by
    the order the clerks typed them in."""
    flow = Flow(app)
    flow.assign("FIN", ["HOU", "EDU"])
    flow.contact()
    flow.co_opinion("HOU", on=date(2025, 3, 1))
    flow.co_opinion("EDU", on=date(2025, 4, 10))
    reply = flow.submit()
    flow.approve(reply)
    version = flow.case.version
    with refused("R-R2", "会办意见送达日期 2025-04-10"):
        flow.issue(reply, on=date(2025, 4, 9))
    assert flow.case.version == version
    flow.issue(reply, on=date(2025, 4, 10))  # the same day: the opinion was at hand
    assert flow.case.replies[reply].issued_on == date(2025, 4, 10)


def test_a_returned_reply_is_not_resubmitted_before_it_was_returned_R_X1(
    app: BanliApplication,
) -> None:
    """A resubmission dated 12-05 stood under a 退回 of 12-06 on the case page."""
    flow = Flow(app)
    flow.assign()
    flow.contact()
    first = flow.submit(on=date(2025, 4, 1))
    flow.approve(first, on=date(2025, 4, 3), approved=False)
    with refused("R-X1", "退回日期 2025-04-03"):
        flow.submit(on=date(2025, 4, 2))
    again = flow.submit(on=date(2025, 4, 3))
    assert flow.case.replies[again].status == "submitted"


def test_only_the_office_overrides_a_missing_co_opinion_and_once_for_the_case_R_R2(
    app: BanliApplication,
) -> None:
    """The unit waiting for HOU's opinion may not waive it itself; once the office has, the
    further reply after a dissatisfied verdict does not wait for it again (it can no longer
    arrive in time, R-D8)."""
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.contact()
    reply = flow.submit()
    flow.approve(reply)
    issue = cmd.IssueReply(
        case_id=flow.id,
        reply_id=reply,
        document_number="财建函〔2025〕1号",
        occurred_on=date(2025, 4, 5),
        override_reason="我们先发了",
    )
    version = flow.case.version
    with refused("R-R2"):
        flow.run(issue, handler("FIN"))
    assert flow.case.version == version  # refused: nothing written
    flow.run(issue, OFFICE)
    flow.feedback("dissatisfied", on=date(2025, 4, 10))
    flow.visit(on=date(2025, 4, 12))
    further = flow.submit(on=date(2025, 4, 14))
    flow.approve(further, on=date(2025, 4, 15))
    flow.issue(further, on=date(2025, 4, 16))  # by FIN, without a second override
    assert flow.case.replies[further].status == "issued"


def test_reference_case_gets_no_written_reply_R_R3(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.run(
        cmd.Assign(case_id=flow.id, reference=True, lead_unit="FIN", assigned_on=date(2025, 2, 1))
    )
    flow.contact()
    assert flow.case.replying_units == []
    with refused("R-R3"):
        flow.submit()


def test_a_reference_case_is_done_once_its_proposer_is_reached_R_R3_R_D5(
    app: BanliApplication,
) -> None:
    """A 参阅件 owes no reply (R-R3), only a contact registered by 31 October (R-D5): met,
    it stayed 办理中 for good, counted among the cases in hand and offered 改办 and visits."""
    flow = Flow(app)
    flow.run(
        cmd.Assign(case_id=flow.id, reference=True, lead_unit="FIN", assigned_on=date(2025, 2, 1))
    )
    flow.contact(reached=False)  # an attempt that did not reach them (R-C2) is not the contact
    assert flow.case.stage == "handling"
    flow.contact(on=date(2025, 3, 3))
    assert flow.case.stage == "closed"
    assert [c.on for c in flow.case.closings] == [date(2025, 3, 3)]
    visited = Flow(app, "REF-V")
    visited.run(
        cmd.Assign(
            case_id=visited.id, reference=True, lead_unit="FIN", assigned_on=date(2025, 2, 1)
        )
    )
    visited.visit(on=date(2025, 3, 4))
    assert visited.case.stage == "closed"


def test_a_further_reply_under_the_first_replys_number_is_refused(app: BanliApplication) -> None:
    """A review issued the further reply under the first one's 文号: the 答复 table and the
    复查表 listed two letters as one."""
    flow = Flow(app)
    flow.assign()
    first = flow.replied()
    number = flow.case.replies[first].document_number
    flow.feedback("dissatisfied", on=date(2025, 5, 1))
    flow.visit(on=date(2025, 5, 3))
    further = flow.submit(on=date(2025, 5, 4))
    flow.approve(further, on=date(2025, 5, 5))
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput, match=f"文号 {re.escape(str(number))} 已用于本件的另一份答复"):
        flow.issue(further, on=date(2025, 5, 6), document_number=number)
    assert app.recorder.max_notification_id() == before
    flow.issue(further, on=date(2025, 5, 6))
    assert flow.case.replies[further].status == "issued"


def test_split_units_each_reply_and_co_units_do_not_R_R3(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.run(
        cmd.Assign(
            case_id=flow.id,
            split_units=(
                "FIN",
                "HOU",
            ),
            assigned_on=date(2025, 2, 1),
        )
    )
    flow.replied(unit="FIN")
    assert flow.case.stage == "handling"  # HOU still owes its own reply
    flow.replied(unit="HOU")
    assert flow.case.stage == "replied"

    co = Flow(app, "R-3")
    co.assign("FIN", ["HOU"])
    co.contact("HOU")
    with refused("R-R3"):
        co.submit("HOU")


def test_issued_reply_is_copied_by_kind_R_R4(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    reply = flow.replied()
    copies = flow.case.replies[reply].copies
    assert any("代表工作委员会" in c for c in copies) and any("政府办公厅" in c for c in copies)
    members = [Proposer(name="陈委员", type="member", role="lead")]
    proposal = Flow(app, "P-1", kind="proposal", proposers=members)
    proposal.assign()
    reply = proposal.replied()
    copies = proposal.case.replies[reply].copies
    assert any("政协提案委员会" in c for c in copies)
    assert not any("代表工作委员会" in c for c in copies)


def test_unmarked_reply_is_proactive_R_P1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact()
    reply = flow.submit()
    assert flow.case.replies[reply].disclosure == "proactive"
    other = Flow(app, "P-2")
    other.assign()
    with pytest.raises(InvalidInput):
        other.submit(disclosure="secret")


def _refused_disclosure(
    flow: Flow, consent_original: bool = False, on: date = date(2025, 2, 10)
) -> None:
    flow.run(
        cmd.RecordDisclosurePreference(
            case_id=flow.id,
            consent_reply=False,
            consent_original=consent_original,
            occurred_on=on,
        ),
        handler("FIN"),
    )


def _withhold(flow: Flow, reply: str, on: date) -> None:
    """R-P5: the office withholds the reply, the proposer having refused."""
    withhold = cmd.WithholdReply(
        case_id=flow.id, reply_id=reply, withheld_reason="proposer_refused", occurred_on=on
    )
    flow.run(withhold, OFFICE)


def test_proposer_refusal_forbids_proactive_marking_and_publishing_R_P2(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact()
    _refused_disclosure(flow)
    with refused("R-P2"):
        flow.submit(disclosure="proactive")
    reply = flow.submit(disclosure="on_request")
    flow.approve(reply)
    flow.issue(reply)
    with refused("R-P2"):
        flow.run(
            cmd.PublishReply(
                case_id=flow.id,
                reply_id=reply,
                published_on=date(2025, 4, 10),
                url="https://example.gov.cn/r/1",
                include_original=False,
            ),
            OFFICE,
        )
    _withhold(flow, reply, date(2025, 4, 10))
    assert flow.case.disclosures[reply].status == "withheld"


def test_a_refusal_after_the_reply_is_issued_is_withheld_not_approved_for_publishing_R_P2(
    app: BanliApplication,
) -> None:
    """The reply went out marked 主动公开; the proposer refused afterwards. The office's review
    approving publication was accepted and the 公开 deadline ran on: the review is refused,
    and withholding (代表委员不同意公开) ends the deadline."""
    flow = Flow(app)
    flow.assign()
    reply = flow.replied()
    _refused_disclosure(flow, on=date(2025, 4, 6))
    before = app.recorder.max_notification_id()
    with refused("R-P2") as approving:
        flow.review(reply)
    assert "请登记不予公开" in approving.value.zh
    assert app.recorder.max_notification_id() == before
    not_approving = cmd.ReviewDisclosure(
        case_id=flow.id,
        reply_id=reply,
        approved=False,
        note="代表不同意公开",
        occurred_on=date(2025, 4, 8),
    )
    flow.run(not_approving, OFFICE)  # a review that does not approve is recorded
    _withhold(flow, reply, date(2025, 4, 9))
    disclosure = next(d for d in flow.case_deadlines() if d.kind == "disclosure")
    assert (disclosure.status, disclosure.met_on) == ("met", date(2025, 4, 9))


def test_co_unit_objection_needs_a_secrecy_review_before_publishing_R_P3(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.contact()
    flow.co_opinion("HOU", disclosure_opinion="withheld")
    reply = flow.submit()
    flow.approve(reply)
    flow.issue(reply)
    publish: dict[str, Any] = {
        "reply_id": reply,
        "published_on": date(2025, 4, 10),
        "url": "https://x/1",
        "include_original": False,
    }
    flow.review(reply)
    # The units by name, as a sentence: a review read 会办单位 ['财政厅'].
    with refused("R-P3", "会办单位 HOU 意见不予公开"):
        flow.run(cmd.PublishReply(case_id=flow.id, **publish), OFFICE)
    flow.run(
        cmd.PublishReply(case_id=flow.id, **publish, secrecy_review_ref="保密审查〔2025〕7号"),
        OFFICE,
    )
    assert flow.case.disclosures[reply].secrecy_review_ref == "保密审查〔2025〕7号"


def test_the_office_reviews_a_reply_before_it_is_published_R_P3(app: BanliApplication) -> None:
    """The review is its own event; publishing waits for an approving one (the latest counts),
    and a secrecy review named on it serves a co unit's objection."""
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    flow.contact()
    flow.co_opinion("HOU", disclosure_opinion="withheld")
    reply = flow.submit()
    flow.approve(reply)
    flow.issue(reply)
    publish = cmd.PublishReply(
        case_id=flow.id, reply_id=reply, published_on=date(2025, 4, 10), url="https://x/1"
    )
    with refused("R-P3"):
        flow.run(publish, OFFICE)  # no review yet
    flow.run(
        cmd.ReviewDisclosure(
            case_id=flow.id,
            reply_id=reply,
            approved=False,
            note="需修改后再审",
            occurred_on=date(2025, 4, 7),
        )
    )
    with refused("R-P3"):
        flow.run(publish, OFFICE)  # reviewed, not approved
    flow.review(reply, secrecy_review_ref="保密审查〔2025〕9号")
    flow.run(publish, OFFICE)
    case = flow.case
    assert case.disclosure_reviews[reply].approved
    assert case.disclosures[reply].secrecy_review_ref == "保密审查〔2025〕9号"


def test_publishing_the_original_text_needs_consent_R_P4(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    reply = flow.replied()
    publish: dict[str, Any] = {
        "reply_id": reply,
        "published_on": date(2025, 4, 10),
        "url": "https://x/1",
    }
    with refused("R-P4"):
        flow.run(cmd.PublishReply(case_id=flow.id, include_original=True, **publish), OFFICE)
    flow.run(
        cmd.RecordDisclosurePreference(
            case_id=flow.id, consent_reply=True, consent_original=True, occurred_on=date(2025, 4, 8)
        ),
        handler("FIN"),
    )
    flow.review(reply)
    flow.run(cmd.PublishReply(case_id=flow.id, include_original=True, **publish), OFFICE)
    assert flow.case.disclosures[reply].include_original is True


def test_withholding_needs_a_reason_R_P5(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    flow.contact()
    # A proposal's member is no 代表: the reason offered names both, as R-P2's refusal does.
    with refused("R-P5", "代表委员不同意"):
        flow.submit(disclosure="withheld")
    with refused("R-P5"):
        flow.submit(disclosure="withheld", withheld_reason="other")
    reply = flow.submit(disclosure="withheld", withheld_reason="confidential")
    flow.approve(reply)
    flow.issue(reply)
    with refused("R-P5"):
        flow.run(
            cmd.PublishReply(
                case_id=flow.id,
                reply_id=reply,
                published_on=date(2025, 4, 10),
                url="https://x/1",
                include_original=False,
            ),
            OFFICE,
        )
    with refused("R-P5"):
        flow.run(
            cmd.WithholdReply(
                case_id=flow.id, reply_id=reply, withheld_reason=" ", occurred_on=date(2025, 4, 10)
            ),
            OFFICE,
        )
    flow.run(
        cmd.WithholdReply(
            case_id=flow.id,
            reply_id=reply,
            withheld_reason="涉及尚未公布的预算安排",
            occurred_on=date(2025, 4, 10),
        ),
        OFFICE,
    )
    assert flow.case.disclosures[reply].withheld_reason == "涉及尚未公布的预算安排"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "not a url",
        "/jyta/2025/JY-0001.html",
        "ftp://www.example.gov.cn/r/1",
        "https://",
        "https://www.example.gov.cn/r 1.html",
    ],
)
def test_a_reply_is_published_at_a_whole_web_address_R_D4(app: BanliApplication, url: str) -> None:
    """The address becomes a link on the public register and in its feed: a ``javascript:``
    address ran on the register's own site, text went to a broken link on it."""
    flow = Flow(app)
    flow.assign()
    reply = flow.replied()
    flow.review(reply)
    head = app.recorder.max_notification_id()

    def publish(at: str) -> cmd.PublishReply:
        return cmd.PublishReply(
            case_id=flow.id, reply_id=reply, published_on=date(2025, 4, 10), url=at
        )

    with pytest.raises(InvalidInput) as bad:
        flow.run(publish(url), OFFICE)
    assert bad.value.field == "url" and "http:// 或 https://" in bad.value.zh
    assert app.recorder.max_notification_id() == head
    flow.run(publish("HTTPS://www.example.gov.cn/r/1.html"), OFFICE)


def test_a_reply_is_published_no_earlier_than_the_review_that_approved_it_R_P3(
    app: BanliApplication,
) -> None:
    """A review dated 05-05 let a publication dated 05-01 be taken, and its 公开 deadline read
    按期办结 2025-05-01 (a review): the office reviews before publishing. The same day is in
    order."""
    flow = Flow(app)
    flow.assign()
    flow.contact()
    reply = flow.submit()
    flow.approve(reply)
    flow.issue(reply)
    flow.review(reply, on=date(2025, 4, 20))

    def publish(on: date) -> cmd.PublishReply:
        return cmd.PublishReply(case_id=flow.id, reply_id=reply, published_on=on, url="https://x/1")

    before = flow.case.version
    with refused("R-P3", "早于公开前审查日期 2025-04-20"):
        flow.run(publish(date(2025, 4, 19)), OFFICE)
    assert flow.case.version == before
    flow.run(publish(date(2025, 4, 20)), OFFICE)
    assert reply in flow.case.disclosures


def test_a_reply_is_not_approved_before_it_was_submitted_nor_issued_before_approval_R_X1(
    app: BanliApplication,
) -> None:
    """The refusals name the dates as the reply table heads them (送审, 批准): a review's
    leader read 早于报送日期 beside a column headed 送审, and 审签日期 beside 批准."""
    flow = Flow(app)
    flow.assign()
    flow.contact()
    reply = flow.submit(on=date(2025, 4, 3))
    with refused("R-X1", "早于送审日期 2025-04-03"):
        flow.approve(reply, on=date(2025, 4, 2))
    flow.approve(reply, on=date(2025, 4, 5))
    with refused("R-X1", "早于批准日期 2025-04-05"):
        flow.issue(reply, on=date(2025, 4, 4))
