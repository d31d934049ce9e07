"""What waits on a unit itself (R-R2): its replies approved by a leader and not yet issued
(待印发), and those returned with none submitted since (退回待重报). Handlers had no list of
them: they learned of a decision only by opening each case."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import (
    Api,
    case_body,
    co_opinion_body,
    contact_body,
    register_and_assign,
    reply_body,
)
from tests.api.test_pages import logged_in


def steps_listed(api: Api, step: str, who: str = "handler_fin") -> list[str]:
    answer = api.get("/v1/ledger", who, awaiting=step)
    assert answer.status_code == 200, answer.text
    return [i["number"] for i in answer.json()["items"]]


def submitted(api: Api, case_id: str, unit: str = "FIN") -> str:
    handler = f"handler_{unit.lower()}"
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(unit), handler)
    assert contact.is_success, contact.text
    reply = api.post(f"/v1/cases/{case_id}/replies", reply_body(unit), handler)
    assert reply.status_code == 201, reply.text
    reply_id: str = reply.json()["reply_id"]
    return reply_id


def decide(api: Api, case_id: str, reply_id: str, approved: bool) -> None:
    body = {"approved": approved, "leader": "钱厅长", "note": "意见", "occurred_on": "2025-04-02"}
    path = f"/v1/cases/{case_id}/replies/{reply_id}/approval"
    assert api.post(path, body, "leader").status_code == 201


def steps_of(api: Api, number: str, who: str = "office") -> list[dict[str, Any]]:
    [item] = [i for i in api.get("/v1/ledger", who).json()["items"] if i["number"] == number]
    found: list[dict[str, Any]] = item["unit_steps"]
    return found


def test_approved_replies_wait_on_their_unit_to_be_issued_R_R2(api: Api) -> None:
    case_id = register_and_assign(api, "US-1")
    register_and_assign(api, "US-2")  # nothing waits on FIN
    reply_id = submitted(api, case_id)
    assert steps_listed(api, "issue") == [] and steps_of(api, "US-1") == []  # on the leader
    decide(api, case_id, reply_id, approved=True)

    assert steps_listed(api, "issue") == ["US-1"] and steps_listed(api, "redo") == []
    wanted = {"step": "issue", "classification": "A", "further": False}
    assert steps_of(api, "US-1") == [
        {"unit": "FIN", **wanted, "decided_on": "2025-04-02", "awaiting_co_opinions": []}
    ]
    handler = logged_in(api, "wang", role="handler", unit="FIN")
    overview = handler.get("/").text
    assert '待印发的答复：<a href="/ledger?awaiting=issue"><strong>1</strong> 件</a>' in overview
    assert "退回待重报的答复：" in overview
    page = handler.get("/ledger?awaiting=issue").text
    assert "共 <strong>1</strong> 件" in page and "待印发：答复·" in page
    assert "A 类，2025-04-02 批准" in page
    assert '<option value="issue" selected>答复待印发</option>' in page  # the filter shows

    issue = {"document_number": "财建函〔2025〕7号", "occurred_on": "2025-04-03"}
    issued = api.post(f"/v1/cases/{case_id}/replies/{reply_id}/issue", issue, "handler_fin")
    assert issued.status_code == 201, issued.text
    assert steps_listed(api, "issue") == [] and steps_of(api, "US-1") == []


def test_returned_replies_wait_until_the_unit_submits_again_R_R2(api: Api) -> None:
    case_id = register_and_assign(api, "US-3")
    decide(api, case_id, submitted(api, case_id), approved=False)
    assert steps_listed(api, "redo") == ["US-3"]
    assert [s["step"] for s in steps_of(api, "US-3")] == ["redo"]
    resubmitted = {**reply_body(), "occurred_on": "2025-04-03"}  # after the return (R-X1)
    again = api.post(f"/v1/cases/{case_id}/replies", resubmitted, "handler_fin")
    assert again.status_code == 201, again.text
    assert steps_listed(api, "redo") == [] and steps_of(api, "US-3") == []


def test_a_split_units_step_is_its_own_not_its_partners_R_R2(api: Api) -> None:
    case_id = api.post("/v1/cases", case_body("US-4"), "office").json()["case_id"]
    split = {"split_units": ["FIN", "HOU"], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", split, "office").status_code == 201
    decide(api, case_id, submitted(api, case_id, "FIN"), approved=True)
    assert steps_listed(api, "issue", "handler_fin") == ["US-4"]
    assert steps_listed(api, "issue", "handler_hou") == []  # HOU's own reply waits on nobody
    assert steps_listed(api, "issue", "office") == ["US-4"]  # the office sees every unit's


def test_a_returned_reply_is_redone_from_its_draft_R_R2(api: Api) -> None:
    """退回重办 asks for the reply to be redone: the form came up blank after every return, and
    a review retyped class, consultation form and text."""
    case_id = register_and_assign(api, "US-5")
    handler = logged_in(api, "wang5", role="handler", unit="FIN")
    blank = re.search(r'id="form-reply".*?</details>', handler.get(f"/cases/{case_id}").text, re.S)
    assert blank and "答复正文摘要" not in blank.group(0)
    decide(api, case_id, submitted(api, case_id), approved=False)
    form = re.search(r'id="form-reply".*?</details>', handler.get(f"/cases/{case_id}").text, re.S)
    assert form, "no 答复送审 form after the return"
    assert '<option value="A" selected>' in form.group(0)
    assert 'value="征询表-001"' in form.group(0) and ">答复正文摘要</textarea>" in form.group(0)


def test_an_approved_reply_says_which_co_opinions_it_waits_for_R_R2(api: Api) -> None:
    """A review's handler read 待印发 on its 总览 and 台账 and found the reply could not be
    issued: HOU's 会办意见 had not come. The row names what it waits for."""
    case_id = register_and_assign(api, "US-6", co=("HOU",))
    decide(api, case_id, submitted(api, case_id), approved=True)
    [step] = steps_of(api, "US-6")
    assert step["awaiting_co_opinions"] == ["HOU"]
    handler = logged_in(api, "wang6", role="handler", unit="FIN")
    page = handler.get("/ledger?awaiting=issue").text
    assert "待会办意见：" in page and "到齐后方可印发" in page
    opinion = co_opinion_body("HOU", "2025-04-03")
    assert api.post(f"/v1/cases/{case_id}/co-opinions", opinion, "handler_hou").status_code == 201
    [step] = steps_of(api, "US-6")
    assert step["awaiting_co_opinions"] == []
    assert "待会办意见：" not in handler.get("/ledger?awaiting=issue").text
