"""A handler acts on, and reads, only the cases where its unit has a role, and only for its own
unit (API.md § who does what, docs/decisions.md § HTTP API). The world is ``role_matrix``'s.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import (
    Api,
    contact_body,
    reply_body,
    visit_body,
)
from tests.api.role_matrix import (
    HANDLER_COMMANDS,
    Body,
    Endpoint,
    World,
    build_world,
    endpoint_params,
    extension_body,
    fixed,
)


@pytest.fixture
def fresh(api: Api) -> World:
    """The same world on a store of its own, for tests that must see exactly what they wrote."""
    return build_world(api)


# ---------------------------------------------------------------------- handler scope


HOU_BODIES: dict[str, Body] = {
    "request-reassignment": fixed(
        {"unit": "HOU", "reason": "职能不符", "occurred_on": "2025-02-05"}
    ),
    "record-responsibility": fixed(
        {
            "unit": "HOU",
            "unit_leader": "李副厅长",
            "handler": "王五",
            "phone": "0311-87801234",
            "occurred_on": "2025-02-05",
        }
    ),
    "record-contact": fixed(contact_body("HOU")),
    "record-visit": fixed(visit_body("HOU", "HOU")),
    "record-visit-declined": fixed(
        {"unit": "HOU", "note": "无需走访", "occurred_on": "2025-02-12"}
    ),
    "record-on-site-handling": fixed(
        {
            "unit": "HOU",
            "proposer_present": True,
            "summary": "现场办理",
            "occurred_on": "2025-02-20",
        }
    ),
    "record-disclosure-preference": fixed(
        {"consent_reply": True, "consent_original": False, "occurred_on": "2025-02-10"}
    ),
    "record-co-opinion": fixed(
        {
            "unit": "HOU",
            "summary": "会办意见",
            "disclosure_opinion": "proactive",
            "occurred_on": "2025-03-01",
        }
    ),
    "request-extension": fixed(extension_body("HOU")),
    "submit-reply": fixed(reply_body("HOU")),
    "issue-reply": fixed({"document_number": "建函〔2025〕1号", "occurred_on": "2025-04-05"}),
    "publish-or-withhold": lambda w: {"reply_id": w.reply_id, "withheld_reason": "涉密"},
    # The FIN-only case's assignment (version 2): HOU cannot touch that case at all.
    "correct": lambda w: {
        "event_id": f"{w.other_case_id}:2",
        "reason": "笔误",
        "corrected": {"summary": "改"},
    },
}


def foreign(endpoint: Endpoint) -> Endpoint:
    """The endpoint aimed at the FIN-only case, with a body naming HOU, HOU's own unit."""
    path = endpoint.path.replace("{case}", "{other}")
    body = HOU_BODIES[endpoint.name]
    return Endpoint(endpoint.name, endpoint.method, path, body, endpoint.allowed)


@pytest.mark.parametrize("endpoint", endpoint_params(HANDLER_COMMANDS))
def test_handler_acts_only_on_cases_where_its_unit_has_a_role(
    fresh: World, endpoint: Endpoint
) -> None:
    """HOU has no role on the FIN-only case: 404 as if it did not exist (API.md v1.1: case
    numbers cannot be probed), not a rule refusal; nothing written."""
    api = fresh.api
    before = api.head()
    target = foreign(endpoint)
    body = target.body(fresh) if target.body else None
    url = target.path.format(other=fresh.other_case_id, reply=fresh.reply_id)
    response = api.post(url, body, "handler_hou")
    assert response.status_code == 404, response.text
    assert response.json()["detail"] == f"no case {fresh.other_case_id} / 该件不存在"
    assert api.head() == before


def test_handler_records_a_contact_only_for_its_own_unit(fresh: World) -> None:
    """HOU is co unit on the case, yet FIN's handler may not record HOU's contact."""
    api = fresh.api
    before = api.head()
    url = f"/v1/cases/{fresh.case_id}/contacts"
    response = api.post(url, contact_body("HOU"), "handler_fin")
    assert response.status_code == 403, response.text
    assert api.head() == before
    assert api.post(url, contact_body("HOU"), "handler_hou").status_code == 201


def test_handler_issues_and_publishes_only_its_own_units_replies(fresh: World) -> None:
    """HOU has a role on the case, but the reply is FIN's: HOU's handler may not issue it."""
    api, url = fresh.api, f"/v1/cases/{fresh.case_id}/replies/{fresh.reply_id}"
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}
    assert api.post(f"{url}/approval", approval, "leader").status_code == 201
    opinion = HOU_BODIES["record-co-opinion"](fresh)
    assert (
        api.post(f"/v1/cases/{fresh.case_id}/co-opinions", opinion, "handler_hou").status_code
        == 201
    )
    issue = {"document_number": "财建函〔2025〕1号", "occurred_on": "2025-04-05"}
    assert api.post(f"{url}/issue", issue, "handler_hou").status_code == 403
    assert api.post(f"{url}/issue", issue, "handler_fin").status_code == 201
    withhold = {
        "reply_id": fresh.reply_id,
        "withheld_reason": "涉及国家秘密",
        "occurred_on": "2025-04-06",
    }
    disclosure = f"/v1/cases/{fresh.case_id}/disclosure"
    assert api.post(disclosure, withhold, "handler_hou").status_code == 403


def test_handler_reads_only_cases_where_its_unit_has_a_role(fresh: World) -> None:
    """Another unit's case answers exactly like a case that does not exist."""
    api, other = fresh.api, fresh.other_case_id
    missing = "00000000-0000-0000-0000-000000000000"
    for path in (f"/v1/cases/{other}", f"/v1/cases/{other}/history"):
        foreign = api.get(path, "handler_hou")
        absent = api.get(path.replace(other, missing), "handler_hou")
        assert (foreign.status_code, absent.status_code) == (404, 404)
        assert foreign.json() == {**absent.json(), "detail": f"no case {other} / 该件不存在"}
        assert foreign.headers["content-type"] == absent.headers["content-type"]
        assert api.get(path, "handler_fin").status_code == 200
    assert api.get(f"/v1/cases/{fresh.case_id}", "handler_hou").status_code == 200


def test_handler_ledger_lists_only_its_units_cases(fresh: World) -> None:
    api = fresh.api
    listed = {i["case_id"] for i in api.get("/v1/ledger", "handler_hou").json()["items"]}
    assert listed == {fresh.case_id}
    assert api.get("/v1/ledger", "handler_hou", unit="FIN").status_code == 403
    assert api.get("/v1/ledger", "handler_hou", unit="HOU").status_code == 200
    every = {i["case_id"] for i in api.get("/v1/ledger", "handler_fin").json()["items"]}
    assert every == {fresh.case_id, fresh.other_case_id}
