"""The role matrix's world (API.md § who does what): every endpoint with the roles the contract
admits, a case world for them to act on (``build_world``), and the helpers the matrix tests
share."""

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
        "recommend-ruling",
        "POST",
        C + "/ruling-recommendation",
        fixed(
            {"lead_unit": "FIN", "co_units": ["HOU"], "note": "建议", "occurred_on": "2025-02-07"}
        ),
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
    Endpoint(
        "record-responsibility",
        "POST",
        C + "/responsibilities",
        fixed(
            {
                "unit": "FIN",
                "unit_leader": "李副厅长",
                "handler": "王五",
                "phone": "0311-87801234",
                "occurred_on": "2025-02-05",
            }
        ),
        ("office", "handler"),
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
        ("handler", "office"),  # the office when it overrides a missing co-opinion (R-R2)
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
    Endpoint(
        "reassign-user",
        "POST",
        T + "/reassign",
        fixed({"role": "auditor", "reason": "矩阵"}),
        ("admin",),
    ),
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
    # Verify in the background (an addition): started and read as verify is.
    Endpoint("start-verify-run", "POST", "/v1/audit/verify/runs", fixed({}), ("auditor", "admin")),
    Endpoint("read-verify-run", "GET", "/v1/audit/verify/runs/latest", None, ("auditor", "admin")),
    Endpoint("read-verify-runs", "GET", "/v1/audit/verify/runs", None, ("auditor", "admin")),
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


def endpoint_params(endpoints: list[Endpoint]) -> list[Any]:
    return [pytest.param(e, id=e.name) for e in endpoints]
