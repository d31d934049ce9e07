"""Audit trail (R-X1 … R-X3): every event of every case with actor, both times and corrections;
and its reads, a case's history and the global log in order.

Stored append-only, one row per event. Whether an event was recorded late, and which event
corrected it, are derived at read time (``case_history``): the late threshold is a setting, and
a correction arrives after the event it corrects, so both are linked both ways when read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import orjson

from domain.business_day import business_day
from domain.vocabulary import MIGRATION_SOURCES
from projections.core import EventView, Row, StoredEventInfo, Table, ViewReader, iso_time
from projections.json_text import text_encoder

NAME = "audit_trail"

AUDIT = Table(
    view=NAME,
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
        "provenance": "TEXT",  # JSON: an import's file hash, the demo (None: keyed in)
    },
    key=("position",),
    # The log narrowed to a user or an event type (``global_log``) reads that user's or that
    # type's rows in order: without these a rare one read every row after the cursor, 0.4-0.5
    # s a page at 1.28 million events on SQLite. Built once after a rebuild's fill (2.4 s
    # for both there), one entry each per event after it.
    indexes=(("case_id", "version"), ("actor_user", "position"), ("event_type", "position")),
    case_column="",
)

ENVELOPE = {
    "originator_id",
    "originator_version",
    "originator_topic",
    "timestamp",
    "actor",
    "occurred_on",
    "provenance",
}

# Kept in the event (the store is the truth, encrypted at rest with the cipher) but not shown
# to readers of the audit log: who changed a password, and when, is enough for an audit.
SECRETS = {"password_hash"}


# Neither the envelope nor secrets: what the trail's ``data`` shows of an event.
HIDDEN = ENVELOPE | SECRETS
_HIDDEN_KEYS = tuple(HIDDEN)


def _json_default(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# What the trail's JSON columns were first written with: ``json.dumps`` with these options.
_ENCODE = text_encoder(json.JSONEncoder(default=_json_default, ensure_ascii=False, sort_keys=True))
# Dataclasses go to ``_json_default`` as they do with ``json``, not out as objects.
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS


def json_text(value: Any) -> str:
    """A row's ``data`` or ``provenance``: the JSON ``_ENCODE`` writes, with the same values
    (readers and the trail's check parse it), written by ``orjson`` without the spaces, in a
    third of the time (measured on the demo year's payloads: 0.7 against 1.7 µs; the trail is
    a row per event of every rebuild). What ``orjson`` refuses (a key that is not text, an
    integer beyond 64 bits, a lone surrogate) is written by ``_ENCODE``, as before."""
    try:
        return orjson.dumps(value, default=_json_default, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return _ENCODE(value)


class AuditTrailView(EventView):
    name = NAME
    tables = (AUDIT,)

    def resume(self, last_row: Row | None) -> None:
        """Nothing to carry over: each row depends on its own event only."""

    def rows(self, event: StoredEventInfo) -> Mapping[str, list[Row]]:
        data = event.data
        actor = data.get("actor") or {}
        occurred = data.get("occurred_on")
        payload = dict(data)
        for key in _HIDDEN_KEYS:  # a third of a comprehension's cost: few keys are hidden
            payload.pop(key, None)
        row: Row = {
            "position": event.position,
            "case_id": event.originator_id,
            "version": event.version,
            "event_type": event.event_type,
            "actor_user": actor.get("user"),
            "actor_role": actor.get("role"),
            "actor_unit": actor.get("unit"),
            "occurred_on": occurred.isoformat() if occurred else None,
            "recorded_at": iso_time(event.recorded_at),
            "corrects_version": data.get("corrects_version"),
            "data": json_text(payload),
            "provenance": _provenance_text(data.get("provenance")),
        }
        return {AUDIT.name: [row]}


def _provenance_text(provenance: Any) -> str | None:
    if type(provenance) is dict:  # as decoded: the ABC check below costs more than the JSON
        return json_text(provenance)
    if not isinstance(provenance, Mapping):
        return None
    return json_text(dict(provenance))


# -- reads ----------------------------------------------------------------------------------


def days_late(row: Row) -> int:
    """How many (Beijing) days after the day it claims an event was recorded; 0 without one.
    A correction that moves an act's date claims that date too (R-X1: moving an act late
    recorded back before its deadline is itself a late recording)."""
    claimed = [d for d in (row["occurred_on"], _corrected_day(row)) if d]
    if not claimed:
        return 0
    return (recorded_day(row) - date.fromisoformat(min(claimed))).days


def recorded_day(row: Row) -> date:
    """The (Beijing) day an event was recorded: the day its lateness counts from."""
    return business_day(datetime.fromisoformat(str(row["recorded_at"])))


def _corrected_day(row: Row) -> str | None:
    if row.get("corrects_version") is None or not row.get("data"):
        return None
    return correction_day(json.loads(row["data"]))


def correction_day(data: Mapping[str, Any]) -> str | None:
    """The ``occurred_on`` a correction's data gives the event it corrects, if it gives one:
    the day it claims, from which R-X1 counts it late too."""
    corrected = data.get("corrected")
    day = corrected.get("occurred_on") if isinstance(corrected, dict) else None
    return day if isinstance(day, str) else None


def recorded_late(row: Row, late_days: int) -> bool:
    """R-X1's signal, the one test of every read (a case's history, the log, the integrity
    signals): recorded more than ``late_days`` after the day it claims. Events brought in at
    once, from an imported sheet or as the demo's seeded year, are a migration, never late."""
    return days_late(row) > late_days and not migrated(row)


def migrated(row: Row) -> bool:
    """Brought in at once (an imported sheet, the demo's seeded year): a migration, whose
    recording day says nothing about when the act was done."""
    provenance = json.loads(row["provenance"]) if row["provenance"] else None
    return isinstance(provenance, dict) and provenance.get("kind") in MIGRATION_SOURCES


def _event(row: Row, late_days: int, corrected_by: dict[int, list[str]]) -> dict[str, Any]:
    case_id = row["case_id"]
    corrects = row["corrects_version"]
    provenance = json.loads(row["provenance"]) if row["provenance"] else None
    return {
        "id": f"{case_id}:{row['version']}",
        "position": row["position"],
        "case_id": case_id,
        "type": row["event_type"],
        "actor": {"user": row["actor_user"], "role": row["actor_role"], "unit": row["actor_unit"]},
        "occurred_on": row["occurred_on"],
        "recorded_at": row["recorded_at"],
        "late_recorded": recorded_late(row, late_days),
        "data": json.loads(row["data"]),
        "corrects": f"{case_id}:{corrects}" if corrects is not None else None,
        "corrected_by": corrected_by.get(int(row["version"]), []),
        "provenance": provenance,
    }


def case_history(
    reader: ViewReader, case_id: str, *, late_days: int, until: datetime | None = None
) -> list[dict[str, Any]]:
    """Every event of the case recorded up to ``until`` (all when None), in order."""
    sql = f"SELECT * FROM {reader.table(AUDIT)} WHERE case_id = ?"
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
    reader: ViewReader,
    *,
    after: int = 0,
    limit: int = 100,
    late_days: int = 7,
    user: str | None = None,
    event_type: str | None = None,
) -> dict[str, Any]:
    """The log in order after ``after``; with ``user``, that user's events only (an auditor's
    "who did what": the log alone had to be paged through by hand); with ``event_type``,
    events of that type only (every 停用用户, every login)."""
    narrowed = ""
    params: list[Any] = [after]
    for column, value in (("actor_user", user), ("event_type", event_type)):
        if value is not None:
            narrowed += f" AND {column} = ?"
            params.append(value)
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(AUDIT)} WHERE position > ?{narrowed} "
        "ORDER BY position LIMIT ?",
        [*params, limit + 1],
    )
    page, more = rows[:limit], len(rows) > limit
    items = [_event(row, late_days, {}) for row in page]
    return {"items": items, "next_cursor": str(page[-1]["position"]) if more else None}


def has_event_at(reader: ViewReader, position: int) -> bool:
    """Whether the event at log ``position`` is in the trail (False while there is no trail).

    Fed from Kafka, the trail is written in the transaction that writes the case views, so
    this is how a read learns that the views hold a given write (read-your-writes).
    """
    try:
        table = reader.table(AUDIT)
    except LookupError:
        return False
    return bool(reader.fetch(f"SELECT 1 AS hit FROM {table} WHERE position = ?", [position]))
