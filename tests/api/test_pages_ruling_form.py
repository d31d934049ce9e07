"""A leader rules on an assignment only once both rounds are used, and only once (R-A2): the
case page offers the leader's 领导裁定交办 form then and only then. Before, it was offered on
every case being handled, where the domain could only refuse it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import Api, register_and_assign
from tests.api.test_pages import csrf_of, logged_in

RULING_FORM = '<details class="form" id="form-ruling">'


def offered(client: TestClient, case_id: str) -> bool:
    return RULING_FORM in client.get(f"/cases/{case_id}").text


def request_reassignment(api: Api, case_id: str, unit: str, on: str) -> str:
    body = {"unit": unit, "reason": "不属本单位职能", "occurred_on": on}
    handler = f"handler_{unit.lower()}"
    response = api.post(f"/v1/cases/{case_id}/reassignment-requests", body, handler)
    assert response.status_code == 201, response.text
    return str(response.json()["request_id"])


def test_the_ruling_form_is_offered_once_two_rounds_are_used_and_until_ruled_R_A2(
    api: Api,
) -> None:
    case_id = register_and_assign(api, "RUL-1", lead="HOU")
    leader = logged_in(api, "ling_dao", role="leader")
    assert not offered(leader, case_id)  # one round: the office decides requests itself

    request_id = request_reassignment(api, case_id, "HOU", "2025-02-05")
    assert not offered(leader, case_id)  # an open request is still the office's to decide
    decision = {"approved": True, "lead_unit": "FIN", "note": "同意", "occurred_on": "2025-02-06"}
    path = f"/v1/cases/{case_id}/reassignment-requests/{request_id}/decision"
    assert api.post(path, decision, "office").status_code == 201
    assert offered(leader, case_id)  # two rounds used: a third needs the leader's ruling
    # The new lead unit is chosen, never the directory's first by default (a review's leader
    # typed a note only and would have handed the case to 财政厅).
    form = leader.get(f"/cases/{case_id}").text.split(RULING_FORM, 1)[1].split("</form>", 1)[0]
    lead = form.split('name="lead_unit"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r"<option [^>]*selected", lead) == ['<option value="" disabled selected']

    office = logged_in(api, "ban_gong", role="office")
    assert not offered(office, case_id)  # a leader's form only

    # FIN asks for a third round: the leader's form shows what the ruling answers (a review's
    # leader had to find the request in the timeline), and is sent without it.
    request_reassignment(api, case_id, "FIN", "2025-02-07")
    page = leader.get(f"/cases/{case_id}").text
    form = page.split(RULING_FORM, 1)[1].split("</form>", 1)[0]
    assert '<span class="label">待裁定的改办申请</span>' in form
    assert re.search(r"<li>[^<]*：不属本单位职能</li>", form), form
    posted = leader.post(
        f"/cases/{case_id}/forms/ruling",
        data={
            "_csrf": csrf_of(leader, f"/cases/{case_id}"),
            "_version": str(api.case(case_id)["version"]),
            "requests": "ignored",
            "leader": "钱厅长",
            "lead_unit": "HOU",
            "note": "裁定",
            "occurred_on": "2025-02-08",
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303, posted.text
    assert api.case(case_id)["lead_unit"] == "HOU"
    assert not offered(leader, case_id)  # a ruling is final
    # ... and takes no more requests (R-A2): the handler's form, which could only be refused,
    # is not offered either.
    handler = logged_in(api, "hou_clerk", role="handler", unit="HOU")
    assert 'id="form-reassignment-request"' not in handler.get(f"/cases/{case_id}").text
