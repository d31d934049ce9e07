"""R-R3: a reference case (参阅件) owes no written reply; its page offers its unit no form that
would only be refused (a review found 答复送审 and 申请延期 on one, refused on submitting)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, case_body
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
