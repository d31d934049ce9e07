"""R-R3: a reference case (参阅件) owes no written reply; its page offers its unit no form that
would only be refused (a review found 答复送审 and 申请延期 on one, refused on submitting)."""

from __future__ import annotations

import re
from typing import Any

from tests.api.conftest import Api, case_body
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in


def forms_offered(page: str) -> set[str]:
    return {
        name for name in ("reply", "extension-request", "contact") if f'id="form-{name}"' in page
    }


def test_r_r3_a_reference_case_offers_no_reply_nor_extension_form(api: Api) -> None:
    cases = {}
    assignments: list[tuple[str, dict[str, Any]]] = [
        ("REF-1", {"lead_unit": "FIN", "reference": True}),
        ("LEAD-1", {"lead_unit": "FIN"}),
    ]
    for number, assignment in assignments:
        answer = api.post("/v1/cases", case_body(number), "office")
        case_id = answer.json()["case_id"]
        body = {**assignment, "assigned_on": "2025-02-01"}
        assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
        cases[number] = case_id
    client = logged_in(api, "fin_clerk", role="handler", unit="FIN")
    assert forms_offered(client.get(f"/cases/{cases['REF-1']}").text) == {"contact"}
    assert forms_offered(client.get(f"/cases/{cases['LEAD-1']}").text) == {
        "reply",
        "extension-request",
        "contact",
    }


def test_r_d5_the_workbench_sends_a_reference_case_to_a_unit_that_can_contact(api: Api) -> None:
    """A review assigned a 参阅件 to no unit: nobody could then record the contact its 31 October
    deadline asks for, and a reference case is never reassigned, so it sat overdue for good.
    The API still takes one (R-A1 reads "or marks it a reference case")."""
    case_id = api.post("/v1/cases", case_body("REF-2"), "office").json()["case_id"]
    client = logged_in(api, "ref_clerk")
    # Its fixed day is said where the clerk ticks it (assigned later, it is overdue at once).
    offered = re.search(
        r'id="form-assignment"(.*?)</form>', client.get(f"/cases/{case_id}").text, re.S
    )
    assert offered and "须于当年 10 月 31 日前登记联系" in offered.group(1)
    form = form_of(client, case_id, "assignment", reference="true", assigned_on="2025-02-01")
    form["policy"] = "hebei-2022"
    refused = send(client, case_id, "assignment", form)
    assert refused.status_code == 409, re.findall(r'role="alert">(.*?)</', refused.text)
    beside = re.search(
        r'id="assignment-lead_unit-problem" role="alert">(.*?)</span>\s*</div>', refused.text, re.S
    )
    assert beside and "参阅件须在“主办单位”中选定负责联系代表委员的单位" in beside.group(1)
    assert '<span class="rule">R-D5</span>' in beside.group(1)
    assert api.case(case_id)["version"] == 1  # nothing written
    taken = send(client, case_id, "assignment", {**form, "lead_unit": "FIN"})
    assert taken.status_code == 303
    case = api.case(case_id)
    assert (case["reference"], case["lead_unit"]) == (True, "FIN")
    # With a 会办 unit beside it, the domain's R-A1 speaks (a 参阅件 takes none), not R-D5.
    other = api.post("/v1/cases", case_body("REF-3"), "office").json()["case_id"]
    form = form_of(client, other, "assignment", reference="true", assigned_on="2025-02-01")
    mixed = send(client, other, "assignment", {**form, "policy": "hebei-2022", "co_units": "EDU"})
    assert mixed.status_code == 409 and '<span class="rule">R-A1</span>' in mixed.text
    assert '<span class="rule">R-D5</span>' not in mixed.text
