"""Deadlines met on paper (R-X1, R-D8): met by an act that claims a day on or before the due
day but was recorded after that day had passed (Beijing time).

A back-dated act is late recording (R-X1), flagged once recorded more than the allowed days
(``audit_trail.recorded_late``). One that crosses a due day is the kind that matters most: it
turns 已逾期 into 按期办结, and a back-date of a few days stays under that allowance (a review
recorded on 12-07 an issue dated 12-01, its reply due 12-01 and 已逾期 6 天: it read 按期办结,
and nothing said so). This read pairs each deadline as it stands (``ledger_deadlines``' current
period) with the events of its case that could have met it on that day, and keeps those
recorded after the due day. Migrated events (an import, the demo year) are no late recording.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.audit_trail import AUDIT, migrated, recorded_day
from projections.core import Row, ViewReader
from projections.ledger import DEADLINES

# The events whose day meets each kind of deadline (``domain.deadlines.case_deadlines``).
MEETING_EVENTS: dict[str, tuple[str, ...]] = {
    "co_opinion": ("CoOpinionDelivered",),
    "reply": ("ReplyIssued", "MergedReplyIssued"),
    "rehandling": ("ReplyIssued", "MergedReplyIssued"),
    "disclosure": ("ReplyPublished", "ReplyWithheld"),
    "reference_contact": ("ContactRecorded", "VisitRecorded"),
}


def _pairs() -> tuple[str, list[str]]:
    """The SQL condition that an event's type meets its deadline's kind, and its parameters."""
    conditions, params = [], []
    for kind, types in MEETING_EVENTS.items():
        conditions.append(f"(d.kind = ? AND e.event_type IN ({', '.join('?' * len(types))}))")
        params += [kind, *types]
    return f"({' OR '.join(conditions)})", params


def met_after_due(
    reader: ViewReader, *, case_id: str | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """The deadlines met by an act recorded after their due day (of one case, when given), in
    log order of the act: the case, the deadline (kind, unit, due day, the day met), the act."""
    pairs, params = _pairs()
    of_case = "AND d.case_id = ? " if case_id is not None else ""
    params += [case_id] if case_id is not None else []
    # Two prefilters that leave nothing out, ``_after_due`` and ``migrated`` deciding: the UTC
    # day of ``recorded_at`` is the Beijing day or the one before, and an event with a
    # provenance is one brought in (``command_context.migration``), whose every met deadline
    # would otherwise come back (a demo year's, 262k at 10⁶ events).
    rows = reader.fetch(
        f"SELECT d.case_id, d.kind, d.unit, d.due_on, d.met_on, e.position, e.version, "
        f"e.event_type, e.actor_user, e.actor_role, e.actor_unit, e.recorded_at, e.provenance "
        f"FROM {reader.table(DEADLINES)} d JOIN {reader.table(AUDIT)} e "
        f"ON e.case_id = d.case_id AND e.occurred_on = d.met_on "
        f"WHERE d.valid_until IS NULL AND d.met_on IS NOT NULL AND d.met_on <= d.due_on "
        f"AND substr(e.recorded_at, 1, 10) >= d.due_on AND e.provenance IS NULL AND {pairs} "
        f"{of_case}ORDER BY e.position, d.kind, d.unit",
        params,
    )
    found = [_item(row) for row in rows if _after_due(row) and not migrated(row)]
    return found[:limit]


def _after_due(row: Row) -> bool:
    return recorded_day(row) > date.fromisoformat(str(row["due_on"]))


def _item(row: Row) -> dict[str, Any]:
    return {
        "case_id": row["case_id"],
        "kind": row["kind"],
        "unit": row["unit"],
        "due_on": row["due_on"],
        "met_on": row["met_on"],
        "event": {
            "id": f"{row['case_id']}:{row['version']}",
            "position": row["position"],
            "type": row["event_type"],
            "actor": {
                "user": row["actor_user"],
                "role": row["actor_role"],
                "unit": row["actor_unit"],
            },
            "recorded_at": row["recorded_at"],
            "recorded_on": recorded_day(row).isoformat(),
        },
    }
