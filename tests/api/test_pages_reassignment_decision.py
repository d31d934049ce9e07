"""改办决定 (R-A3): the office grants or refuses a unit's request to be relieved of a case.
The form started with no co-units chosen, so a grant naming a new lead dropped the co-units
unasked; and it marked the new lead 选填, which a grant cannot do without (R-A1)."""

from __future__ import annotations

import re

from tests.api.conftest import Api, contact_body, register_and_assign
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in


def _asked(api: Api, number: str) -> str:
    case_id = register_and_assign(api, number, lead="FIN", co=("HOU",))
    ask = {"unit": "FIN", "reason": "不属本单位职责", "occurred_on": "2025-02-05"}
    asked = api.post(f"/v1/cases/{case_id}/reassignment-requests", ask, "handler_fin")
    assert asked.status_code == 201, asked.text
    return case_id


def _decision_form(page: str) -> str:
    form = r'<details class="form" id="form-reassignment-decision">.*?</details>'
    found = re.search(form, page, re.S)
    assert found, page
    return found.group(0)


def test_the_decision_starts_on_the_co_units_the_case_has_R_A3(api: Api) -> None:
    case_id = _asked(api, "RD-1")
    form = _decision_form(logged_in(api, "clerk_rd1").get(f"/cases/{case_id}").text)
    co = re.search(r'<select id="reassignment-decision-co_units".*?</select>', form, re.S)
    assert co and re.search(r'<option value="HOU" selected>', co.group(0))
    lead = re.search(r'<label for="reassignment-decision-lead_unit">(.*?)</label>', form, re.S)
    assert lead and "同意改办时必填" in lead.group(1) and "选填" not in lead.group(1)


def test_granting_the_asking_lead_the_lead_again_is_refused_on_the_page_R_A3(api: Api) -> None:
    case_id = _asked(api, "RD-2")
    client = logged_in(api, "clerk_rd2")
    version = api.case(case_id)["version"]
    request_id = api.case(case_id)["reassignment_requests"][0]["request_id"]
    fields = {
        "request_id": request_id,
        "approved": "true",
        "lead_unit": "FIN",
        "co_units": "HOU",
        "note": "同意",
        "occurred_on": "2025-02-08",
    }
    form = form_of(client, case_id, "reassignment-decision", **fields)
    answer = send(client, case_id, "reassignment-decision", form)
    assert answer.status_code == 409, answer.text
    assert "R-A3" in answer.text and "仍为主办单位" in answer.text
    assert api.case(case_id)["version"] == version
    assert api.case(case_id)["assignment_rounds"] == 1


def test_a_unit_brought_in_is_shown_acting_from_the_decision_R_X1(api: Api) -> None:
    """The page says since when a unit 改办 brought in has the case, as the refusal of an
    earlier-dated act names that day; a unit kept on the case shows no such day."""
    case_id = _asked(api, "RD-3")
    request_id = api.case(case_id)["reassignment_requests"][0]["request_id"]
    decision = {
        "approved": True,
        "lead_unit": "EDU",
        "co_units": ["HOU"],
        "note": "同意改办",
        "occurred_on": "2025-02-08",
    }
    decided = api.post(
        f"/v1/cases/{case_id}/reassignment-requests/{request_id}/decision", decision, "office"
    )
    assert decided.status_code == 201, decided.text
    assert api.case(case_id)["joined_on"] == {"EDU": "2025-02-08", "HOU": "2025-02-01"}
    early = contact_body("EDU", on="2025-02-07")
    user = {"username": "h-edu-rd3", "display_name": "教育厅承办人", "role": "handler"}
    made = api.post("/v1/users", {**user, "unit_code": "EDU"}, "admin")
    assert made.status_code == 201, made.text
    refused = api.post(f"/v1/cases/{case_id}/contacts", early, made.json()["token"])
    assert refused.status_code == 409, refused.text
    assert refused.json()["rule"] == "R-X1" and "2025-02-08" in refused.json()["detail"]
    page = logged_in(api, "clerk_rd3").get(f"/cases/{case_id}").text
    lead = re.search(r"<dt>主办单位</dt><dd>(.*?)</dd>", page, re.S)
    co = re.search(r"<dt>会办单位</dt><dd>(.*?)</dd>", page, re.S)
    assert lead and "（2025-02-08 起承办）" in lead.group(1)
    assert co and "起承办" not in co.group(1)
