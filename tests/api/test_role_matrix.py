"""Who does what (API.md): every endpoint against every role, and the handler's unit scope.

A role the contract does not list gets 403; a listed role never gets 401/403 (it may still be
refused by a rule, 404/409/422, depending on the case's state); no valid token → 401.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.api.conftest import (
    Api,
    case_body,
    contact_body,
    register_and_assign,
    reply_body,
    visit_body,
)

ALL = ("admin", "office", "leader", "supervisor", "auditor", "handler")
READERS = ALL
WRITERS_OF_CORRECTIONS = ("office", "leader", "supervisor", "handler", "admin")
PUBLIC = ("*",)  # no token needed
# The matrix's handler acts for FIN, which leads the matrix's case.
ROLE_USER = {
    "admin": "admin",
    "office": "office",
    "leader": "leader",
    "supervisor": "supervisor",
    "auditor": "auditor",
    "handler": "handler_fin",
}


@dataclass
class World:
    api: Api
    case_id: str  # lead FIN, co HOU
    other_case_id: str  # lead FIN only
    reply_id: str  # FIN's submitted reply on case_id
    request_id: str  # HOU's open reassignment request on case_id
    event_id: str  # FIN's contact on case_id, recorded by handler_fin
    extension_id: str  # FIN's open request for more time on its reply (R-E1)


Body = Callable[[World], Any]


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # may name {case}, {reply}, {request}, {extension}
    body: Body | None
    allowed: tuple[str, ...]

    def url(self, w: World) -> str:
        return self.path.format(
            case=w.case_id, reply=w.reply_id, request=w.request_id, extension=w.extension_id
        )

    def call(self, w: World, who: str | None) -> httpx.Response:
        token = w.api.tokens.get(who, who) if who else None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = self.body(w) if self.body else None
        response: httpx.Response = w.api.client.request(
            self.method, self.url(w), json=body, headers=headers
        )
        return response


def fixed(body: dict[str, Any]) -> Body:
    return lambda _: body


C = "/v1/cases/{case}"
T = "/v1/users/matrix-target"  # a user of the matrix's world that no matrix role is


def extension_body(unit: str) -> dict[str, Any]:
    return {
        "unit": unit,
        "deadline_kind": "reply" if unit == "FIN" else "co_opinion",
        "reason": "需协调",
        "requested_due_on": "2025-05-20",
        "occurred_on": "2025-03-10",
    }


ENDPOINTS = [
    # Set-up: admin.
    Endpoint("create-unit", "POST", "/v1/units", fixed({"code": "MX", "name": "矩阵"}), ("admin",)),
    Endpoint(
        "create-user",
        "POST",
        "/v1/users",
        fixed({"username": "matrix", "display_name": "m", "role": "auditor"}),
        ("admin",),
    ),
    Endpoint(
        "load-calendar",
        "PUT",
        "/v1/calendar/2030",
        fixed({"holidays": ["2030-10-01"], "workdays": []}),
        ("admin",),
    ),
    # Case commands.
    Endpoint("register", "POST", "/v1/cases", fixed(case_body("M-NEW")), ("office",)),
    Endpoint(
        "assign",
        "POST",
        C + "/assignment",
        fixed({"lead_unit": "FIN", "co_units": ["HOU"], "assigned_on": "2025-02-01"}),
        ("office",),
    ),
    Endpoint(
        "request-reassignment",
        "POST",
        C + "/reassignment-requests",
        fixed({"unit": "FIN", "reason": "职能不符", "occurred_on": "2025-02-05"}),
        ("handler",),
    ),
    Endpoint(
        "decide-reassignment",
        "POST",
        C + "/reassignment-requests/{request}/decision",
        fixed({"approved": False, "note": "不同意", "occurred_on": "2025-02-06"}),
        ("office",),
    ),
    Endpoint(
        "rule-on-assignment",
        "POST",
        C + "/ruling",
        fixed(
            {
                "leader": "钱厅长",
                "lead_unit": "FIN",
                "co_units": ["HOU"],
                "note": "裁定",
                "occurred_on": "2025-02-07",
            }
        ),
        ("leader",),
    ),
    Endpoint(
        "designate-key",
        "POST",
        C + "/key",
        fixed({"source": "government", "leader_in_charge": "钱厅长", "occurred_on": "2025-02-03"}),
        ("office",),
    ),
    Endpoint("record-contact", "POST", C + "/contacts", fixed(contact_body()), ("handler",)),
    Endpoint("record-visit", "POST", C + "/visits", fixed(visit_body()), ("handler",)),
    Endpoint(
        "record-visit-declined",
        "POST",
        C + "/visit-declined",
        fixed({"unit": "FIN", "note": "代表表示无需走访", "occurred_on": "2025-02-12"}),
        ("handler",),
    ),
    Endpoint(
        "record-on-site-handling",
        "POST",
        C + "/on-site-handlings",
        fixed(
            {
                "unit": "FIN",
                "proposer_present": True,
                "summary": "现场办理",
                "occurred_on": "2025-02-20",
            }
        ),
        ("handler",),
    ),
    Endpoint(
        "record-disclosure-preference",
        "POST",
        C + "/disclosure-preference",
        fixed({"consent_reply": True, "consent_original": False, "occurred_on": "2025-02-10"}),
        ("handler",),
    ),
    Endpoint(
        "record-co-opinion",
        "POST",
        C + "/co-opinions",
        fixed(
            {
                "unit": "FIN",
                "summary": "会办意见",
                "disclosure_opinion": "proactive",
                "occurred_on": "2025-03-01",
            }
        ),
        ("handler",),
    ),
    Endpoint(
        "request-extension",
        "POST",
        C + "/extension-requests",
        fixed(extension_body("FIN")),
        ("handler",),
    ),
    Endpoint(
        "decide-extension",
        "POST",
        C + "/extension-requests/{extension}/decision",
        fixed({"approved": True, "note": "同意", "occurred_on": "2025-03-12"}),
        ("office",),
    ),
    Endpoint(
        "review-repeat",
        "POST",
        C + "/repeat-review",
        fixed({"of_case_id": "x", "confirmed": True, "note": "核实", "occurred_on": "2025-02-03"}),
        ("office",),
    ),
    Endpoint("submit-reply", "POST", C + "/replies", fixed(reply_body()), ("handler",)),
    Endpoint(
        "approve-reply",
        "POST",
        C + "/replies/{reply}/approval",
        fixed({"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-02"}),
        ("leader",),
    ),
    Endpoint(
        "issue-reply",
        "POST",
        C + "/replies/{reply}/issue",
        fixed({"document_number": "财建函〔2025〕1号", "occurred_on": "2025-04-05"}),
        ("handler",),
    ),
    Endpoint(
        "review-disclosure",
        "POST",
        C + "/disclosure-review",
        lambda w: {
            "reply_id": w.reply_id,
            "approved": True,
            "note": "同意公开",
            "occurred_on": "2025-04-08",
        },
        ("office",),
    ),
    Endpoint(
        "publish-or-withhold",
        "POST",
        C + "/disclosure",
        lambda w: {
            "reply_id": w.reply_id,
            "published_on": "2025-04-10",
            "url": "https://example.gov.cn/reply/1",
            "include_original": False,
        },
        ("office", "handler"),
    ),
    Endpoint(
        "record-feedback",
        "POST",
        C + "/feedback",
        fixed({"verdict": "satisfied", "comments": "", "occurred_on": "2025-05-01"}),
        ("office",),
    ),
    Endpoint(
        "record-follow-up-call",
        "POST",
        C + "/follow-up-calls",
        fixed({"summary": "回访", "occurred_on": "2025-05-02"}),
        ("office",),
    ),
    Endpoint(
        "remind",
        "POST",
        C + "/reminders",
        fixed({"means": "phone", "note": "催办", "occurred_on": "2025-03-01"}),
        ("office", "supervisor"),
    ),
    Endpoint(
        "reassess",
        "POST",
        C + "/reassessments",
        fixed({"finding": "implemented", "note": "回头看", "occurred_on": "2025-06-01"}),
        ("office", "supervisor"),
    ),
    Endpoint(
        "close-out",
        "POST",
        C + "/close-out",
        fixed({"note": "销号", "occurred_on": "2025-06-02"}),
        ("office",),
    ),
    Endpoint(
        "correct",
        "POST",
        C + "/corrections",
        lambda w: {"event_id": w.event_id, "reason": "笔误", "corrected": {"summary": "更正摘要"}},
        WRITERS_OF_CORRECTIONS,
    ),
    Endpoint(
        "merge",
        "POST",
        "/v1/merges",
        lambda w: {"case_ids": [w.case_id, w.other_case_id], "occurred_on": "2025-03-01"},
        ("office",),
    ),
    # Users and sessions (v1.1): admin, or the user itself (tests/api/test_users.py; no matrix
    # role is the target user). POST/DELETE /v1/session are for anyone with a password or a
    # session cookie, not a token: tests/api/test_sessions.py.
    Endpoint("disable-user", "POST", T + "/disable", fixed({"reason": "矩阵"}), ("admin",)),
    Endpoint("enable-user", "POST", T + "/enable", fixed({"reason": "矩阵"}), ("admin",)),
    Endpoint("grant-token", "POST", T + "/tokens", fixed({}), ("admin",)),
    Endpoint("revoke-tokens", "POST", T + "/tokens/revoke", fixed({}), ("admin",)),
    Endpoint(
        "set-password",
        "POST",
        T + "/password",
        fixed({"new_password": "matrix passphrase"}),
        ("admin",),
    ),
    Endpoint("read-me", "GET", "/v1/me", None, READERS),
    # Reads.
    Endpoint("read-case", "GET", C, None, READERS),
    Endpoint("search-cases", "GET", "/v1/cases?q=公路", None, READERS),
    Endpoint("read-history", "GET", C + "/history", None, READERS),
    Endpoint("read-ledger", "GET", "/v1/ledger", None, READERS),
    Endpoint("read-overdue", "GET", "/v1/ledger/overdue", None, READERS),
    Endpoint("read-unit-stats", "GET", "/v1/stats/units", None, READERS),
    Endpoint("read-visit-compliance", "GET", "/v1/stats/visit-compliance", None, READERS),
    Endpoint("read-disclosures", "GET", "/v1/disclosures", None, READERS),
    Endpoint("read-commitments", "GET", "/v1/commitments", None, READERS),
    # "the global event log (auditor, admin)"; /v1/audit/verify is read the same way.
    Endpoint("read-audit-events", "GET", "/v1/audit/events", None, ("auditor", "admin")),
    Endpoint("read-audit-verify", "GET", "/v1/audit/verify", None, ("auditor", "admin")),
    Endpoint("health", "GET", "/health", None, PUBLIC),
    Endpoint("metrics", "GET", "/metrics", None, PUBLIC),
]
WRITES = [e for e in ENDPOINTS if e.method != "GET"]
READS = [e for e in ENDPOINTS if e.method == "GET"]
HANDLER_COMMANDS = [e for e in WRITES if "handler" in e.allowed]
by_name = {e.name: e for e in ENDPOINTS}


def build_world(api: Api) -> World:
    target = {"username": "matrix-target", "display_name": "靶", "role": "auditor"}
    assert api.post("/v1/users", target, "boot").status_code == 201
    case_id = register_and_assign(api, "M-A", co=("HOU",))
    other = register_and_assign(api, "M-B")
    contact = api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin")
    assert contact.status_code == 201, contact.text
    reply = api.post(f"/v1/cases/{case_id}/replies", reply_body(), "handler_fin")
    assert reply.status_code == 201, reply.text
    request = api.post(
        f"/v1/cases/{case_id}/reassignment-requests",
        {"unit": "HOU", "reason": "不属本单位职能", "occurred_on": "2025-02-04"},
        "handler_hou",
    )
    assert request.status_code == 201, request.text
    extension = api.post(
        f"/v1/cases/{case_id}/extension-requests", extension_body("FIN"), "handler_fin"
    )
    assert extension.status_code == 201, extension.text
    return World(
        api,
        case_id,
        other,
        reply.json()["reply_id"],
        request.json()["request_id"],
        contact.json()["events"][0]["id"],
        extension.json()["request_id"],
    )


@pytest.fixture(scope="module")
def world(module_api: Api) -> World:
    return build_world(module_api)


@pytest.fixture
def fresh(api: Api) -> World:
    """The same world on a store of its own, for tests that must see exactly what they wrote."""
    return build_world(api)


def endpoint_params(endpoints: list[Endpoint]) -> list[Any]:
    return [pytest.param(e, id=e.name) for e in endpoints]


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
    decision = {
        "approved": True,
        "lead_unit": "FIN",
        "co_units": ["HOU"],
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
        assert response.status_code == 403, (endpoint.name, response.text)
    assert api.head() == before
    for endpoint in READS:
        response = endpoint.call(fresh, "auditor")
        assert response.status_code == 200, (endpoint.name, response.text)
    ledger = api.get("/v1/ledger", "auditor").json()
    assert {i["case_id"] for i in ledger["items"]} == {fresh.case_id, fresh.other_case_id}


# ---------------------------------------------------------------------- handler scope


HOU_BODIES: dict[str, Body] = {
    "request-reassignment": fixed(
        {"unit": "HOU", "reason": "职能不符", "occurred_on": "2025-02-05"}
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
