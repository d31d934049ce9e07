"""What waits on a decision, listed where the decider looks (UI.md: 督办 for office and
leaders): replies submitted for a leader's approval (R-R2) and extension requests for the
office's (R-E1). They had been visible only on each case's page."""

from __future__ import annotations

import re

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
    assert item["submitted_replies"] == [{**submitted, "submitted_on": "2025-04-01"}]

    leader = logged_in(api, "qian", role="leader")
    page = leader.get("/supervision?tab=approval").text
    assert "待审批：本页 <strong>1</strong> 件" in page and "AW-1" in tab_numbers(page)
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
