"""Reads of the 台账 (R-S1): the ledger with filters and the overdue list, as of any day."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from domain.deadlines.status import OPEN_STATUSES, deadline_status
from projections.core import Row, ViewReader


def deadline_view(row: Row, as_of: date) -> dict[str, Any]:
    """One stored deadline with its status for ``as_of`` (an act after that day is unknown)."""
    met = date.fromisoformat(row["met_on"]) if row["met_on"] else None
    missed = date.fromisoformat(row["missed_on"]) if row["missed_on"] else None
    due = date.fromisoformat(row["due_on"])
    status, days = deadline_status(due, met, as_of, int(row["due_soon_days"]), missed_on=missed)
    return {
        "kind": row["kind"],
        "unit": row["unit"],
        "due_on": row["due_on"],
        "missed_on": row["missed_on"] if status == "missed" else None,
        "status": status,
        "days_overdue": days,
        "calendar_provisional": bool(row["calendar_provisional"]),
        "derivation": row["derivation"],
    }


def _deadlines_by_case(
    reader: ViewReader, case_ids: list[str], as_of: date
) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {c: [] for c in case_ids}
    if not case_ids:
        return found
    marks = ", ".join("?" * len(case_ids))
    rows = reader.fetch(
        f"SELECT * FROM {reader.table('ledger', 'ledger_deadlines')} "
        f"WHERE case_id IN ({marks}) AND opened_on <= ? ORDER BY case_id, seq",
        [*case_ids, as_of.isoformat()],
    )
    for row in rows:
        found[row["case_id"]].append(deadline_view(row, as_of))
    return found


def ledger_item(case: Row, deadlines: list[dict[str, Any]]) -> dict[str, Any]:
    open_ones = sorted(
        (d for d in deadlines if d["status"] in OPEN_STATUSES), key=lambda d: d["due_on"]
    )
    overdue = [d for d in deadlines if d["status"] == "overdue"]
    following = open_ones[0] if open_ones else None
    return {
        "case_id": case["case_id"],
        "number": case["number"],
        "title": case["title"],
        "kind": case["kind"],
        "level": case["level"],
        "year": case["year"],
        "stage": case["stage"],
        "reference": bool(case["reference"]),
        "lead_unit": case["lead_unit"],
        "co_units": json.loads(case["co_units"]),
        "split_units": json.loads(case["split_units"]),
        "key": bool(case["key"]),
        "leader_in_charge": case["leader_in_charge"],
        "under_supervision": bool(case["under_supervision"]),
        "next_deadline": (
            {k: following[k] for k in ("kind", "unit", "due_on", "status")} if following else None
        ),
        "overdue_deadlines": [
            {k: d[k] for k in ("kind", "unit", "due_on", "days_overdue")} for d in overdue
        ],
        "days_overdue": max((d["days_overdue"] for d in overdue), default=0),
        "deadlines": deadlines,
    }


# Overdue as of a day: opened, past due, neither met nor missed by then (R-D8: a missed deadline
# is no longer chased). Each of the four parameters is the as-of day.
UNMET = (
    "{d}.opened_on <= ? AND {d}.due_on < ? AND ({d}.met_on IS NULL OR {d}.met_on > ?) "
    "AND ({d}.missed_on IS NULL OR {d}.missed_on > ?)"
)
UNMET_PARAMS = 4


def _overdue_clause(reader: ViewReader) -> str:
    return (
        f"EXISTS (SELECT 1 FROM {reader.table('ledger', 'ledger_deadlines')} d "
        f"WHERE d.case_id = c.case_id AND {UNMET.format(d='d')})"
    )


def ledger(
    reader: ViewReader,
    *,
    as_of: date,
    year: int | None = None,
    unit: str | None = None,
    kind: str | None = None,
    stage: str | None = None,
    overdue: bool | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Filtered ledger page, ordered by case number; ``cursor`` continues after a page."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("year", year), ("kind", kind), ("stage", stage)):
        if value is not None:
            where.append(f"c.{column} = ?")
            params.append(value)
    if unit is not None:
        where.append(
            f"c.case_id IN (SELECT case_id FROM {reader.table('ledger', 'ledger_units')} "
            "WHERE unit = ?)"
        )
        params.append(unit)
    if overdue is not None:
        where.append(_overdue_clause(reader) if overdue else f"NOT {_overdue_clause(reader)}")
        params += [as_of.isoformat()] * UNMET_PARAMS
    if cursor:
        number, case_id = json.loads(cursor)
        if not isinstance(number, str) or not isinstance(case_id, str):
            raise ValueError("cursor")
        where.append("(c.number > ? OR (c.number = ? AND c.case_id > ?))")
        params += [number, number, case_id]
    sql = f"SELECT * FROM {reader.table('ledger', 'ledger_cases')} c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.number, c.case_id LIMIT ?"
    rows = reader.fetch(sql, [*params, limit + 1])
    page, more = rows[:limit], len(rows) > limit
    deadlines = _deadlines_by_case(reader, [r["case_id"] for r in page], as_of)
    items = [ledger_item(r, deadlines[r["case_id"]]) for r in page]
    next_cursor = json.dumps([page[-1]["number"], page[-1]["case_id"]]) if more else None
    return {"items": items, "next_cursor": next_cursor}


def overdue(
    reader: ViewReader,
    *,
    as_of: date,
    unit: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Cases with any overdue deadline, most overdue (earliest unmet due date) first.

    Walks the deadlines in due-date order (an index scan that stops after one page) and keeps
    each case at its earliest overdue deadline, instead of grouping the whole ledger per read.
    The cursor is that (due date, case id) of the last case of the page.
    """
    deadlines = reader.table("ledger", "ledger_deadlines")
    day = as_of.isoformat()
    params: list[Any] = [day] * UNMET_PARAMS
    where = [UNMET.format(d="d")]
    if cursor:
        due, case_id = json.loads(cursor)
        if not isinstance(due, str) or not isinstance(case_id, str):
            raise ValueError("cursor")
        where.append("(d.due_on > ? OR (d.due_on = ? AND d.case_id > ?))")
        params += [due, due, case_id]
    if unit is not None:
        where.append(
            f"d.case_id IN (SELECT case_id FROM {reader.table('ledger', 'ledger_units')} "
            "WHERE unit = ?)"
        )
        params.append(unit)
    # Not an earlier overdue deadline of the same case: this row is the case's oldest.
    where.append(
        f"NOT EXISTS (SELECT 1 FROM {deadlines} e WHERE e.case_id = d.case_id "
        f"AND {UNMET.format(d='e')} AND (e.due_on < d.due_on OR "
        "(e.due_on = d.due_on AND e.seq < d.seq)))"
    )
    params += [day] * UNMET_PARAMS
    rows = reader.fetch(
        f"SELECT d.case_id, d.due_on FROM {deadlines} d WHERE {' AND '.join(where)} "
        "ORDER BY d.due_on, d.case_id LIMIT ?",
        [*params, limit + 1],
    )
    page, more = rows[:limit], len(rows) > limit
    ids = [r["case_id"] for r in page]
    cases = _cases(reader, ids)
    by_case = _deadlines_by_case(reader, ids, as_of)
    items = [ledger_item(cases[i], by_case[i]) for i in ids]
    last = page[-1] if page else None
    next_cursor = json.dumps([last["due_on"], last["case_id"]]) if more and last else None
    return {"items": items, "next_cursor": next_cursor}


def _cases(reader: ViewReader, case_ids: list[str]) -> dict[str, Row]:
    if not case_ids:
        return {}
    marks = ", ".join("?" * len(case_ids))
    rows = reader.fetch(
        f"SELECT * FROM {reader.table('ledger', 'ledger_cases')} WHERE case_id IN ({marks})",
        case_ids,
    )
    return {r["case_id"]: r for r in rows}
