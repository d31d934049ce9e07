"""The public shape of one case (API.md ``GET /v1/cases/{id}``), from its aggregate state.

Read straight from the event store rather than a view, so a case is always current and can be
shown as it was at any recorded time (R-X3) with the deadlines of any day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import WorkdayCalendar
from domain.deadlines import case_deadlines


def _reply(reply: dict[str, Any]) -> dict[str, Any]:
    return {
        "reply_id": reply["reply_id"],
        "unit": reply["unit"],
        "classification": reply["classification"],
        "disclosure": reply["disclosure"],
        "withheld_reason": reply["withheld_reason"],
        "status": reply["status"],
        "recipients": reply["recipients"],
        "copies": reply["copies"],
        "further": reply["further"],
        "submitted_on": _iso(reply["submitted_on"]),
        "issued_on": _iso(reply["issued_on"]),
        "document_number": reply["document_number"],
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _plain(value: Any) -> Any:
    """Dates to ISO strings, recursively, for JSON."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _iso(value)


def case_document(case: Any, calendar: WorkdayCalendar, as_of: date) -> dict[str, Any]:
    key = case.key or {}
    return {
        "case_id": str(case.id),
        "number": case.number,
        "kind": case.kind,
        "level": case.level,
        "year": case.year,
        "title": case.title,
        "stage": case.stage,
        "policy": case.policy,
        "reference": case.reference,
        "key": case.key is not None,
        "key_source": key.get("source"),
        "leader_in_charge": key.get("leader_in_charge"),
        "lead_unit": case.lead_unit,
        "co_units": case.co_units,
        "split_units": case.split_units,
        "assignment_rounds": case.assignment_rounds,
        "assigned_on": _iso(case.assigned_on),
        "proposers": case.proposers,
        "replies": [_reply(r) for r in case.replies.values()],
        "feedback": _plain(case.feedback),
        "disclosures": _plain(case.disclosures),
        "merge": _plain(case.merge),
        "under_supervision": case.under_supervision,
        "closed_out_on": _iso(case.closed_out_on),
        "deadlines": [d.as_dict() for d in case_deadlines(case, calendar, as_of)],
        "version": case.version,
    }
