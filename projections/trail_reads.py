"""Further reads of the audit trail (``audit_trail``'s one table) for the workbench: the
integrity signals only an event log can give, the corrections, and the directory (units, users,
loaded calendar years) as its events recorded it.

Signals (R-X1, R-X2, R-F4), each with the events behind it:
- late recordings: events recorded more than ``late_days`` after the day they claim (back-dating;
  ``audit_trail.recorded_late``, as a case's history marks them);
- bursts: many late recordings by one user within one hour, the shape of a ledger filled in
  after the fact;
- feedback keyed in by the office rather than the proposer through their own link.

How late an event was is decided here, in Python, from the two stored times: the database only
narrows the rows to those recorded on a later day than they claim, which both stores can say
with plain text comparison of ISO dates.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from projections.audit_trail import AUDIT, days_late, recorded_late
from projections.core import Row, ViewReader

# Rows that may have been recorded late (``recorded_late`` decides): a business date no later
# than the UTC day of ``recorded_at`` (ISO text compares as dates do, in both stores; Beijing's
# day is that one or the next, so nothing late is left out), or a correction, which claims the
# day it moves an act to (in its ``data``), not its own; never an event with a provenance, which
# only a migration gives (``command_context.migration``; ``migrated``): a demo year's every row
# came back to be dropped, the 集中补记 signal took 8.3 s at 10⁶ events.
LATER_DAY = (
    "occurred_on IS NOT NULL AND provenance IS NULL AND "
    "(occurred_on <= substr(recorded_at, 1, 10) OR corrects_version IS NOT NULL)"
)
BURST_MIN_EVENTS = 20  # late recordings by one user within one hour that make a burst


def _summary(row: Row) -> dict[str, Any]:
    return {
        "id": f"{row['case_id']}:{row['version']}",
        "position": row["position"],
        "case_id": row["case_id"],
        "type": row["event_type"],
        "actor": {"user": row["actor_user"], "role": row["actor_role"], "unit": row["actor_unit"]},
        "occurred_on": row["occurred_on"],
        "recorded_at": row["recorded_at"],
        "days_late": days_late(row),
        "corrects": (
            f"{row['case_id']}:{row['corrects_version']}"
            if row["corrects_version"] is not None
            else None
        ),
        "data": json.loads(row["data"]),
    }


def late_recordings(
    reader: ViewReader, *, late_days: int, after: int = 0, limit: int = 100
) -> dict[str, Any]:
    """Events recorded more than ``late_days`` days after their ``occurred_on``, in log order,
    from after position ``after``; ``next_cursor`` is the position to continue from."""
    found: list[dict[str, Any]] = []
    position = after
    chunk = max(limit * 4, 200)
    while len(found) <= limit:
        rows = reader.fetch(
            f"SELECT * FROM {reader.table(AUDIT)} WHERE position > ? AND {LATER_DAY} "
            "ORDER BY position LIMIT ?",
            [position, chunk],
        )
        found += [_summary(r) for r in rows if recorded_late(r, late_days)]
        if len(rows) < chunk:
            break
        position = int(rows[-1]["position"])
    page, more = found[:limit], len(found) > limit
    return {"items": page, "next_cursor": str(page[-1]["position"]) if more else None}


def late_bursts(
    reader: ViewReader, *, late_days: int, min_events: int = BURST_MIN_EVENTS
) -> list[dict[str, Any]]:
    """Per user and hour of recording, the late recordings when there are ``min_events`` or
    more: who, when, how many, how late at most, and the positions of the first and last."""
    rows = reader.fetch(
        "SELECT position, actor_user, actor_role, recorded_at, occurred_on, provenance, "
        f"corrects_version, data FROM {reader.table(AUDIT)} WHERE {LATER_DAY} ORDER BY position",
        [],
    )
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if recorded_late(row, late_days):
            groups[(row["actor_user"] or "", row["recorded_at"][:13])].append(row)
    bursts = [
        {
            "user": user,
            "role": members[0]["actor_role"],
            "hour": hour.replace("T", " ") + ":00",
            "events": len(members),
            "most_days_late": max(days_late(m) for m in members),
            "first_position": members[0]["position"],
            "last_position": members[-1]["position"],
        }
        for (user, hour), members in groups.items()
        if len(members) >= min_events
    ]
    return sorted(bursts, key=lambda b: (-b["events"], b["hour"]))


def events_of_type(
    reader: ViewReader, types: tuple[str, ...], *, limit: int = 1000
) -> list[dict[str, Any]]:
    """Events of the given types, newest first."""
    marks = ", ".join("?" * len(types))
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(AUDIT)} WHERE event_type IN ({marks}) "
        "ORDER BY position DESC LIMIT ?",
        [*types, limit],
    )
    return [_summary(r) for r in rows]


def office_feedback(reader: ViewReader, *, limit: int = 1000) -> dict[str, Any]:
    """R-F4: feedback events by source, and those keyed in by the office (not the proposer)."""
    feedback = events_of_type(reader, ("FeedbackRecorded",), limit=limit)
    by_office = [f for f in feedback if f["data"].get("source", "office") != "proposer"]
    return {"total": len(feedback), "by_office": by_office}


def corrections(reader: ViewReader, *, limit: int = 500) -> list[dict[str, Any]]:
    """R-X2: every correcting event, newest first, naming the event it corrects."""
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(AUDIT)} WHERE corrects_version IS NOT NULL "
        "ORDER BY position DESC LIMIT ?",
        [limit],
    )
    return [_summary(r) for r in rows]


def directory(reader: ViewReader) -> dict[str, list[dict[str, Any]]]:
    """Units, users (enabled or not, tokens issued, the tokens not revoked) and loaded calendar
    years, from their events: every change of the directory is an event, so the trail holds all
    of it. A token's expiry is the reader's to judge (it is judged by the day it is read)."""
    kinds = (
        "UnitCreated",
        "UserCreated",
        "UserDisabled",
        "UserEnabled",
        "UserReassigned",
        "TokenIssued",
        "TokensRevoked",
    )
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(AUDIT)} WHERE event_type IN "
        f"({', '.join('?' * len(kinds))}) ORDER BY position",
        list(kinds),
    )
    units: list[dict[str, Any]] = []
    users: dict[str, dict[str, Any]] = {}
    for row in rows:
        data = json.loads(row["data"])
        kind = row["event_type"]
        if kind == "UnitCreated":
            units.append({"code": data.get("code"), "name": data.get("name")})
        elif kind == "UserCreated":
            users[row["case_id"]] = {
                "username": data.get("username"),
                "display_name": data.get("display_name"),
                "role": data.get("role"),
                "unit_code": data.get("unit_code"),
                "enabled": True,
                "tokens": 0,
                "live_tokens": {},  # hash → {"prefix", "expires_on"}, in order of issue
                "created_at": row["recorded_at"],
            }
        elif row["case_id"] in users:
            user = users[row["case_id"]]
            if kind == "TokenIssued":
                user["tokens"] += 1
                token = {"prefix": data.get("prefix"), "expires_on": data.get("expires_on")}
                user["live_tokens"][data.get("hashed")] = token
            elif kind == "TokensRevoked":
                for hashed in data.get("hashes") or []:
                    user["live_tokens"].pop(hashed, None)
            elif kind == "UserReassigned":
                user["role"], user["unit_code"] = data.get("role"), data.get("unit_code")
            else:
                user["enabled"] = kind == "UserEnabled"
    years = [
        {
            **_summary(r),
            "year": r_data.get("year"),
            "holidays": r_data.get("holidays", []),
            "workdays": r_data.get("workdays", []),
        }
        for r in reader.fetch(
            f"SELECT * FROM {reader.table(AUDIT)} WHERE event_type = ? ORDER BY position DESC",
            ["YearScheduleLoaded"],
        )
        for r_data in [json.loads(r["data"])]
    ]
    for user in users.values():
        user["live_tokens"] = list(user["live_tokens"].values())
    return {"units": units, "users": list(users.values()), "calendar_years": years}
