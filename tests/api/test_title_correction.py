"""R-X2: a title keyed in wrong is corrected by an event naming the registration, and every
list, paper and the public register read the corrected title; the recorder's original stays in
the history. The number (the case's id) is not correctable: it is a new registration."""

from __future__ import annotations

import httpx

from tests.api.conftest import Api, register_and_assign
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
