"""Audit trail (R-X1 … R-X3): every event of every case with actor, both times and corrections.

Stored append-only, one row per event. Whether an event was recorded late, and which event
corrected it, are derived at read time (``queries.case_history``): the late threshold is a
setting, and a correction arrives after the event it corrects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from projections.core import Row, StoredEventInfo, Table

AUDIT = Table(
    name="audit_events",
    columns={
        "position": "INTEGER",
        "case_id": "TEXT",
        "version": "INTEGER",
        "event_type": "TEXT",
        "actor_user": "TEXT",
        "actor_role": "TEXT",
        "actor_unit": "TEXT",
        "occurred_on": "TEXT",
        "recorded_at": "TEXT",
        "corrects_version": "INTEGER",
        "data": "TEXT",
    },
    key=("position",),
    indexes=(("case_id", "version"),),
    case_column="",
)

ENVELOPE = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "actor",
    "occurred_on",
}
# Kept in the event (the store is the truth, encrypted at rest with the cipher) but not shown
# to readers of the audit log: who changed a password, and when, is enough for an audit.
SECRETS = {"password_hash"}


def _json_default(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class AuditTrailView:
    name = "audit_trail"
    tables = (AUDIT,)

    def resume(self, last_row: Row | None) -> None:
        """Nothing to carry over: each row depends on its own event only."""

    def rows(self, event: StoredEventInfo) -> Mapping[str, list[Row]]:
        actor = event.data.get("actor") or {}
        occurred = event.data.get("occurred_on")
        payload = {k: v for k, v in event.data.items() if k not in ENVELOPE | SECRETS}
        row: Row = {
            "position": event.position,
            "case_id": event.originator_id,
            "version": event.version,
            "event_type": event.event_type,
            "actor_user": actor.get("user"),
            "actor_role": actor.get("role"),
            "actor_unit": actor.get("unit"),
            "occurred_on": occurred.isoformat() if occurred else None,
            "recorded_at": event.recorded_at.isoformat(),
            "corrects_version": event.data.get("corrects_version"),
            "data": json.dumps(payload, default=_json_default, ensure_ascii=False, sort_keys=True),
        }
        return {AUDIT.name: [row]}
