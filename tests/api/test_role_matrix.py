"""Who does what (API.md): every endpoint against every role (the handler's unit scope is in
``test_role_matrix_handler_scope``).

A role the contract does not list gets 403; a listed role never gets 401/403 (it may still be
refused by a rule, 404/409/422, depending on the case's state); no valid token → 401.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import (
    Api,
    case_body,
    visit_body,
)
from tests.api.role_matrix import (
    ALL,
    ENDPOINTS,
    PUBLIC,
    READS,
    ROLE_USER,
    WRITES,
    Endpoint,
    World,
    build_world,
    by_name,
    endpoint_params,
)


@pytest.fixture(scope="module")
def world(module_api: Api) -> World:
    return build_world(module_api)


@pytest.fixture
def fresh(api: Api) -> World:
    """The same world on a store of its own, for tests that must see exactly what they wrote."""
    return build_world(api)


# ---------------------------------------------------------------------- authentication


@pytest.mark.parametrize("endpoint", endpoint_params(ENDPOINTS))
@pytest.mark.parametrize(
    "token", [None, "not-a-token", "boot2"], ids=["no-token", "unknown-token", "near-miss-token"]
)
def test_without_a_valid_token_every_endpoint_answers_401(
    world: World, endpoint: Endpoint, token: str | None
) -> None:
    response = endpoint.call(world, token)
    if endpoint.allowed == PUBLIC:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("endpoint", endpoint_params([by_name["read-ledger"], by_name["register"]]))
@pytest.mark.parametrize("header", ["Basic Ym9vdDo=", "Bearer", "Bearer   ", "boot"])
def test_a_header_that_is_not_a_bearer_token_answers_401(
    world: World, endpoint: Endpoint, header: str
) -> None:
    body = endpoint.body(world) if endpoint.body else None
    response = world.api.client.request(
        endpoint.method, endpoint.url(world), json=body, headers={"Authorization": header}
    )
    assert response.status_code == 401, response.text


# ---------------------------------------------------------------------- who does what


@pytest.mark.parametrize("endpoint", endpoint_params(ENDPOINTS))
@pytest.mark.parametrize("role", ALL)
def test_who_does_what(world: World, endpoint: Endpoint, role: str) -> None:
    """A role not listed for the endpoint gets 403; a listed role gets past the role check."""
    response = endpoint.call(world, ROLE_USER[role])
    if endpoint.allowed == PUBLIC or role in endpoint.allowed:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["rule"] is None


def test_bootstrap_token_is_an_admin(world: World) -> None:
    assert world.api.get("/v1/audit/verify", "boot").status_code == 200
    assert world.api.post("/v1/cases", case_body("M-BOOT"), "boot").status_code == 403


def test_every_allowed_role_can_actually_succeed(fresh: World) -> None:
    """Not just "not 403": on a case in the right state each role's own commands answer 201."""
    api, case_id = fresh.api, fresh.case_id
    steps: list[tuple[str, str, dict[str, Any], str]] = [
        ("handler_fin", "/visits", visit_body(), "VisitRecorded"),
        ("office", "/key", {"source": "unit", "occurred_on": "2025-02-03"}, "KeyDesignated"),
        (
            "supervisor",
            "/reminders",
            {"means": "phone", "note": "催办", "occurred_on": "2025-03-01"},
            "Reminded",
        ),
        (
            "office",
            "/reminders",
            {"means": "meeting", "note": "催办", "occurred_on": "2025-03-02"},
            "Reminded",
        ),
        (
            "handler_hou",
            "/co-opinions",
            {
                "unit": "HOU",
                "summary": "会办意见",
                "disclosure_opinion": "proactive",
                "occurred_on": "2025-03-01",
            },
            "CoOpinionDelivered",
        ),
        (
            "leader",
            f"/replies/{fresh.reply_id}/approval",
            {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"},
            "ReplyDecided",
        ),
        (
            "handler_fin",
            f"/replies/{fresh.reply_id}/issue",
            {"document_number": "财建函〔2025〕1号", "occurred_on": "2025-04-05"},
            "ReplyIssued",
        ),
        (
            "office",
            "/disclosure-review",
            {
                "reply_id": fresh.reply_id,
                "approved": True,
                "note": "同意公开",
                "occurred_on": "2025-04-08",
            },
            "DisclosureReviewed",
        ),
        (
            "handler_fin",
            "/disclosure",
            {
                "reply_id": fresh.reply_id,
                "published_on": "2025-04-10",
                "url": "https://example.gov.cn/r/1",
            },
            "ReplyPublished",
        ),
        (
            "office",
            "/follow-up-calls",
            {"summary": "回访", "occurred_on": "2025-05-02"},
            "FollowUpCalled",
        ),
        (
            "office",
            "/feedback",
            {"verdict": "satisfied", "occurred_on": "2025-05-03"},
            "FeedbackRecorded",
        ),
        (
            "supervisor",
            "/reassessments",
            {"finding": "implemented", "note": "回头看", "occurred_on": "2025-06-01"},
            "Reassessed",
        ),
        (
            "handler_fin",
            "/corrections",
            {"event_id": fresh.event_id, "reason": "笔误", "corrected": {"summary": "更正摘要"}},
            "Corrected",
        ),
        (
            "office",
            f"/reassignment-requests/{fresh.request_id}/decision",
            {"approved": False, "note": "不同意", "occurred_on": "2025-06-03"},
            "ReassignmentDecided",
        ),
        (
            "office",
            f"/extension-requests/{fresh.extension_id}/decision",
            {"approved": False, "note": "不同意延期", "occurred_on": "2025-06-04"},
            "ExtensionDecided",
        ),
    ]
    for who, path, body, event_type in steps:
        response = api.post(f"/v1/cases/{case_id}{path}", body, who)
        assert response.status_code == 201, (who, path, response.text)
        assert [e["type"] for e in response.json()["events"]] == [event_type]


def test_leader_rules_once_two_assignment_rounds_are_used(fresh: World) -> None:
    """R-A2 through HTTP: office decides round two, then only the leader may rule."""
    api, url = fresh.api, f"/v1/cases/{fresh.case_id}"
    # HOU, a co unit, asked to be relieved: granted, it leads instead (R-A3: a grant moves it).
    decision = {
        "approved": True,
        "lead_unit": "HOU",
        "co_units": ["FIN"],
        "note": "同意调整",
        "occurred_on": "2025-02-06",
    }
    path = f"{url}/reassignment-requests/{fresh.request_id}/decision"
    assert api.post(path, decision, "office").status_code == 201
    again = {"unit": "HOU", "reason": "仍不属本单位职能", "occurred_on": "2025-02-07"}
    assert api.post(f"{url}/reassignment-requests", again, "handler_hou").status_code == 201
    ruling = {
        "leader": "钱厅长",
        "lead_unit": "FIN",
        "co_units": [],
        "note": "裁定由财政厅主办",
        "occurred_on": "2025-02-08",
    }
    assert api.post(f"{url}/ruling", ruling, "office").status_code == 403
    response = api.post(f"{url}/ruling", ruling, "leader")
    assert response.status_code == 201, response.text
    assert api.case(fresh.case_id)["co_units"] == []


# ---------------------------------------------------------------------- auditor


def test_auditor_reads_everything_and_writes_nothing(fresh: World) -> None:
    api = fresh.api
    before = api.head()
    for endpoint in WRITES:
        response = endpoint.call(fresh, "auditor")
        if endpoint.name == "start-verify-run":  # the auditor's own check, no event
            assert response.status_code == 202, response.text
            continue
        assert response.status_code == 403, (endpoint.name, response.text)
    assert api.head() == before
    for endpoint in READS:
        response = endpoint.call(fresh, "auditor")
        assert response.status_code == 200, (endpoint.name, response.text)
    ledger = api.get("/v1/ledger", "auditor").json()
    assert {i["case_id"] for i in ledger["items"]} == {fresh.case_id, fresh.other_case_id}
