"""The small steps of a case's lifecycle over HTTP (register, assign, contact, reply, approve,
issue…) and the reads the lifecycle tests check, shared by ``test_lifecycles_*``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta, timezone
from typing import Any

from tests.e2e.conftest import Api, Json

BEIJING = timezone(timedelta(hours=8))


def deputies(*names: str) -> list[Json]:
    return [
        {"name": n, "type": "deputy", "role": "lead" if i == 0 else "co_signer"}
        for i, n in enumerate(names)
    ]


def members(*names: str) -> list[Json]:
    return [
        {"name": n, "type": "member", "role": "lead" if i == 0 else "co_signer"}
        for i, n in enumerate(names)
    ]


def register(
    api: Api,
    proposers: list[Json] | None = None,
    *,
    kind: str = "suggestion",
    title: str = "关于加强农村公路养护资金保障的建议",
    received_on: str = "2025-01-20",
) -> str:
    answer = api.ok(
        "office",
        "/v1/cases",
        {
            "number": api.number(),
            "kind": kind,
            "level": "provincial",
            "year": 2025,
            "title": title,
            "proposers": proposers or deputies("张三"),
            "received_on": received_on,
        },
    )
    assert answer["version"] == 1
    assert [e["type"] for e in answer["events"]] == ["Registered"]
    case_id: str = answer["case_id"]
    return case_id


def assign(
    api: Api, case_id: str, lead: str = "FIN", co: Sequence[str] = (), on: str = "2025-02-01"
) -> Json:
    body = {"lead_unit": lead, "co_units": list(co), "assigned_on": on}
    return api.ok("office", f"/v1/cases/{case_id}/assignment", body)


def contact_body(unit: str, on: str, *, reached: bool = True, channel: str = "phone") -> Json:
    return {
        "unit": unit,
        "phase": "before",
        "channel": channel,
        "contacted_by": {"name": "王科长", "rank": "科长"},
        "person": "张三",
        "reached": reached,
        "summary": "电话沟通办理思路，代表认可",
        "occurred_on": on,
    }


def contact(
    api: Api, case_id: str, unit: str = "FIN", on: str = "2025-02-10", *, reached: bool = True
) -> Json:
    body = contact_body(unit, on, reached=reached)
    return api.ok(f"handler:{unit}", f"/v1/cases/{case_id}/contacts", body)


def visit_body(unit: str, on: str, organised_by: str | None = None) -> Json:
    return {
        "unit": unit,
        "organised_by": organised_by or unit,
        "visitors": [{"name": "赵处长", "rank": "处长"}],
        "persons": ["张三"],
        "summary": "登门听取代表意见",
        "proposer_opinion": "希望加快进度",
        "occurred_on": on,
    }


def reply_body(unit: str, on: str, cls: str = "A", disclosure: str = "proactive") -> Json:
    return {
        "unit": unit,
        "classification": cls,
        "disclosure": disclosure,
        "consultation_form_ref": "征询表-2025-001",
        "summary": "答复正文摘要",
        "occurred_on": on,
    }


def submit(
    api: Api,
    case_id: str,
    unit: str = "FIN",
    on: str = "2025-04-01",
    cls: str = "A",
    disclosure: str = "proactive",
    **extra: Any,
) -> str:
    body = {**reply_body(unit, on, cls, disclosure), **extra}
    answer = api.ok(f"handler:{unit}", f"/v1/cases/{case_id}/replies", body)
    assert [e["type"] for e in answer["events"]] == ["ReplySubmitted"]
    reply_id: str = answer["reply_id"]
    return reply_id


def approval_body(on: str, approved: bool = True) -> Json:
    return {
        "approved": approved,
        "leader": "钱厅长",
        "note": "同意印发" if approved else "未与代表沟通，退回重办",
        "occurred_on": on,
    }


def approve(api: Api, case_id: str, reply_id: str, on: str = "2025-04-05") -> Json:
    return api.ok("leader", f"/v1/cases/{case_id}/replies/{reply_id}/approval", approval_body(on))


def issue_body(on: str, reply_id: str = "12") -> Json:
    """A reply's issue, under a 文号 of its own (two replies of a case share none)."""
    return {"document_number": f"财建函〔2025〕{reply_id}号", "occurred_on": on}


def issue(api: Api, case_id: str, reply_id: str, unit: str = "FIN", on: str = "2025-04-10") -> Json:
    path = f"/v1/cases/{case_id}/replies/{reply_id}/issue"
    return api.ok(f"handler:{unit}", path, issue_body(on, reply_id))


def replied(
    api: Api,
    case_id: str,
    unit: str = "FIN",
    cls: str = "A",
    disclosure: str = "proactive",
    on: str = "2025-04-10",
) -> str:
    """Contact → submit → approve → issue, all on ``on`` (after a contact in February)."""
    contact(api, case_id, unit)
    reply_id = submit(api, case_id, unit, on, cls, disclosure)
    approve(api, case_id, reply_id, on)
    issue(api, case_id, reply_id, unit, on)
    return reply_id


def deadline(case: Json, kind: str, unit: str | None = None) -> Json:
    found: list[Json] = [d for d in case["deadlines"] if d["kind"] == kind and d["unit"] == unit]
    assert len(found) == 1, case["deadlines"]
    return found[0]


def reply_of(case: Json, reply_id: str) -> Json:
    found: list[Json] = [r for r in case["replies"] if r["reply_id"] == reply_id]
    assert len(found) == 1, case["replies"]
    return found[0]


def history(api: Api, case_id: str, who: str = "auditor", **params: Any) -> Json:
    return api.read(who, f"/v1/cases/{case_id}/history", **params)


def event_types(events: list[Json]) -> list[str]:
    return [e["type"] for e in events]


def all_pages(api: Api, who: str, path: str, **params: Any) -> list[Json]:
    """Every item of a paged list, following ``next_cursor``."""
    items: list[Json] = []
    cursor: str | None = None
    while True:
        page = api.read(who, path, cursor=cursor, **params)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
