"""Helpers of the proposer-side tests: a case brought to an issued reply over HTTP, and links."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from tests.api.conftest import Api, case_body, contact_body, reply_body

Json = dict[str, Any]
EXPIRES = (date.today() + timedelta(days=90)).isoformat()


def ok(response: httpx.Response, status: int = 201) -> Json:
    assert response.status_code == status, response.text
    found: Json = response.json()
    return found


def registered(api: Api, number: str, **overrides: Any) -> str:
    case_id: str = ok(api.post("/v1/cases", case_body(number, **overrides), "office"))["case_id"]
    body = {"lead_unit": "FIN", "co_units": [], "assigned_on": "2025-02-01"}
    ok(api.post(f"/v1/cases/{case_id}/assignment", body, "office"))
    return case_id


def issued(
    api: Api,
    number: str,
    *,
    classification: str = "A",
    disclosure: str = "proactive",
    withheld_reason: str | None = None,
    **overrides: Any,
) -> tuple[str, str]:
    """A case led by FIN with its reply (of ``classification``, marked ``disclosure``, withheld
    for ``withheld_reason`` if given) issued on 2025-04-10: (case id, reply id)."""
    case_id = registered(api, number, **overrides)
    ok(api.post(f"/v1/cases/{case_id}/contacts", contact_body(), "handler_fin"))
    reply = {
        **reply_body(),
        "occurred_on": "2025-04-01",
        "classification": classification,
        "disclosure": disclosure,
        **({"withheld_reason": withheld_reason} if withheld_reason else {}),
    }
    reply_id: str = ok(api.post(f"/v1/cases/{case_id}/replies", reply, "handler_fin"))["reply_id"]
    url = f"/v1/cases/{case_id}/replies/{reply_id}"
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-05"}
    ok(api.post(f"{url}/approval", approval, "leader"))
    issue = {"document_number": "财建函〔2025〕12号", "occurred_on": "2025-04-10"}
    ok(api.post(f"{url}/issue", issue, "handler_fin"))
    return case_id, reply_id


def published(api: Api, case_id: str, reply_id: str, url: str) -> None:
    """The issued reply reviewed (2025-04-16, R-P3) and published at ``url`` (2025-04-17)."""
    review = {"reply_id": reply_id, "approved": True, "note": "同意", "occurred_on": "2025-04-16"}
    ok(api.post(f"/v1/cases/{case_id}/disclosure-review", review, "office"))
    publish = {"reply_id": reply_id, "published_on": "2025-04-17", "url": url}
    ok(api.post(f"/v1/cases/{case_id}/disclosure", publish, "office"))


def link(api: Api, case_id: str, name: str = "张三", **extra: Any) -> Json:
    body = {"proposer_name": name, "expires_on": EXPIRES, **extra}
    return ok(api.post(f"/v1/cases/{case_id}/proposer-links", body, "office"))


def as_link(api: Api, token: str, path: str, body: Json | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        response: httpx.Response = api.client.get(path, headers=headers)
    else:
        response = api.client.post(path, json=body, headers=headers)
    return response


FEEDBACK = {"verdict": "satisfied", "comments": "答复很具体", "occurred_on": "2025-04-20"}
CONSENT = {"consent_reply": True, "consent_original": False, "occurred_on": "2025-04-15"}


def reply_issued(api: Api, case_id: str, unit: str, classification: str) -> None:
    """``unit``'s reply of ``classification`` on the case, contacted, approved and issued."""
    handler = f"handler_{unit.lower()}"
    assert api.post(f"/v1/cases/{case_id}/contacts", contact_body(unit), handler).status_code == 201
    body = {**reply_body(unit), "classification": classification}
    answer = api.post(f"/v1/cases/{case_id}/replies", body, handler)
    assert answer.status_code == 201, answer.text
    path = f"/v1/cases/{case_id}/replies/{answer.json()['reply_id']}"
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-05"}
    assert api.post(f"{path}/approval", approval, "leader").status_code == 201
    issue = {"document_number": f"{unit}函〔2025〕1号", "occurred_on": "2025-04-10"}
    assert api.post(f"{path}/issue", issue, handler).status_code == 201


def further_reply_issued(api: Api, case_id: str) -> str:
    """After a 不满意: a face-to-face meeting (R-F2), then the further reply submitted (25 April),
    approved and issued (28 April); answers its id."""
    met = {**contact_body("FIN", "2025-04-22"), "channel": "meeting"}
    ok(api.post(f"/v1/cases/{case_id}/contacts", met, "handler_fin"))
    further = {**reply_body(), "occurred_on": "2025-04-25"}
    reply_id = str(ok(api.post(f"/v1/cases/{case_id}/replies", further, "handler_fin"))["reply_id"])
    path = f"/v1/cases/{case_id}/replies/{reply_id}"
    approval = {"approved": True, "leader": "钱厅长", "note": "同意", "occurred_on": "2025-04-26"}
    ok(api.post(f"{path}/approval", approval, "leader"))
    issue = {"document_number": "财建函〔2025〕20号", "occurred_on": "2025-04-28"}
    ok(api.post(f"{path}/issue", issue, "handler_fin"))
    return reply_id
