"""What approving a reply would be refused for, said to who submits or decides it (R-C1, R-F2):
a review's handler sent a reply up with no contact made, and a further reply after only a phone
call, both taken; the leader learned of it on clicking 批准."""

from __future__ import annotations

import re

from tests.api.conftest import (
    UNIT_NAMES,
    Api,
    co_opinion_body,
    contact_body,
    extension_body,
    register_and_assign,
    reply_body,
)
from tests.api.proposer_support import issued, ok
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in


def warning(page: str, form: str) -> str:
    found = re.search(rf'<p class="warning wide" id="{form}-obstacles" role="note">(.*?)</p>', page)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


def test_R_C1_a_reply_sent_up_before_any_contact_is_said_to_both_sides(api: Api) -> None:
    case_id = register_and_assign(api, "AO-1")
    handler = logged_in(api, "fin_ao1", role="handler", unit="FIN")
    said = warning(handler.get(f"/cases/{case_id}").text, "reply")
    assert said.startswith("R-C1 答复前未与代表委员沟通联系到") and "领导审批时只能退回" in said
    # Still taken (the rules let the leader return it); the leader is told what 批准 meets.
    ok(api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin"))
    leader = logged_in(api, "leader_ao1", role="leader")
    said = warning(leader.get(f"/cases/{case_id}").text, "approval")
    assert "R-C1" in said and "的答复：答复前未与代表委员沟通联系到" in said
    assert "现在只能退回重办" in said
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body("FIN", "2025-02-10"), "handler_fin"))
    assert warning(leader.get(f"/cases/{case_id}").text, "approval") == ""


def test_R_C1_no_warning_once_a_contact_reached_the_proposer(api: Api) -> None:
    case_id = register_and_assign(api, "AO-2")
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body("FIN", "2025-02-10"), "handler_fin"))
    handler = logged_in(api, "fin_ao2", role="handler", unit="FIN")
    page = handler.get(f"/cases/{case_id}").text
    assert 'id="form-reply"' in page and warning(page, "reply") == ""


def test_R_F2_a_further_reply_after_a_phone_call_only_is_said_before_it_goes_up(api: Api) -> None:
    case_id, _ = issued(api, "AO-3")
    verdict = {"verdict": "dissatisfied", "comments": "未回应", "occurred_on": "2025-04-20"}
    ok(api.post(f"/v1/cases/{case_id}/feedback", verdict, "office"))
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body("FIN", "2025-04-21"), "handler_fin"))
    handler = logged_in(api, "fin_ao3", role="handler", unit="FIN")
    said = warning(handler.get(f"/cases/{case_id}").text, "reply")
    assert said.startswith(
        "R-F2 不满意件须当面沟通（座谈、走访或现场视察，联系到代表委员）后再次答复"
    )
    met = {**contact_body("FIN", "2025-04-22"), "channel": "meeting"}
    ok(api.post(f"/v1/cases/{case_id}/contacts", met, "handler_fin"))
    assert warning(handler.get(f"/cases/{case_id}").text, "reply") == ""


def test_a_reply_s_class_a_verdict_and_a_decision_are_chosen_not_defaulted_R_R2_R_F1(
    api: Api,
) -> None:
    """A review found 答复类别 starting on A 类, 审批意见 on 批准 and the office's 意见 on 满意: a
    submit without a look recorded a choice nobody made. Each starts on 请选择 now, and is
    refused beside itself when left there, writing nothing."""
    case_id = register_and_assign(api, "AO-4")
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body("FIN", "2025-02-10"), "handler_fin"))
    handler = logged_in(api, "fin_ao4", role="handler", unit="FIN")
    page = handler.get(f"/cases/{case_id}").text
    chosen = re.search(r'<select id="reply-classification"[^>]*>\s*<option([^>]*)>([^<]*)<', page)
    assert chosen and chosen.group(2) == "请选择" and "selected" in chosen.group(1)
    form = form_of(handler, case_id, "reply", classification="", disclosure="proactive")
    form |= {"unit": "FIN", "consultation_form_ref": "征询表-4", "summary": "答复要点"}
    form["occurred_on"] = "2025-04-01"
    refused = send(handler, case_id, "reply", form)
    assert refused.status_code == 422
    said = re.search(r'id="reply-classification-problem" role="alert">(.*?)</span>', refused.text)
    assert said and said.group(1) == "请选择"
    assert api.case(case_id)["replies"] == []
    assert send(handler, case_id, "reply", {**form, "classification": "B"}).status_code == 303
    leader = logged_in(api, "leader_ao4", role="leader")
    assert first_option(leader.get(f"/cases/{case_id}").text, "approval-approved") == "请选择"
    case_id, _ = issued(api, "AO-5")
    clerk = logged_in(api, "clerk_ao5")
    assert first_option(clerk.get(f"/cases/{case_id}").text, "feedback-verdict") == "请选择"


def first_option(page: str, select_id: str) -> str:
    """The option a select starts on (the first, marked selected)."""
    found = re.search(rf'<select id="{select_id}"[^>]*>\s*<option([^>]*)>([^<]*)<', page)
    return found.group(2) if found and "selected" in found.group(1) else ""


def test_a_decision_on_more_time_units_publishing_or_a_reassessment_is_chosen_R_E1_R_A3_R_P3_R_Rv1(
    api: Api,
) -> None:
    """A review's supervisor typed only 说明 on 回头看 and recorded 已落实, which nobody chose:
    回头看's 结论, 延期决定, 改办决定 and 公开审查 started on their most favourable choice. They
    start on 请选择, and one left there is refused beside itself, writing nothing."""
    case_id = register_and_assign(api, "AO-6", co=("HOU",))
    asks = extension_body("2025-05-20", "2025-03-10")
    ok(api.post(f"/v1/cases/{case_id}/extension-requests", asks, "handler_fin"))
    moving = {"unit": "HOU", "reason": "不属本单位职能", "occurred_on": "2025-02-04"}
    ok(api.post(f"/v1/cases/{case_id}/reassignment-requests", moving, "handler_hou"))
    page = logged_in(api, "clerk_ao6").get(f"/cases/{case_id}").text
    for select in ("extension-decision-approved", "reassignment-decision-approved"):
        assert first_option(page, select) == "请选择", select
    case_id, _ = issued(api, "AO-7")
    clerk = logged_in(api, "clerk_ao7")
    page = clerk.get(f"/cases/{case_id}").text
    for select in ("disclosure-review-approved", "reassessment-finding"):
        assert first_option(page, select) == "请选择", select
    version = api.case(case_id)["version"]
    for form, field in (("reassessment", "finding"), ("disclosure-review", "approved")):
        sent = form_of(clerk, case_id, form, note="电话了解落实情况", occurred_on="2025-04-16")
        reply = re.search(rf'<select id="{form}-reply_id"[^>]*>\s*<option value="([^"]+)"', page)
        refused = send(
            clerk,
            case_id,
            form,
            {**sent, field: ""} | ({"reply_id": reply.group(1)} if reply else {}),
        )
        assert refused.status_code == 422, form
        said = re.search(rf'id="{form}-{field}-problem" role="alert">(.*?)</span>', refused.text)
        assert said and said.group(1) == "请选择", form
    assert api.case(case_id)["version"] == version


def test_R_P3_a_co_unit_s_disclosure_opinion_is_chosen_not_defaulted(api: Api) -> None:
    """A review's co-handling handler typed only 内容摘要 and recorded 主动公开, which nobody
    chose: R-P3 asks the co unit to state its opinion, and 公开意见 started on 主动公开. It starts
    on 请选择, and left there it is refused beside itself, writing nothing."""
    case_id = register_and_assign(api, "AO-8", co=("HOU",))
    handler = logged_in(api, "hou_ao8", role="handler", unit="HOU")
    page = handler.get(f"/cases/{case_id}").text
    assert first_option(page, "co-opinion-disclosure_opinion") == "请选择"
    form = form_of(handler, case_id, "co-opinion", summary="同意安排资金", occurred_on="2025-02-20")
    version = api.case(case_id)["version"]
    refused = send(handler, case_id, "co-opinion", {**form, "disclosure_opinion": ""})
    assert refused.status_code == 422
    said = re.search(
        r'id="co-opinion-disclosure_opinion-problem" role="alert">(.*?)</span>', refused.text
    )
    assert said and said.group(1) == "请选择"
    assert api.case(case_id)["version"] == version
    sent = send(handler, case_id, "co-opinion", {**form, "disclosure_opinion": "on_request"})
    assert sent.status_code == 303
    assert api.case(case_id)["version"] == version + 1


def test_R_R2_issuing_before_every_co_opinion_is_said_on_the_issue_form(api: Api) -> None:
    """A review's handler learned that 住建厅's opinion was missing only on pressing 提交 of
    印发答复: the form says it beforehand, as 答复送审 and 审批答复 say theirs, and names the
    office's 先行印发 as the way past it."""
    case_id = register_and_assign(api, "AO-9", co=("HOU",))
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body("FIN", "2025-02-10"), "handler_fin"))
    reply = {**reply_body(), "occurred_on": "2025-04-01"}
    reply_id = ok(api.post(f"/v1/cases/{case_id}/replies", reply, "handler_fin"))["reply_id"]
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-05"}
    ok(api.post(f"/v1/cases/{case_id}/replies/{reply_id}/approval", approval, "leader"))
    handler = logged_in(api, "fin_ao9", role="handler", unit="FIN")
    said = warning(handler.get(f"/cases/{case_id}").text, "issue")
    assert said.startswith(f"R-R2 会办单位意见未到齐：{UNIT_NAMES['HOU']}"), said
    assert "先行印发" in said
    ok(
        api.post(
            f"/v1/cases/{case_id}/co-opinions", co_opinion_body("HOU", "2025-04-06"), "handler_hou"
        )
    )
    assert warning(handler.get(f"/cases/{case_id}").text, "issue") == ""


def test_R_F2_a_further_reply_that_cannot_be_approved_says_so_on_the_ledger(api: Api) -> None:
    """A review's 台账 row read only 待审批：进一步答复·财政厅 B 类 for a further reply sent up
    after a phone call: the leader's list did not say that 批准 would be refused. The row
    carries what approving would be refused for (``obstacle``), and loses it once met."""
    case_id, _ = issued(api, "AO-10")
    verdict = {"verdict": "dissatisfied", "comments": "未回应", "occurred_on": "2025-04-20"}
    ok(api.post(f"/v1/cases/{case_id}/feedback", verdict, "office"))
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body("FIN", "2025-04-21"), "handler_fin"))
    further = {**reply_body(), "occurred_on": "2025-04-25"}
    ok(api.post(f"/v1/cases/{case_id}/replies", further, "handler_fin"))

    def submitted() -> list[dict[str, object]]:
        items = api.get("/v1/ledger", "leader", awaiting="approval").json()["items"]
        return [x for i in items if i["case_id"] == case_id for x in i["submitted_replies"]]

    (reply,) = submitted()
    assert str(reply["obstacle"]).startswith("R-F2 不满意件须当面沟通"), reply
    leader = logged_in(api, "leader_ao10", role="leader")
    page = leader.get("/ledger").text
    row = re.search(r'<div class="asked">待审批：进一步答复.*?</div>', page, re.S)
    assert row and "R-F2" in row.group(0) and "只能退回" in row.group(0)
    met = {**contact_body("FIN", "2025-04-26"), "channel": "meeting"}
    ok(api.post(f"/v1/cases/{case_id}/contacts", met, "handler_fin"))
    (reply,) = submitted()
    assert reply["obstacle"] is None


def test_R_R2_a_leader_returns_an_approved_reply_from_the_case_page(api: Api) -> None:
    """An approved reply's class is no longer corrected (R-R2): the leader's case page offers
    退回已批准的答复 while it is not issued, and the unit sends it up again."""
    case_id = register_and_assign(api, "AO-11")
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body("FIN", "2025-02-10"), "handler_fin"))
    reply = {**reply_body(), "occurred_on": "2025-04-01"}
    reply_id = ok(api.post(f"/v1/cases/{case_id}/replies", reply, "handler_fin"))["reply_id"]
    leader = logged_in(api, "leader_ao11", role="leader")
    assert 'id="form-approval-return"' not in leader.get(f"/cases/{case_id}").text
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-05"}
    ok(api.post(f"/v1/cases/{case_id}/replies/{reply_id}/approval", approval, "leader"))
    assert first_option(leader.get(f"/cases/{case_id}").text, "approval-return-approved") == (
        "请选择"
    )
    form = form_of(leader, case_id, "approval-return", reply_id=reply_id, approved="false")
    form |= {"leader": "钱厅长", "note": "类别须改为 B 类", "occurred_on": "2025-04-06"}
    assert send(leader, case_id, "approval-return", form).status_code == 303
    (returned,) = api.case(case_id)["replies"]
    assert returned["status"] == "returned"
    assert 'id="form-approval-return"' not in leader.get(f"/cases/{case_id}").text
