"""The benchmarks' shared workload: one typical case lifecycle, one event per command.

Imported by ``append.py`` and ``kafka.py`` so both time exactly the same commands.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.case import Actor

TODAY = date(2025, 6, 30)
YEAR = 2025
OFFICE: Actor = {"user": "bench-office", "role": "office", "unit": "office"}
LEAD_UNIT = "U-LEAD"
CO_UNIT = "U-CO"
LEAD: Actor = {"user": "bench-lead", "role": "unit", "unit": LEAD_UNIT}
CO: Actor = {"user": "bench-co", "role": "unit", "unit": CO_UNIT}

# Stands in for the reply id answered by ``submit_reply`` in the later steps.
REPLY_ID = "<reply_id>"


# ---------------------------------------------------------------------- the workload


def registration(number: str) -> dict[str, Any]:
    return {
        "number": number,
        "kind": "suggestion",
        "level": "provincial",
        "year": YEAR,
        "title": "关于加强城乡社区养老服务设施建设的建议 (bench)",
        "proposers": [
            {"name": "王代表", "type": "deputy", "role": "lead"},
            {"name": "李代表", "type": "deputy", "role": "co_signer"},
            {"name": "张代表", "type": "deputy", "role": "co_signer"},
        ],
        "received_on": date(2025, 3, 1),
    }


# (command, actor, fields): a typical lifecycle after registration, one event per command.
LIFECYCLE: list[tuple[str, Actor, dict[str, Any]]] = [
    (
        "assign",
        OFFICE,
        {"lead_unit": LEAD_UNIT, "co_units": [CO_UNIT], "assigned_on": date(2025, 3, 5)},
    ),
    (
        "record_contact",
        LEAD,
        {
            "unit": LEAD_UNIT,
            "phase": "before",
            "channel": "phone",
            "contacted_by": {"name": "赵处长", "rank": "处长"},
            "person": "王代表",
            "reached": True,
            "summary": "电话沟通办理思路，代表表示认可。",
            "occurred_on": date(2025, 3, 20),
        },
    ),
    (
        "record_co_opinion",
        CO,
        {
            "unit": CO_UNIT,
            "summary": "会办意见：同意主办单位办理方案，资金由本单位统筹。",
            "disclosure_opinion": "proactive",
            "occurred_on": date(2025, 4, 1),
        },
    ),
    (
        "submit_reply",
        LEAD,
        {
            "unit": LEAD_UNIT,
            "classification": "B",
            "consultation_form_ref": "ZX-2025-0001",
            "summary": "已列入年度计划，正在推进。",
            "occurred_on": date(2025, 4, 10),
        },
    ),
    (
        "decide_reply",
        OFFICE,
        {
            "reply_id": REPLY_ID,
            "approved": True,
            "leader": "钱厅长",
            "note": "同意印发。",
            "occurred_on": date(2025, 4, 15),
        },
    ),
    (
        "issue_reply",
        OFFICE,
        {
            "reply_id": REPLY_ID,
            "document_number": "建复〔2025〕1号",
            "occurred_on": date(2025, 4, 20),
        },
    ),
    (
        "record_feedback",
        OFFICE,
        {"verdict": "satisfied", "comments": "满意。", "occurred_on": date(2025, 5, 10)},
    ),
]
EVENTS_PER_CASE = 1 + len(LIFECYCLE)


def resolve(fields: dict[str, Any], reply_id: str | None) -> dict[str, Any]:
    if fields.get("reply_id") != REPLY_ID:
        return fields
    if reply_id is None:
        msg = "a reply step came before submit_reply"
        raise RuntimeError(msg)
    return {**fields, "reply_id": reply_id}
