"""A closed case offers only the forms it can take: a 参阅件 closed by its contact (R-R3,
R-D5) offered 电话回访 (R-F3 calls back on a reply) and 销号 (R-Rv2 closes out a B-class
commitment), and any closed case offered 销号 before a 回头看 found its commitment kept, each
only to be refused."""

from __future__ import annotations

import re

from tests.api.conftest import Api, case_body, contact_body
from tests.api.proposer_support import issued, ok
from tests.api.test_pages import logged_in


def _offered(page: str) -> set[str]:
    return set(re.findall(r'<details class="form" id="form-([\w-]+)"', page))


def test_a_reference_case_done_offers_no_call_back_nor_close_out_R_R3_R_F3_R_Rv2(
    api: Api,
) -> None:
    case_id = ok(api.post("/v1/cases", case_body("REF-9"), "office"))["case_id"]
    body = {"reference": True, "lead_unit": "FIN", "assigned_on": "2025-02-01"}
    ok(api.post(f"/v1/cases/{case_id}/assignment", body, "office"))
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin"))
    assert api.case(case_id)["stage"] == "closed"
    offered = _offered(logged_in(api, "clerk_cf1").get(f"/cases/{case_id}").text)
    assert not offered & {"follow-up-call", "close-out", "reassessment"}, offered


def test_close_out_is_offered_once_a_reassessment_found_the_commitment_kept_R_Rv2(
    api: Api,
) -> None:
    case_id, _ = issued(api, "CO-1", classification="B")
    ok(
        api.post(
            f"/v1/cases/{case_id}/feedback",
            {"verdict": "satisfied", "occurred_on": "2025-04-20"},
            "office",
        )
    )
    client = logged_in(api, "clerk_cf2")
    page = client.get(f"/cases/{case_id}").text
    assert "follow-up-call" in _offered(page) and "close-out" not in _offered(page)
    advancing = {"finding": "advancing", "note": "正在推进", "occurred_on": "2025-09-01"}
    ok(api.post(f"/v1/cases/{case_id}/reassessments", advancing, "office"))
    assert "close-out" not in _offered(client.get(f"/cases/{case_id}").text)
    fulfilled = {"finding": "fulfilled", "note": "已落实", "occurred_on": "2025-10-01"}
    ok(api.post(f"/v1/cases/{case_id}/reassessments", fulfilled, "office"))
    assert "close-out" in _offered(client.get(f"/cases/{case_id}").text)
    ok(
        api.post(
            f"/v1/cases/{case_id}/close-out",
            {"note": "销号", "occurred_on": "2025-10-02"},
            "office",
        )
    )
    assert "close-out" not in _offered(client.get(f"/cases/{case_id}").text)
