"""A case is given only to units that exist (R-A1): one given to an unknown unit would wait for
ever, since no user can act for that unit. The refusal writes nothing."""

from __future__ import annotations

from tests.api.conftest import Api, assert_problem, case_body, register_and_assign, version
from tests.api.test_case_page_more import form_of, send
from tests.api.test_pages import logged_in


def registered(api: Api, number: str) -> str:
    response = api.post("/v1/cases", case_body(number), "office")
    assert response.status_code == 201, response.text
    case_id: str = response.json()["case_id"]
    return case_id


def test_an_assignment_to_an_unknown_unit_is_refused_and_writes_nothing_R_A1(
    backend_api: Api,
) -> None:
    api = backend_api  # both event stores refuse it alike
    case_id = registered(api, "U-1")
    before, head = version(api, case_id), api.head()
    for body in (
        {"lead_unit": "NOPE", "assigned_on": "2025-02-01"},
        {"lead_unit": "FIN", "co_units": ["HOU", "NOPE"], "assigned_on": "2025-02-01"},
        {"split_units": ["FIN", "NOPE"], "assigned_on": "2025-02-01"},
    ):
        answer = api.post(f"/v1/cases/{case_id}/assignment", body, "office")
        problem = assert_problem(answer, 422, None)
        assert "NOPE" in problem["detail"]
    assert (version(api, case_id), api.head()) == (before, head)
    assert api.get("/v1/ledger", "office").status_code == 200  # reads still answer
    # The units that exist are accepted as before.
    ok = {"lead_unit": "FIN", "co_units": ["HOU"], "assigned_on": "2025-02-01"}
    assert api.post(f"/v1/cases/{case_id}/assignment", ok, "office").status_code == 201


def test_a_reassignment_to_an_unknown_unit_is_refused_R_A1_R_A3(api: Api) -> None:
    case_id = register_and_assign(api, "U-2", lead="FIN")
    asked = api.post(
        f"/v1/cases/{case_id}/reassignment-requests",
        {"unit": "FIN", "reason": "不属于本单位职责", "occurred_on": "2025-02-03"},
        "handler_fin",
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["request_id"]
    before = version(api, case_id)
    decision = {"approved": True, "lead_unit": "NOPE", "note": "改办", "occurred_on": "2025-02-05"}
    path = f"/v1/cases/{case_id}/reassignment-requests/{request_id}/decision"
    assert_problem(api.post(path, decision, "office"), 422, None)
    assert version(api, case_id) == before


def test_the_case_pages_form_refuses_an_unknown_unit_as_the_api_does_R_A1(api: Api) -> None:
    """The pages ran the command without the API's check: a form posted with a unit the select
    never offered gave the case to a unit no one can act for."""
    case_id = registered(api, "U-9")
    client = logged_in(api, "clerk_u9")
    before, head = version(api, case_id), api.head()
    form = form_of(client, case_id, "assignment", lead_unit="NOPE", assigned_on="2025-02-01")
    form["policy"] = "hebei-2022"
    answer = send(client, case_id, "assignment", form)
    assert answer.status_code == 422 and "单位不存在：NOPE" in answer.text
    assert (version(api, case_id), api.head()) == (before, head)
