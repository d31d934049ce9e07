"""A 参阅件's page says what the case owes (R-R3, R-D5): a contact registered, no written reply.
A review read 主办单位 and 答复：尚无答复 on one, as if a reply were still to come."""

from __future__ import annotations

from tests.api.conftest import Api, case_body
from tests.api.test_pages import logged_in


def test_a_reference_case_page_says_no_reply_is_owed_R_R3(api: Api) -> None:
    case_id = api.post("/v1/cases", case_body("REF-1"), "office").json()["case_id"]
    body = {"lead_unit": "FIN", "reference": True, "assigned_on": "2025-03-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", body, "office").status_code == 201
    page = logged_in(api, "ref_1").get(f"/cases/{case_id}").text
    assert "<dt>承办单位（参阅件）</dt>" in page and "<dt>主办单位</dt>" not in page
    assert 'id="no-reply-owed"' in page and "参阅件不需书面答复" in page
    assert "尚无答复。" not in page
