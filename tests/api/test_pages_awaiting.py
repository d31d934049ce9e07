"""What waits on a decision, listed where the decider looks (UI.md: 督办 for office and
leaders): replies submitted for a leader's approval (R-R2) and extension requests for the
office's (R-E1). They had been visible only on each case's page."""

from __future__ import annotations

import io
import re

import openpyxl

from tests.api.conftest import (
    Api,
    contact_body,
    extension_body,
    register_and_assign,
    reply_body,
)
from tests.api.test_pages import logged_in


def listed(api: Api, awaiting: str) -> list[str]:
    answer = api.get("/v1/ledger", "office", awaiting=awaiting)
    assert answer.status_code == 200, answer.text
    return [i["number"] for i in answer.json()["items"]]


def tab_numbers(page: str) -> list[str]:
    return re.findall(r'<a href="/cases/[^"]+">([^<]+)</a>', page)


def waits_on_reader(page: str) -> tuple[str, str, str] | None:
    """The 总览's line of what waits on the reader: words, 督办 tab, count."""
    found = re.search(
        r'<p class="waiting" id="waiting">([^：]+)：<a href="/supervision\?tab=(\w+)">'
        r"<strong>(\d+)</strong> 件</a>",
        page,
    )
    return (found[1], found[2], found[3]) if found else None


def test_replies_awaiting_approval_and_requests_awaiting_the_office_are_listed_R_R2_R_E1(
    api: Api,
) -> None:
    waiting = register_and_assign(api, "AW-1")
    register_and_assign(api, "AW-2")  # nothing pending
    assert api.post(f"/v1/cases/{waiting}/contacts", contact_body(), "handler_fin").is_success
    reply = api.post(f"/v1/cases/{waiting}/replies", reply_body(), "handler_fin")
    assert reply.status_code == 201, reply.text
    ask = extension_body("2025-06-30", "2025-03-20")
    asked = api.post(f"/v1/cases/{waiting}/extension-requests", ask, "handler_fin")
    assert asked.status_code == 201, asked.text
    assert listed(api, "approval") == ["AW-1"] and listed(api, "extension") == ["AW-1"]
    [item] = api.get("/v1/ledger", "office", awaiting="extension").json()["items"]
    assert item["open_extensions"] == [
        {
            "unit": "FIN",
            "deadline_kind": "reply",
            "original_due_on": next(d["due_on"] for d in item["deadlines"] if d["kind"] == "reply"),
            "requested_due_on": "2025-06-30",
        }
    ]

    [item] = api.get("/v1/ledger", "office", awaiting="approval").json()["items"]
    submitted = {"unit": "FIN", "classification": "A", "further": False}
    assert item["submitted_replies"] == [
        {**submitted, "submitted_on": "2025-04-01", "obstacle": None}
    ]

    leader = logged_in(api, "qian", role="leader")
    page = leader.get("/supervision?tab=approval").text
    assert "待审批：共 <strong>1</strong> 件" in page and "AW-1" in tab_numbers(page)
    assert "A 类，2025-04-01 提交" in page  # what waits, not only which case

    # Each decider's 总览 says how many wait on it, with the 督办 list that holds them.
    assert waits_on_reader(leader.get("/").text) == ("待审批的答复", "approval", "1")
    office = logged_in(api, "zhao", role="office")
    assert waits_on_reader(office.get("/").text) == ("待决定的延期申请", "extension", "1")
    assert waits_on_reader(logged_in(api, "sun", role="supervisor").get("/").text) is None

    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    path = f"/v1/cases/{waiting}/replies/{reply.json()['reply_id']}/approval"
    assert api.post(path, approval, "leader").status_code == 201
    decision = {"approved": False, "note": "不同意", "occurred_on": "2025-03-25"}
    decide = f"/v1/cases/{waiting}/extension-requests/{asked.json()['request_id']}/decision"
    assert api.post(decide, decision, "office").status_code == 201
    assert listed(api, "approval") == [] and listed(api, "extension") == []
    assert waits_on_reader(leader.get("/").text) == ("待审批的答复", "approval", "0")
    [done] = [i for i in api.get("/v1/ledger", "office").json()["items"] if i["number"] == "AW-1"]
    assert done["submitted_replies"] == [] and done["open_extensions"] == []


def test_reassignment_requests_wait_in_their_own_list_for_the_office_R_A3(api: Api) -> None:
    """A unit's 改办 request waited on the office with no list naming it: the office learned of
    it only by opening the case. It now has a 督办 tab, says whose and why, and counts on the
    office's 总览; a decided request leaves them."""
    case_id = register_and_assign(api, "RA-1")
    register_and_assign(api, "RA-2")  # nothing pending
    reason = "本件所提事项属住房城乡建设厅职责，建议改由其主办。" * 2  # longer than a row shows
    ask = {"unit": "FIN", "reason": reason, "occurred_on": "2025-02-05"}
    asked = api.post(f"/v1/cases/{case_id}/reassignment-requests", ask, "handler_fin")
    assert asked.status_code == 201, asked.text
    assert listed(api, "reassignment") == ["RA-1"]
    [item] = api.get("/v1/ledger", "office", awaiting="reassignment").json()["items"]
    wanted = {"unit": "FIN", "reason": reason, "requested_on": "2025-02-05"}
    assert item["open_reassignments"] == [wanted]

    office = logged_in(api, "zhou", role="office")
    page = office.get("/supervision?tab=reassignment").text
    assert ">改办待决定</a>" in page and tab_numbers(page) == ["RA-1"]
    # Cut in the row, whole on hover.
    assert f'<div class="asked" title="{reason}">申请改办：' in page
    assert f"，2025-02-05<br>理由：{reason[:15]}…</div>" in page
    assert "待决定的改办申请：<a" in office.get("/").text
    sheet = office.get("/v1/exports/ledger.xlsx", params={"awaiting": "reassignment"})
    assert sheet.status_code == 200, sheet.text
    notes = openpyxl.load_workbook(io.BytesIO(sheet.content))["说明"]
    said = {row[0]: row[1] for row in notes.iter_rows(values_only=True)}
    assert said["筛选：待办"] == "改办待决定"

    decision = {"approved": False, "note": "不同意改办", "occurred_on": "2025-02-08"}
    decide = f"/v1/cases/{case_id}/reassignment-requests/{asked.json()['request_id']}/decision"
    assert api.post(decide, decision, "office").status_code == 201, "decided"
    assert listed(api, "reassignment") == []
    [case] = [i for i in api.get("/v1/ledger", "office").json()["items"] if i["number"] == "RA-1"]
    assert case["open_reassignments"] == []


def test_a_replaced_leads_reply_stops_waiting_on_the_leader_R_A3(api: Api) -> None:
    """A reassignment approved while the old lead's reply awaited approval left that reply
    待审批, under a unit no longer on the case, and a leader could still approve and issue it.
    It is set aside: out of the leader's list, shown as such on the case, refused if decided."""
    case_id = register_and_assign(api, "RA-3")
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin").is_success
    reply = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin")
    assert reply.status_code == 201, reply.text
    assert listed(api, "approval") == ["RA-3"]
    ask = {"unit": "FIN", "reason": "不属本单位职责", "occurred_on": "2025-04-02"}
    asked = api.post(f"/v1/cases/{case_id}/reassignment-requests", ask, "handler_fin")
    decide = f"/v1/cases/{case_id}/reassignment-requests/{asked.json()['request_id']}/decision"
    decision = {"approved": True, "lead_unit": "HOU", "note": "同意", "occurred_on": "2025-04-03"}
    assert api.post(decide, decision, "office").status_code == 201

    assert listed(api, "approval") == []
    [shown] = api.get(f"/v1/cases/{case_id}", "office").json()["replies"]
    assert shown["status"] == "superseded"
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-04"}
    path = f"/v1/cases/{case_id}/replies/{reply.json()['reply_id']}/approval"
    refused = api.post(path, approval, "leader")
    assert refused.status_code == 409 and refused.json()["rule"] == "R-A3", refused.text
    page = logged_in(api, "qian", role="leader").get(f"/cases/{case_id}").text
    assert "改办后作废" in page
