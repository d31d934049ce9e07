"""Reads of the audit trail (R-X1 … R-X3): a case's events with actor, both times, lateness and
corrections linked both ways; and the global log in order."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from projections.core import Row, ViewReader


def _event(row: Row, late_days: int, corrected_by: dict[int, list[str]]) -> dict[str, Any]:
    case_id = row["case_id"]
    recorded = datetime.fromisoformat(row["recorded_at"])
    occurred = date.fromisoformat(row["occurred_on"]) if row["occurred_on"] else None
    corrects = row["corrects_version"]
    return {
        "id": f"{case_id}:{row['version']}",
        "position": row["position"],
        "case_id": case_id,
        "type": row["event_type"],
        "actor": {"user": row["actor_user"], "role": row["actor_role"], "unit": row["actor_unit"]},
        "occurred_on": row["occurred_on"],
        "recorded_at": row["recorded_at"],
        "late_recorded": occurred is not None and (recorded.date() - occurred).days > late_days,
        "data": json.loads(row["data"]),
        "corrects": f"{case_id}:{corrects}" if corrects is not None else None,
        "corrected_by": corrected_by.get(int(row["version"]), []),
    }


def case_history(
    reader: ViewReader, case_id: str, *, late_days: int, until: datetime | None = None
) -> list[dict[str, Any]]:
    """Every event of the case recorded up to ``until`` (all when None), in order."""
    sql = f"SELECT * FROM {reader.table('audit_trail', 'audit_events')} WHERE case_id = ?"
    params: list[Any] = [case_id]
    if until is not None:
        sql += " AND recorded_at <= ?"
        params.append(until.isoformat())
    rows = reader.fetch(sql + " ORDER BY version", params)
    corrected_by: dict[int, list[str]] = {}
    for row in rows:
        if row["corrects_version"] is not None:
            corrected_by.setdefault(int(row["corrects_version"]), []).append(
                f"{case_id}:{row['version']}"
            )
    return [_event(row, late_days, corrected_by) for row in rows]


def global_log(
    reader: ViewReader, *, after: int = 0, limit: int = 100, late_days: int = 7
) -> dict[str, Any]:
    rows = reader.fetch(
        f"SELECT * FROM {reader.table('audit_trail', 'audit_events')} "
        "WHERE position > ? ORDER BY position LIMIT ?",
        [after, limit + 1],
    )
    page, more = rows[:limit], len(rows) > limit
    items = [_event(row, late_days, {}) for row in page]
    return {"items": items, "next_cursor": str(page[-1]["position"]) if more else None}
