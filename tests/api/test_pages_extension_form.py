"""申请延期 (R-E1) offers the deadlines the handler's unit may ask to extend: its own, never
extended nor asked for before. It offered all three kinds to any handler, so a co unit could
ask for the lead's reply deadline and be refused. A request never decided before the case
closed waits on nothing: it leaves 延期待决定 and the case page says so."""

from __future__ import annotations

import re
from datetime import date, timedelta

from starlette.testclient import TestClient

from tests.api.conftest import (
    Api,
    co_opinion_body,
    contact_body,
    extension_body,
    register_and_assign,
    reply_body,
)
from tests.api.proposer_support import ok
from tests.api.test_pages import logged_in

FORM = re.compile(r'<details class="form" id="form-extension-request".*?</details>', re.S)


def offered(client: TestClient, case_id: str) -> list[str] | None:
    """The kinds the page's 申请延期 offers (None: no such form on the page)."""
    form = FORM.search(client.get(f"/cases/{case_id}").text)
    if form is None:
        return None
    select = re.search(r'<select[^>]*name="deadline_kind".*?</select>', form.group(0), re.S)
    assert select, form.group(0)
    return re.findall(r'<option value="([^"]+)"', select.group(0))


def test_each_unit_is_offered_only_the_deadlines_it_may_extend_R_E1(api: Api) -> None:
    recently = (date.today() - timedelta(days=2)).isoformat()  # every deadline still ahead
    case_id = register_and_assign(api, "EX-1", lead="FIN", co=("HOU",), on=recently)
    lead = logged_in(api, "fin_h", role="handler", unit="FIN")
    co = logged_in(api, "hou_h", role="handler", unit="HOU")
    assert offered(lead, case_id) == ["reply"]
    assert offered(co, case_id) == ["co_opinion"]
    due = {d["kind"]: d["due_on"] for d in api.case(case_id)["deadlines"] if d["unit"] == "FIN"}
    # Each with its due date and status: a passed one is asked for with an earlier date only.
    assert (
        f'<option value="reply">答复（{due["reply"]} 到期，办理中）</option>'
        in lead.get(f"/cases/{case_id}").text
    )
    later = (date.fromisoformat(due["reply"]) + timedelta(days=20)).isoformat()
    ask = extension_body(later, date.today().isoformat())
    ok(api.post(f"/v1/cases/{case_id}/extension-requests", ask, "handler_fin"))
    assert offered(lead, case_id) is None  # asked once: nothing left to ask for
    assert offered(co, case_id) == ["co_opinion"]
    opinion = co_opinion_body("HOU", ask["occurred_on"])
    ok(api.post(f"/v1/cases/{case_id}/co-opinions", opinion, "handler_hou"))
    assert offered(co, case_id) is None  # met: nothing to extend


def test_a_request_left_undecided_when_the_case_closed_waits_on_nothing_R_E1(api: Api) -> None:
    case_id = register_and_assign(api, "EX-3")
    ask = extension_body("2025-06-30", "2025-02-10")
    ok(api.post(f"/v1/cases/{case_id}/extension-requests", ask, "handler_fin"))
    awaiting = api.get("/v1/ledger", "office", awaiting="extension").json()["items"]
    assert [i["number"] for i in awaiting] == ["EX-3"]
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin"))
    reply_id = ok(api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin"))["reply_id"]
    url = f"/v1/cases/{case_id}/replies/{reply_id}"
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-05"}
    ok(api.post(f"{url}/approval", approval, "leader"))
    ok(
        api.post(
            f"{url}/issue",
            {"document_number": "财建函〔2025〕3号", "occurred_on": "2025-04-10"},
            "handler_fin",
        )
    )
    feedback = {"verdict": "satisfied", "occurred_on": "2025-04-20"}
    ok(api.post(f"/v1/cases/{case_id}/feedback", feedback, "office"))
    assert api.case(case_id)["stage"] == "closed"
    assert api.get("/v1/ledger", "office", awaiting="extension").json()["items"] == []
    page = logged_in(api, "office_x").get(f"/cases/{case_id}").text
    assert "未决定，件已办结" in page


def test_a_passed_deadline_is_offered_only_for_a_request_made_before_it_R_E1(api: Api) -> None:
    """A review asked to extend a reply deadline offered as 已逾期 and was refused (延期须在
    到期前申请): the choice says what it is still for, a request made on paper in time."""
    case_id = register_and_assign(api, "EX-4", on="2025-02-10")
    lead = logged_in(api, "fin_h4", role="handler", unit="FIN")
    assert offered(lead, case_id) == ["reply"]
    form = FORM.search(lead.get(f"/cases/{case_id}").text)
    assert form and re.search(
        r'<option value="reply">答复（[^<]*已逾期[^<]*）</option>', form.group(0)
    )
    assert "已逾期的期限只可补记到期前已提出的申请" in form.group(0)
    recently = (date.today() - timedelta(days=2)).isoformat()
    fresh = register_and_assign(api, "EX-5", on=recently)
    form = FORM.search(lead.get(f"/cases/{fresh}").text)
    assert form and "只可补记" not in form.group(0)  # said only where a deadline has passed


def test_a_request_after_the_deadline_is_refused_at_its_day_R_E1(api: Api) -> None:
    """A review asked on today's date to extend a reply deadline that passed in July: R-E1's
    时限已过，延期须在到期前申请 stood under 申请延至, though the form's hint says the day to
    change is 日期 (a request made on paper in time is recorded by its own date)."""
    case_id = register_and_assign(api, "EX-6", on="2025-02-10")
    lead = logged_in(api, "fin_h6", role="handler", unit="FIN")
    page = lead.get(f"/cases/{case_id}").text
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page)
    assert csrf
    posted = {
        "_csrf": csrf.group(1),
        "_version": str(api.case(case_id)["version"]),
        "unit": "FIN",
        "deadline_kind": "reply",
        "requested_due_on": "2025-09-01",
        "reason": "需要更多时间",
        "occurred_on": date.today().isoformat(),
    }
    refused = lead.post(f"/cases/{case_id}/forms/extension-request", data=posted)
    assert refused.status_code == 409, refused.text
    said = re.findall(r'id="([^"]+)-problem" role="alert"', refused.text)
    assert [field.rsplit("-", 1)[-1] for field in said] == ["occurred_on"], said
    assert "延期须在到期前申请" in refused.text
