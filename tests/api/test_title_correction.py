"""R-X2: a title keyed in wrong is corrected by an event naming the registration, and every
list, paper and the public register read the corrected title; the recorder's original stays in
the history. The number (the case's id) is not correctable: it is a new registration."""

from __future__ import annotations

import re

import httpx

from tests.api.conftest import Api, register_and_assign
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in


def correct(api: Api, case_id: str, who: str, corrected: dict[str, str]) -> httpx.Response:
    body = {"event_id": f"{case_id}:1", "reason": "标题录入有误", "corrected": corrected}
    return api.post(f"/v1/cases/{case_id}/corrections", body, who)


def test_the_office_corrects_a_title_and_every_list_reads_it_R_X2(api: Api) -> None:
    case_id = register_and_assign(api, "TI-1")
    right = "关于加强农村公路养护管理的建议"
    assert correct(api, case_id, "office", {"title": right}).status_code == 201
    assert api.case(case_id)["title"] == right
    [item] = api.get("/v1/ledger", "office").json()["items"]
    assert item["title"] == right
    history = api.get(f"/v1/cases/{case_id}/history", "office").json()["events"]
    assert history[0]["data"]["title"] == "关于加强农村公路养护的建议"  # as first recorded
    assert history[0]["corrected_by"] == [history[-1]["id"]]
    assert history[-1]["data"]["corrected"] == {"title": right}
    page = logged_in(api, "clerk_t").get(f"/cases/{case_id}").text
    assert right in page and "标题" in page


def test_only_the_title_of_a_registration_is_correctable_R_X2(api: Api) -> None:
    case_id = register_and_assign(api, "TI-2")
    version = api.case(case_id)["version"]
    for who, corrected in (("office", {"number": "TI-3"}), ("handler_fin", {"title": "另一个"})):
        refused = correct(api, case_id, who, corrected)  # the handler's: not its record
        assert (refused.status_code, refused.json()["rule"]) == (409, "R-X2"), refused.text
    assert api.case(case_id)["version"] == version


def test_the_correction_form_speaks_of_fields_and_events_in_words_R_X2(api: Api) -> None:
    """Its refusal named the event type and the fields by their codes ("Registered 不可更正字段
    ['summary']"), and the timeline showed "corrects_type：Registered"."""
    case_id = register_and_assign(api, "TI-4")
    office = logged_in(api, "clerk_w")
    fields = {"event_id": f"{case_id}:1", "field": "summary", "value": "x", "reason": "录错"}
    refused = send(office, case_id, "correction", form_of(office, case_id, "correction", **fields))
    assert refused.status_code == 409, refused.text
    assert "所选事件不可更正 内容摘要，只能更正 标题" in refused.text
    right = {**fields, "field": "title", "value": "关于加强农村公路养护管理的建议"}
    done = send(office, case_id, "correction", form_of(office, case_id, "correction", **right))
    assert done.status_code == 303, done.text
    page = office.get(f"/cases/{case_id}").text
    assert "被更正的事件：登记" in re.sub(r"<[^>]+>", "", page)
    assert "Registered" not in re.sub(r"<[^>]+>", "", page)
    # The same title again changes nothing: refused, nothing written.
    again = send(office, case_id, "correction", form_of(office, case_id, "correction", **right))
    assert again.status_code == 409 and "更正内容与原记录相同，无需更正" in again.text
    # Only events with something to correct are offered: not the assignment, not a correction.
    form = re.search(r'<details class="form" id="form-correction".*?</details>', page, re.S)
    assert form
    offered = re.findall(r'<option value="[^":]+:(\d+)"', form.group(0))
    assert offered == ["1"]  # 登记; 交办 (2) and the correction (3) have nothing to correct
