"""R-R2 on the case page: the unit issues its approved reply; going ahead without a co unit's
opinion is the office's decision, recorded with its reason through a form of its own."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Api, co_opinion_body, contact_body, register_and_assign, reply_body
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in


def approved_reply_awaiting_hou(api: Api) -> tuple[str, str]:
    case_id = register_and_assign(api, "OV-1", co=("HOU",))
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    submitted = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin")
    reply_id: str = submitted.json()["reply_id"]
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    path = f"/v1/cases/{case_id}/replies/{reply_id}/approval"
    assert api.post(path, approval, "leader").is_success
    return case_id, reply_id


def form_html(page: str, name: str) -> str:
    found = re.search(rf'<details class="form" id="form-{name}".*?</details>', page, re.S)
    return found.group(0) if found else ""


def test_the_unit_issues_without_an_override_field_and_the_office_overrides_R_R2(
    api: Api,
) -> None:
    case_id, reply_id = approved_reply_awaiting_hou(api)
    handler = logged_in(api, "fin_clerk", role="handler", unit="FIN")
    page = handler.get(f"/cases/{case_id}").text
    assert form_html(page, "issue") and 'name="override_reason"' not in form_html(page, "issue")
    assert not form_html(page, "issue-override")

    office = logged_in(api, "office_clerk")
    assert 'name="override_reason"' in form_html(
        office.get(f"/cases/{case_id}").text, "issue-override"
    )
    fields = {
        "reply_id": reply_id,
        "document_number": "财建函〔2025〕9号",
        "occurred_on": "2025-04-05",
        "override_reason": "代表要求两会前答复，住房城乡建设厅意见逾期未到",
    }
    answer = send(
        office, case_id, "issue-override", form_of(office, case_id, "issue-override", **fields)
    )
    assert answer.status_code == 303, answer.text
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()
    event = next(e for e in history["events"] if e["type"] == "ReplyIssued")
    assert (event["actor"]["role"], event["data"]["override_reason"]) == (
        "office",
        fields["override_reason"],
    )
    # Issued: nothing left to override.
    assert not form_html(office.get(f"/cases/{case_id}").text, "issue-override")


def test_the_case_page_says_whom_an_issued_reply_went_to_and_the_copies_R_C4_R_R4(
    api: Api,
) -> None:
    case_id, reply_id = approved_reply_awaiting_hou(api)
    office = logged_in(api, "office_clerk_2")
    fields = {
        "reply_id": reply_id,
        "document_number": "财建函〔2025〕10号",
        "occurred_on": "2025-04-05",
        "override_reason": "住房城乡建设厅意见逾期未到",
    }
    form = form_of(office, case_id, "issue-override", **fields)
    assert send(office, case_id, "issue-override", form).status_code == 303
    reply = next(r for r in api.case(case_id)["replies"] if r["reply_id"] == reply_id)
    sent = re.search(
        rf'<span class="hint" id="sent-{reply_id}">(.*?)</span>',
        office.get(f"/cases/{case_id}").text,
    )
    assert sent, "no 送达 line"
    assert sent.group(1).startswith("送达：" + "、".join(reply["recipients"]))
    assert "抄送：人大常委会代表工作委员会、政府办公厅" in sent.group(1)
    assert not re.search("[A-Za-z]", sent.group(1))  # in Chinese, as the page is


def test_a_handler_is_offered_a_units_part_only_while_it_still_owes_it_R_D1_R_F2(
    api: Api,
) -> None:
    """A co unit's opinion is given once and a reply submitted once (until returned or a
    further one is owed): the forms for a second one were offered, and only refused."""
    case_id = register_and_assign(api, "PART-1", lead="HOU", co=("FIN",))
    fin = logged_in(api, "fin_part", role="handler", unit="FIN")
    hou = logged_in(api, "hou_part", role="handler", unit="HOU")

    def offered(client: Any, name: str) -> bool:
        return bool(form_html(client.get(f"/cases/{case_id}").text, name))

    assert offered(fin, "co-opinion") and offered(hou, "reply")
    opinion = {
        "unit": "FIN",
        "summary": "会办意见",
        "disclosure_opinion": "proactive",
        "occurred_on": "2025-02-20",
    }
    assert api.post(f"/v1/cases/{case_id}/co-opinions", opinion, "handler_fin").status_code == 201
    assert not offered(fin, "co-opinion")
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body("HOU"), "handler_hou").is_success
    reply = api.post(f"/v1/cases/{case_id}/replies", reply_body("HOU"), "handler_hou")
    assert reply.status_code == 201, reply.text
    assert not offered(hou, "reply")  # awaiting the leader
    back = {"approved": False, "leader": "钱厅长", "note": "退回重办", "occurred_on": "2025-04-02"}
    path = f"/v1/cases/{case_id}/replies/{reply.json()['reply_id']}/approval"
    assert api.post(path, back, "leader").status_code == 201
    assert offered(hou, "reply")  # returned: a new one is owed


def test_the_upload_forms_reply_choices_name_the_unit_in_plain_text(api: Api) -> None:
    """An <option> holds text only: the unit's name wrapped in a <span> showed as nothing
    ("· A 类 · 财建函…")."""
    case_id, reply_id = approved_reply_awaiting_hou(api)
    page = logged_in(api, "fin_upload", role="handler", unit="FIN").get(f"/cases/{case_id}").text
    select = re.search(r'<select id="upload-reply_id".*?</select>', page, re.S)
    assert select, "no reply choice on the upload form"
    option = re.search(rf'<option value="{reply_id}"[^>]*>([^<]*)</option>', select.group(0))
    assert option and option.group(1).startswith("FIN厅 · A 类")


def test_a_co_opinion_ended_by_the_override_is_not_shown_as_completed_later_R_D8(
    api: Api,
) -> None:
    """Issued over HOU's missing opinion on 04-05, the co-opinion deadline (due 04-01) ended
    unmet that day (逾期未办 4 天); the opinion HOU sent on 04-10 sat in the 完成 column as if
    it had completed it."""
    case_id, reply_id = approved_reply_awaiting_hou(api)
    issue = {
        "document_number": "财建函〔2025〕11号",
        "occurred_on": "2025-04-05",
        "override_reason": "住房城乡建设厅意见未到",
    }
    assert api.post(f"/v1/cases/{case_id}/replies/{reply_id}/issue", issue, "office").is_success
    opinion = co_opinion_body("HOU", "2025-04-10")
    answer = api.post(f"/v1/cases/{case_id}/co-opinions", opinion, "handler_hou")
    assert answer.is_success, answer.text
    page = logged_in(api, "office_clerk_3").get(f"/cases/{case_id}").text
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "会办意见" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    completed = re.sub(r"<[^>]+>", "", cells[-1])
    assert "逾期未办 4 天" in cells[3]
    assert completed.startswith("2025-04-05 终止") and "2025-04-10 才办（已终止后）" in completed


def returned_reply(api: Api, number: str) -> tuple[str, str]:
    """A case whose FIN reply (submitted 2025-04-01) 钱厅长 returned on 2025-04-02 with the note
    请先沟通: (case id, reply id)."""
    case_id = register_and_assign(api, number)
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").status_code
    reply_id: str = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin").json()[
        "reply_id"
    ]
    back = {"approved": False, "leader": "钱厅长", "note": "请先沟通", "occurred_on": "2025-04-02"}
    returned = api.post(f"/v1/cases/{case_id}/replies/{reply_id}/approval", back, "leader")
    assert returned.status_code == 201, returned.text
    return case_id, reply_id


def test_the_upload_forms_reply_choices_tell_a_returned_reply_from_its_resubmission(
    api: Api,
) -> None:
    """A review found 卫生健康委 · A 类 offered twice once a returned reply was resubmitted:
    the letter could go to the returned one. Each choice says its status and when it was
    submitted."""
    case_id, first = returned_reply(api, "PX-UP2")
    again = {**reply_body(), "occurred_on": "2025-04-03"}
    second = api.post(f"/v1/cases/{case_id}/replies", again, "handler_fin").json()
    page = logged_in(api, "fin_up2", role="handler", unit="FIN").get(f"/cases/{case_id}").text
    select = re.search(r'<select id="upload-reply_id".*?</select>', page, re.S)
    assert select, "no reply choice on the upload form"
    words = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select.group(0)))
    assert words[first] == "FIN厅 · A 类 · 已退回重办 · 2025-04-01 送审"
    assert words[second["reply_id"]] == "FIN厅 · A 类 · 待审批 · 2025-04-03 送审"


def test_a_reply_row_says_who_decided_it_when_and_why(api: Api) -> None:
    """A returned reply said only 已退回重办: the leader's reason was in the timeline alone,
    where the unit redoing it had to look for it. The row names the leader, the day and the
    note (R-R2), and the case's replies carry them (``leader``, ``decided_on``,
    ``decision_note``)."""
    case_id, _ = returned_reply(api, "PX-RET")
    (shown,) = api.case(case_id)["replies"]
    assert (shown["leader"], shown["decided_on"], shown["decision_note"]) == (
        "钱厅长",
        "2025-04-02",
        "请先沟通",
    )
    page = logged_in(api, "fin_ret", role="handler", unit="FIN").get(f"/cases/{case_id}").text
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "已退回重办" in r)
    assert "钱厅长 2025-04-02 退回：请先沟通" in re.sub(r"<[^>]+>", "", row)


def test_a_leader_reads_the_reply_it_is_asked_to_approve_R_R2(api: Api) -> None:
    """The approval panel named the reply by unit, class and day; what it says and its
    consultation form (R-C3) were only in the timeline."""
    case_id = register_and_assign(api, "PX-SUM")
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    reply_id = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin").json()[
        "reply_id"
    ]
    [reply] = api.case(case_id)["replies"]
    assert (reply["summary"], reply["consultation_form_ref"]) == ("答复正文摘要", "征询表-001")
    page = logged_in(api, "qian_sum", role="leader").get(f"/cases/{case_id}").text
    row = re.search(rf'<tr id="summary-{reply_id}"[^>]*>.*?</tr>', page, re.S)
    assert row is not None
    assert "内容摘要：答复正文摘要" in row[0] and "征询意见表：征询表-001" in row[0]


def test_a_reply_summary_ending_in_a_stop_is_not_followed_by_another_R_R2(api: Api) -> None:
    """A summary is written as a sentence: it read …建设。；征询意见表 when the line joined the two
    with a semicolon."""
    case_id = register_and_assign(api, "PX-STOP")
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    body = {**reply_body(), "summary": "将加快推进乡村公路建设。"}
    reply_id = api.post(f"/v1/cases/{case_id}/replies", body, "handler_fin").json()["reply_id"]
    page = logged_in(api, "qian_stop", role="leader").get(f"/cases/{case_id}").text
    row = re.search(rf'<tr id="summary-{reply_id}"[^>]*>.*?</tr>', page, re.S)
    assert row is not None
    assert "内容摘要：将加快推进乡村公路建设。" in row[0] and "征询意见表：征询表-001" in row[0]
    assert "。；" not in row[0]
    # The choice on a row of its own: in a grid cell it read 财政厅 · A 类 · 待审批 · 202….
    assert re.search(r'<div class="field wide">\s*<label for="approval-reply_id"', page)
